// Package apikey checks API keys for `espctl run` locally, without Google Service Control: the
// keys live in a store file (--api_keys_file) as SHA-256 hashes, each mapped to a consumer
// project, the APIs it may call and optional client IP and referrer restrictions.
//
// The order of the checks and the error texts are ESPv2's (proxy-behavior.md section 12,
// headers-and-errors.md 2.3). The proxy wires it in with a few lines:
//
//	keys, err := apikey.Open(path, apikey.Options{Logger: log})
//	go keys.Watch(ctx, time.Second) // hot reload; a bad file keeps the old keys
//	...
//	consumer, rej := keys.Check(r, method, method.API, clientIP)
//	if rej != nil { reply rej.Status, rej.Message }
//	apikey.SetBackendHeaders(out.Header, consumer, apikey.HeaderOptions{})
//	quotaRej := limiter.Allow(ctx, consumer.QuotaConsumer(), method)
//
// docs/security.md describes the store format and what fails open or closed.
package apikey

import (
	"log/slog"
	"net/http"
	"net/netip"
	"sync/atomic"
	"time"

	"github.com/espctl/espctl/translate"
)

// Consumer is who a checked API key belongs to.
type Consumer struct {
	// KeyID is the store's id of the key (its first characters), for logs.
	KeyID         string
	ProjectID     string
	ProjectNumber string
	// Checked is false for methods with allow_unregistered_calls: ESPv2 never validates a key
	// there, so no consumer headers are sent; the consumer is still returned when the key is
	// valid so quota is charged to its project, as Service Control charges the key's project.
	Checked bool
}

// QuotaConsumer is the quota consumer a call is charged to: `project_number:<N>` as Service
// Control names it, or "" (unidentified callers, charged together) for a nil Consumer.
func (c *Consumer) QuotaConsumer() string {
	if c == nil {
		return ""
	}
	return "project_number:" + c.ProjectNumber
}

// Options tune a Checker; the zero value is fine.
type Options struct {
	// Clock decides key expiry; time.Now when nil.
	Clock func() time.Time
	// Logger reports reloads and rejected store files; slog.Default() when nil.
	Logger *slog.Logger
}

// Checker checks requests against the current key store. It is safe for concurrent use; a
// reload swaps the whole store at once, so a request sees either the old or the new keys.
type Checker struct {
	path  string
	opts  Options
	store atomic.Pointer[Store]
	// stamp is the last file state Watch has seen.
	stamp string
}

// New returns a Checker over a store already in memory (tests, or a store built elsewhere).
// It has no file, so Reload and Watch do nothing.
func New(s *Store, opts Options) *Checker {
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if s == nil {
		s = &Store{}
	}
	c := &Checker{opts: opts}
	c.store.Store(s)
	return c
}

// Open loads the store file at path; errors name file:line:col.
func Open(path string, opts Options) (*Checker, error) {
	// The stamp is taken first: a change made while loading is then seen by Watch.
	stamp := fileStamp(path)
	s, err := LoadFile(path)
	if err != nil {
		return nil, err
	}
	c := New(s, opts)
	c.path, c.stamp = path, stamp
	return c, nil
}

// Store returns the store in use.
func (c *Checker) Store() *Store { return c.store.Load() }

// Check decides whether the request may call method m of API apiName (m.API when empty), as
// ESPv2's Service Control filter does, in this order:
//
//  1. no method (404/405 routes) or skip_service_control: nothing is checked;
//  2. the key is read from the method's locations (first present wins);
//  3. allow_unregistered_calls: never rejected; a valid key still names the consumer
//     (Checked false) for quota;
//  4. no key: 401; unknown or revoked key: 400 "API key not valid"; expired: 400; key not
//     allowed for this API, client IP or referrer: 403.
//
// It returns the consumer on success, or nil and nil when no key was needed and none valid
// was sent. clientIP is the address the proxy trusts as the client's (invalid when unknown:
// then a key with IP restrictions is refused).
func (c *Checker) Check(r *http.Request, m *translate.Method, apiName string, clientIP netip.Addr) (*Consumer, *Rejection) {
	if m == nil || m.APIKey.SkipServiceControl {
		return nil, nil
	}
	if apiName == "" {
		apiName = m.API
	}
	key, found := ExtractKey(r, m.APIKey)
	if m.APIKey.AllowUnregisteredCalls {
		if !found {
			return nil, nil
		}
		consumer, rej := c.verify(key, r, apiName, clientIP)
		if rej != nil {
			return nil, nil
		}
		consumer.Checked = false
		return consumer, nil
	}
	if !found {
		return nil, rejectMissing
	}
	return c.verify(key, r, apiName, clientIP)
}

// verify looks the key up and applies its restrictions.
func (c *Checker) verify(key string, r *http.Request, apiName string, clientIP netip.Addr) (*Consumer, *Rejection) {
	e := c.store.Load().lookup(key)
	if e == nil || e.Revoked {
		return nil, rejectInvalid
	}
	if !e.Expires.IsZero() && !c.opts.Clock().Before(e.Expires) {
		return nil, rejectExpired
	}
	if !e.allowsAPI(apiName) {
		return nil, rejectAPITarget
	}
	if !e.allowsIP(clientIP) {
		return nil, rejectIP
	}
	if !e.allowsReferrer(r.Header.Values("Referer")) {
		return nil, rejectReferrer
	}
	return &Consumer{KeyID: e.ID, ProjectID: e.ProjectID, ProjectNumber: e.ProjectNumber, Checked: true}, nil
}
