package jwtauth

import (
	"container/list"
	"sync"
	"time"
)

// DefaultJWTCacheSize is ESPv2's --jwt_cache_size default: verified tokens remembered so a
// client repeating its token skips decoding and the signature check.
const DefaultJWTCacheSize = 1000

// maxCachedTokenBytes keeps big tokens out of the cache, bounding its memory to about
// DefaultJWTCacheSize * 4 KiB.
const maxCachedTokenBytes = 4 << 10

// verifiedCache is an LRU of tokens whose signature verified, per provider. A hit still goes
// through the issuer, time and audience checks (they depend on the clock and the method); it
// only skips parsing and the signature. Entries live until the token expires or for the key
// cache duration, whichever is first, so a key removed from the JWKS stops vouching for cached
// tokens within that time.
type verifiedCache struct {
	mu      sync.Mutex
	size    int
	ttl     time.Duration
	entries map[cacheKey]*list.Element
	order   *list.List // front: most recently used
}

type cacheKey struct {
	provider string
	raw      string
}

type cacheEntry struct {
	key     cacheKey
	tok     *token
	expires time.Time
}

func newVerifiedCache(size int, ttl time.Duration) *verifiedCache {
	if size <= 0 {
		return nil
	}
	return &verifiedCache{size: size, ttl: ttl, entries: map[cacheKey]*list.Element{}, order: list.New()}
}

func (c *verifiedCache) get(provider, raw string, now time.Time) *token {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.entries[cacheKey{provider, raw}]
	if !ok {
		return nil
	}
	e := el.Value.(*cacheEntry)
	if !now.Before(e.expires) {
		c.order.Remove(el)
		delete(c.entries, e.key)
		return nil
	}
	c.order.MoveToFront(el)
	return e.tok
}

func (c *verifiedCache) put(provider string, t *token, now time.Time) {
	if c == nil || len(t.raw) > maxCachedTokenBytes {
		return
	}
	expires := now.Add(c.ttl)
	if t.hasExp {
		if exp := time.Unix(t.exp+clockSkewSeconds, 0); exp.Before(expires) {
			expires = exp
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	key := cacheKey{provider, t.raw}
	if el, ok := c.entries[key]; ok {
		c.order.Remove(el)
	}
	c.entries[key] = c.order.PushFront(&cacheEntry{key: key, tok: t, expires: expires})
	for c.order.Len() > c.size {
		oldest := c.order.Back()
		c.order.Remove(oldest)
		delete(c.entries, oldest.Value.(*cacheEntry).key)
	}
}
