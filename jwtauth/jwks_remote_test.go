package jwtauth

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/espctl/espctl/translate"
)

// testClock is a clock tests move by hand.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// jwksServer serves a JWKS document that tests can replace, on 127.0.0.1:0, and counts fetches.
type jwksServer struct {
	*httptest.Server
	mu           sync.Mutex
	body         []byte
	status       int
	cacheControl string
	fetches      atomic.Int32
	block        chan struct{} // when set, requests wait for it (or their context)
}

func newJWKSServer(t *testing.T, body []byte) *jwksServer {
	t.Helper()
	s := &jwksServer{body: body, status: http.StatusOK}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fetches.Add(1)
		s.mu.Lock()
		body, status, cc, block := s.body, s.status, s.cacheControl, s.block
		s.mu.Unlock()
		if block != nil {
			select {
			case <-block:
			case <-r.Context().Done():
				return
			}
		}
		if cc != "" {
			w.Header().Set("Cache-Control", cc)
		}
		w.WriteHeader(status)
		w.Write(body)
	}))
	s.Start() // httptest listens on 127.0.0.1:0
	t.Cleanup(s.Close)
	return s
}

func (s *jwksServer) set(body []byte, status int) {
	s.mu.Lock()
	s.body, s.status = body, status
	s.mu.Unlock()
}

func remoteAuthenticator(t *testing.T, uri string, clock *testClock, opts Options) (*Authenticator, *translate.Method) {
	t.Helper()
	cfg := testConfig(uri)
	opts.Clock = clock.Now
	a, err := New(cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	return a, method(cfg, "api.Get")
}

func TestRemoteJWKSRefreshOnUnknownKid(t *testing.T) {
	testKeys(t)
	srv := newJWKSServer(t, jwksJSON(t, []string{testKid}, &rsaKey.PublicKey))
	clock := &testClock{now: testNow}
	a, m := remoteAuthenticator(t, srv.URL+"/jwks", clock, Options{})

	if _, rej := a.Authenticate(bearer(goodToken(t, nil)), m); rej != nil {
		t.Fatalf("first request: %v", rej)
	}
	// The issuer rotates in a new key.
	srv.set(jwksJSON(t, []string{testKid, "rsa-2"}, &rsaKey.PublicKey, &rsaKey2.PublicKey), http.StatusOK)
	rotated := signToken(t, header("RS256", "rsa-2"), claims(nil), "RS256", rsaKey2)

	// Right after a fetch, an unknown kid does not cause another (rate limit).
	if _, rej := a.Authenticate(bearer(rotated), m); rej == nil || rej.Message != "Jwks doesn't have key to match kid or alg from Jwt" {
		t.Fatalf("rotated key within the refresh interval: %v", rej)
	}
	if n := srv.fetches.Load(); n != 1 {
		t.Fatalf("fetches = %d, want 1", n)
	}

	clock.Advance(31 * time.Second) // past UnknownKIDRefreshInterval, keys still fresh
	if _, rej := a.Authenticate(bearer(rotated), m); rej != nil {
		t.Fatalf("rotated key after the interval: %v", rej)
	}
	if n := srv.fetches.Load(); n != 2 {
		t.Fatalf("fetches = %d, want 2", n)
	}

	// A burst of tokens with random kids costs at most one fetch per interval.
	clock.Advance(31 * time.Second)
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tok := signToken(t, header("RS256", "random-"+string(rune('a'+i%26))), claims(nil), "RS256", rsaKey)
			a.Authenticate(bearer(tok), m)
		}()
	}
	wg.Wait()
	if n := srv.fetches.Load(); n != 3 {
		t.Fatalf("after a burst of unknown kids, fetches = %d, want 3", n)
	}
}

func TestRemoteJWKSExpiresAndKeepsStaleKeysWhenTheServerFails(t *testing.T) {
	testKeys(t)
	srv := newJWKSServer(t, jwksJSON(t, []string{testKid}, &rsaKey.PublicKey))
	srv.cacheControl = "public, max-age=120"
	clock := &testClock{now: testNow}
	a, m := remoteAuthenticator(t, srv.URL, clock, Options{})
	if _, rej := a.Authenticate(bearer(goodToken(t, nil)), m); rej != nil {
		t.Fatal(rej)
	}
	clock.Advance(100 * time.Second) // within max-age: no fetch
	a.Authenticate(bearer(goodToken(t, nil)), m)
	if n := srv.fetches.Load(); n != 1 {
		t.Fatalf("within max-age: fetches = %d, want 1", n)
	}

	srv.set([]byte("server error"), http.StatusInternalServerError)
	clock.Advance(30 * time.Second) // past max-age: a background refresh starts and fails
	for range 3 {
		if _, rej := a.Authenticate(bearer(goodToken(t, map[string]any{"exp": clock.Now().Add(time.Hour).Unix()})), m); rej != nil {
			t.Fatalf("stale keys must still verify while the server fails: %v", rej)
		}
	}
	waitFor(t, func() bool { return srv.fetches.Load() >= 2 })

	// Unknown kids while the server fails do not turn into one fetch per request.
	for i := range 10 {
		tok := signToken(t, header("RS256", "unknown-"+string(rune('a'+i))), claims(nil), "RS256", rsaKey)
		if _, rej := a.Authenticate(bearer(tok), m); rej == nil || rej.Message != "Jwks doesn't have key to match kid or alg from Jwt" {
			t.Fatalf("unknown kid with stale keys: %v", rej)
		}
	}
	if n := srv.fetches.Load(); n > 3 {
		t.Fatalf("fetches = %d after 10 unknown kids against a failing server, want at most 3", n)
	}
}

func TestRemoteJWKSFetchFailures(t *testing.T) {
	testKeys(t)
	cases := map[string]struct {
		body   string
		status int
	}{
		"500":              {"oops", http.StatusInternalServerError},
		"404":              {"", http.StatusNotFound},
		"not JSON":         {"<html>", http.StatusOK},
		"no keys field":    {`{"foo":1}`, http.StatusOK},
		"keys not a list":  {`{"keys":{}}`, http.StatusOK},
		"only an HMAC key": {`{"keys":[{"kty":"oct","k":"c2VjcmV0","kid":"rsa-1"}]}`, http.StatusOK},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			srv := newJWKSServer(t, []byte(c.body))
			srv.status = c.status
			clock := &testClock{now: testNow}
			a, m := remoteAuthenticator(t, srv.URL, clock, Options{})
			_, rej := a.Authenticate(bearer(goodToken(t, nil)), m)
			if rej == nil || rej.Status != 401 || rej.Message != "Jwks remote fetch is failed" {
				t.Fatalf("got %v", rej)
			}
		})
	}
}

// TestRemoteJWKSWaitIsBounded: a JWKS server that never answers costs a request FetchTimeout,
// not forever.
func TestRemoteJWKSWaitIsBounded(t *testing.T) {
	testKeys(t)
	srv := newJWKSServer(t, nil)
	srv.block = make(chan struct{})
	t.Cleanup(func() { close(srv.block) })
	clock := &testClock{now: testNow}
	a, m := remoteAuthenticator(t, srv.URL, clock, Options{FetchTimeout: 100 * time.Millisecond})
	_, rej := a.Authenticate(bearer(goodToken(t, nil)), m)
	if rej == nil || rej.Message != "Jwks remote fetch is failed" {
		t.Fatalf("got %v", rej)
	}
}

func TestOpenIDDiscovery(t *testing.T) {
	testKeys(t)
	jwks := newJWKSServer(t, jwksJSON(t, []string{testKid}, &rsaKey.PublicKey))
	var discoveryPath string
	disco := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		discoveryPath = r.URL.Path
		w.Write([]byte(`{"issuer":"x","jwks_uri":"` + jwks.URL + `/keys"}`))
	}))
	t.Cleanup(disco.Close)

	cfg := testConfig("")
	cfg.Providers[0].Issuer = disco.URL + "/"
	a, err := New(cfg, Options{Clock: fixedClock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	tok := goodToken(t, map[string]any{"iss": disco.URL + "/"})
	if _, rej := a.Authenticate(bearer(tok), method(cfg, "api.Get")); rej != nil {
		t.Fatal(rej)
	}
	if discoveryPath != "/.well-known/openid-configuration" {
		t.Errorf("discovery path %q", discoveryPath)
	}
	if got := discoveryURL("accounts.example.com/"); got != "https://accounts.example.com/.well-known/openid-configuration" {
		t.Errorf("discoveryURL = %q", got)
	}
}

func TestX509CertificateMap(t *testing.T) {
	testKeys(t)
	srv := newJWKSServer(t, x509Map(t, testKid, rsaKey))
	clock := &testClock{now: testNow}
	a, m := remoteAuthenticator(t, srv.URL+"/robot/v1/metadata/x509/sa@example.iam.gserviceaccount.com", clock, Options{})
	if _, rej := a.Authenticate(bearer(goodToken(t, nil)), m); rej != nil {
		t.Fatal(rej)
	}
	forged := signToken(t, header("RS256", testKid), claims(nil), "RS256", rsaKey2)
	if _, rej := a.Authenticate(bearer(forged), m); rej == nil || rej.Message != "Jwt verification fails" {
		t.Fatalf("forged: %v", rej)
	}
}

func TestCacheTTL(t *testing.T) {
	def := 300 * time.Second
	cases := map[string]time.Duration{
		"":                             def,
		"no-cache":                     def,
		"public, max-age=600":          600 * time.Second,
		"max-age=\"900\", private":     900 * time.Second,
		"MAX-AGE=60":                   60 * time.Second,
		"max-age=0":                    def,
		"max-age=5":                    minMaxAge,
		"max-age=99999999":             maxMaxAge,
		"max-age=abc":                  def,
		"max-age=99999999999999999999": def,
	}
	for cc, want := range cases {
		h := http.Header{}
		if cc != "" {
			h.Set("Cache-Control", cc)
		}
		if got := cacheTTL(h, def); got != want {
			t.Errorf("%q: %v, want %v", cc, got, want)
		}
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 10 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestWaitReady(t *testing.T) {
	testKeys(t)
	good := newJWKSServer(t, jwksJSON(t, []string{testKid}, &rsaKey.PublicKey))
	clock := &testClock{now: testNow}
	a, _ := remoteAuthenticator(t, good.URL, clock, Options{})
	if err := a.WaitReady(context.Background()); err != nil {
		t.Fatal(err)
	}
	bad := newJWKSServer(t, []byte("nope"))
	b, _ := remoteAuthenticator(t, bad.URL, clock, Options{})
	err := b.WaitReady(context.Background())
	if err == nil || !strings.Contains(err.Error(), "authentication provider (test)") || !strings.Contains(err.Error(), jwksInvalidJSON) {
		t.Fatalf("got %v", err)
	}
}

// TestClosedAuthenticatorAnswersFromItsCache: after Close (a config reload replaced it) no new
// fetch starts, but requests still in flight are answered with the keys already loaded.
func TestClosedAuthenticatorAnswersFromItsCache(t *testing.T) {
	testKeys(t)
	srv := newJWKSServer(t, jwksJSON(t, []string{testKid}, &rsaKey.PublicKey))
	clock := &testClock{now: testNow}
	a, m := remoteAuthenticator(t, srv.URL, clock, Options{})
	if _, rej := a.Authenticate(bearer(goodToken(t, nil)), m); rej != nil {
		t.Fatal(rej)
	}
	a.Close()
	clock.Advance(time.Hour) // stale and unknown kids would fetch, if it were open
	tok := goodToken(t, map[string]any{"exp": clock.Now().Add(time.Hour).Unix()})
	if _, rej := a.Authenticate(bearer(tok), m); rej != nil {
		t.Fatal(rej)
	}
	a.Authenticate(bearer(signToken(t, header("RS256", "new"), claims(nil), "RS256", rsaKey)), m)
	if n := srv.fetches.Load(); n != 1 {
		t.Fatalf("fetches after Close = %d, want 1", n)
	}
}
