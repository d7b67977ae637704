package jwtauth

import (
	"context"
	"errors"
	"fmt"
	"github.com/espctl/espctl/observe"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// maxJWKSBytes bounds a JWKS document; real ones are a few KiB.
const maxJWKSBytes = 1 << 20

// Cache-Control max-age is honoured within these bounds: a JWKS server that says `max-age=0`
// must not make every request wait for a fetch, and one that says a year must not pin keys
// past a rotation.
const (
	minMaxAge = 30 * time.Second
	maxMaxAge = 24 * time.Hour
)

// failureBackoff is how long a failed fetch is remembered before another is tried, so an
// unreachable JWKS server costs one fetch per second, not one per request.
const failureBackoff = time.Second

// keySource holds one provider's keys: loaded from a URL or a file, cached, refreshed when
// stale (in the background and on the request path) and when a token names an unknown `kid`.
// All fetches go through one in-flight call (single flight).
type keySource struct {
	location string // URL or file path; empty until OpenID discovery found it
	issuer   string // for OpenID discovery when location is empty
	file     bool   // location is a local file
	opts     *Options

	mu          sync.Mutex
	set         *keySet
	expires     time.Time
	lastAttempt time.Time
	lastErr     error
	call        *fetchCall

	stop     chan struct{}
	stopOnce sync.Once
	wg       sync.WaitGroup
}

var errClosed = errors.New("authenticator closed")

// fetchCall is a fetch in progress; done is closed when it ends.
type fetchCall struct {
	done chan struct{}
	err  error
}

func newKeySource(location, issuer string, opts *Options) *keySource {
	return &keySource{location: location, issuer: issuer, file: isFileLocation(location), opts: opts, stop: make(chan struct{})}
}

// isFileLocation says whether a jwks_uri names a local file: anything but an http(s) URL
// (empty means OpenID discovery, which is remote).
func isFileLocation(location string) bool {
	if location == "" {
		return false
	}
	u, err := url.Parse(location)
	return err != nil || (u.Scheme != "http" && u.Scheme != "https")
}

// keys returns the key set to verify with. A fresh set is returned at once; a stale one is
// returned at once while a refresh runs in the background; with no set yet, or when the token
// names a kid the set lacks, the caller waits (bounded by FetchTimeout and ctx) for a fetch.
func (s *keySource) keys(ctx context.Context, wantKid string) (*keySet, error) {
	s.mu.Lock()
	now := s.opts.Clock()
	set := s.set
	switch {
	case set == nil:
		if s.lastErr != nil && now.Sub(s.lastAttempt) < failureBackoff {
			err := s.lastErr
			s.mu.Unlock()
			return nil, err
		}
	case !now.Before(s.expires):
		recent := now.Sub(s.lastAttempt) < failureBackoff
		if !recent {
			s.startLocked(now) // in the background: the stale set answers meanwhile
		}
		if wantKid == "" || set.hasKid(wantKid) || (recent && s.call == nil) {
			s.mu.Unlock()
			return set, nil
		}
	default:
		if wantKid == "" || set.hasKid(wantKid) || now.Sub(s.lastAttempt) < s.opts.UnknownKIDRefreshInterval {
			s.mu.Unlock()
			return set, nil
		}
	}
	call := s.startLocked(now)
	s.mu.Unlock()

	// The request waits for the (shared) fetch: that wait is its JWKS span in a trace.
	_, span := observe.StartJWKSFetch(ctx, s.describe())
	select {
	case <-call.done:
		observe.EndSpan(span, call.err)
	case <-ctx.Done():
		observe.EndSpan(span, ctx.Err())
	case <-s.stop:
		observe.EndSpan(span, errClosed)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.set != nil {
		return s.set, nil
	}
	if call.err != nil {
		return nil, call.err
	}
	return nil, errors.New("jwks fetch still running")
}

// startLocked joins the fetch in flight or starts one. s.mu must be held.
func (s *keySource) startLocked(now time.Time) *fetchCall {
	if s.call != nil {
		return s.call
	}
	select {
	case <-s.stop: // closed: an Authenticator replaced on reload answers from its cache only
		c := &fetchCall{done: make(chan struct{}), err: errClosed}
		close(c.done)
		return c
	default:
	}
	c := &fetchCall{done: make(chan struct{})}
	s.call = c
	s.lastAttempt = now
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		set, ttl, err := s.load()
		s.mu.Lock()
		now := s.opts.Clock()
		if err == nil {
			s.set, s.expires, s.lastErr = set, now.Add(ttl), nil
		} else {
			s.lastErr = err
			if s.opts.Logf != nil {
				s.opts.Logf("jwtauth: loading JWKS %s: %v", s.describe(), err)
			}
		}
		s.call, c.err = nil, err
		s.mu.Unlock()
		close(c.done)
	}()
	return c
}

// refresh fetches now and waits for the result (start-up and the background refresher).
func (s *keySource) refresh() error {
	s.mu.Lock()
	c := s.startLocked(s.opts.Clock())
	s.mu.Unlock()
	<-c.done
	return c.err
}

// runRefresher fetches the keys now and again whenever they expire, so requests rarely find
// them stale. It waits on the wall clock; the request path checks expiry with the injected
// clock, so tests with a fixed clock see no background refresh after the first fetch.
func (s *keySource) runRefresher() {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		_ = s.refresh() // the first fetch starts at once, like ESPv2's async fetch
		for {
			s.mu.Lock()
			wait := s.expires.Sub(s.opts.Clock())
			if s.set == nil {
				wait = failureBackoff
			}
			s.mu.Unlock()
			if wait < failureBackoff {
				wait = failureBackoff
			}
			timer := time.NewTimer(wait)
			select {
			case <-s.stop:
				timer.Stop()
				return
			case <-timer.C:
			}
			s.mu.Lock()
			due := s.set == nil || !s.opts.Clock().Before(s.expires)
			s.mu.Unlock()
			if due {
				_ = s.refresh()
			}
		}
	}()
}

func (s *keySource) close() {
	s.stopOnce.Do(func() { close(s.stop) })
	s.wg.Wait()
}

func (s *keySource) describe() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.location == "" {
		return "(discovery for " + s.issuer + ")"
	}
	return s.location
}

// load reads the key set once and says how long it stays fresh.
func (s *keySource) load() (*keySet, time.Duration, error) {
	if s.file {
		data, err := readFileLimited(strings.TrimPrefix(s.location, "file://"))
		if err != nil {
			return nil, 0, err
		}
		set, err := parseKeySet(data)
		return set, s.opts.CacheDuration, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), s.opts.FetchTimeout)
	defer cancel()
	go func() {
		select {
		case <-s.stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	location, err := s.resolve(ctx)
	if err != nil {
		return nil, 0, err
	}
	body, header, err := httpGet(ctx, s.opts.HTTPClient, location)
	if err != nil {
		return nil, 0, err
	}
	set, err := parseKeySet(body)
	if err != nil {
		return nil, 0, err
	}
	return set, cacheTTL(header, s.opts.CacheDuration), nil
}

// resolve returns the JWKS URL, running OpenID discovery the first time when the provider has
// no jwks_uri.
func (s *keySource) resolve(ctx context.Context) (string, error) {
	s.mu.Lock()
	location := s.location
	s.mu.Unlock()
	if location != "" {
		return location, nil
	}
	location, err := discoverJWKSURI(ctx, s.opts.HTTPClient, s.issuer)
	if err != nil {
		return "", err
	}
	s.mu.Lock()
	s.location = location
	s.mu.Unlock()
	return location, nil
}

func readFileLimited(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readLimited(f)
}

func readLimited(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxJWKSBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxJWKSBytes {
		return nil, fmt.Errorf("document larger than %d bytes", maxJWKSBytes)
	}
	return data, nil
}

func httpGet(ctx context.Context, client *http.Client, location string) ([]byte, http.Header, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, location, nil)
	if err != nil {
		return nil, nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, nil, fmt.Errorf("GET %s: HTTP %d", location, resp.StatusCode)
	}
	body, err := readLimited(resp.Body)
	if err != nil {
		return nil, nil, fmt.Errorf("GET %s: %w", location, err)
	}
	return body, resp.Header, nil
}

// cacheTTL is the response's Cache-Control max-age (clamped to [minMaxAge, maxMaxAge]) or,
// without one, the configured cache duration. no-cache/no-store fall back to the default too:
// the keys are still needed, and re-fetching per request is what max-age bounds exist to stop.
func cacheTTL(h http.Header, fallback time.Duration) time.Duration {
	for _, directive := range strings.Split(h.Get("Cache-Control"), ",") {
		name, value, _ := strings.Cut(strings.TrimSpace(directive), "=")
		if !strings.EqualFold(name, "max-age") {
			continue
		}
		secs, err := strconv.ParseInt(strings.Trim(value, `"`), 10, 64)
		if err != nil || secs <= 0 {
			return fallback
		}
		ttl := time.Duration(min(secs, int64(maxMaxAge/time.Second))) * time.Second
		return max(ttl, minMaxAge)
	}
	return fallback
}
