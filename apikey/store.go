package apikey

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/netip"
	"slices"
	"time"
)

// Store is one immutable generation of the key store: entries in file order and an index by
// hash. A reload builds a new Store; nobody changes one in place.
type Store struct {
	Entries []*Entry
	byHash  map[[sha256.Size]byte]*Entry
}

// Entry is one key of the store. The key itself is never kept, only its SHA-256.
type Entry struct {
	// ID is the key's first characters: enough to tell keys apart in `espctl keys list` and
	// to revoke one, far too few to guess the rest.
	ID            string
	Hash          [sha256.Size]byte
	ProjectID     string
	ProjectNumber string
	// APIs are the API names the key may call; `*` allows every API.
	APIs []string
	// AllowedIPs, when not empty, are the only client addresses the key works from.
	AllowedIPs []netip.Prefix
	// AllowedReferrers, when not empty, are patterns (`*` wildcards) the Referer must match.
	AllowedReferrers []string
	Revoked          bool
	// Expires, when set, is the instant the key stops working.
	Expires time.Time
	// Created is informational.
	Created time.Time
	// Line is where the entry starts in the store file (0 for entries built in code).
	Line int
}

// HashKey is the SHA-256 of a key, the only form the store keeps. Keys are long random
// strings, so an unsalted hash is enough: there is nothing to guess from a dictionary.
func HashKey(key string) [sha256.Size]byte { return sha256.Sum256([]byte(key)) }

// HashHex is HashKey in lower-case hex, as the store file writes it.
func HashHex(key string) string {
	h := HashKey(key)
	return hex.EncodeToString(h[:])
}

// NewStore indexes entries; it fails like the file loader on duplicate ids or hashes.
func NewStore(entries []*Entry) (*Store, error) {
	s := &Store{Entries: entries, byHash: make(map[[sha256.Size]byte]*Entry, len(entries))}
	ids := map[string]bool{}
	for _, e := range entries {
		if ids[e.ID] {
			return nil, &LoadError{Line: e.Line, Msg: "duplicate key id " + quote(e.ID)}
		}
		ids[e.ID] = true
		if _, dup := s.byHash[e.Hash]; dup {
			return nil, &LoadError{Line: e.Line, Msg: "duplicate sha256: the same key is listed twice"}
		}
		s.byHash[e.Hash] = e
	}
	return s, nil
}

// Find returns the entry with the given id, or nil.
func (s *Store) Find(id string) *Entry {
	for _, e := range s.Entries {
		if e.ID == id {
			return e
		}
	}
	return nil
}

// lookup finds the entry of a presented key. The key is hashed first and only the hash is
// looked up, so the time taken does not depend on how much of a real key the caller got
// right: a near miss and a wild guess both hash to unrelated values. The final comparison is
// constant-time anyway.
func (s *Store) lookup(key string) *Entry {
	if s == nil {
		return nil
	}
	h := HashKey(key)
	e := s.byHash[h]
	if e == nil || subtle.ConstantTimeCompare(e.Hash[:], h[:]) != 1 {
		return nil
	}
	return e
}

func (e *Entry) allowsAPI(api string) bool {
	return slices.Contains(e.APIs, "*") || slices.Contains(e.APIs, api)
}

// allowsIP: no restriction allows every client; with one, an unknown client address is refused.
func (e *Entry) allowsIP(ip netip.Addr) bool {
	if len(e.AllowedIPs) == 0 {
		return true
	}
	if !ip.IsValid() {
		return false
	}
	ip = ip.Unmap()
	for _, p := range e.AllowedIPs {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// allowsReferrer: no restriction allows every request; with one, the request must carry
// exactly one Referer that matches a pattern.
func (e *Entry) allowsReferrer(referers []string) bool {
	if len(e.AllowedReferrers) == 0 {
		return true
	}
	if len(referers) != 1 || referers[0] == "" {
		return false
	}
	for _, p := range e.AllowedReferrers {
		if referrerMatches(p, referers[0]) {
			return true
		}
	}
	return false
}
