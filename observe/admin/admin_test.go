package admin

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/espctl/espctl/golden"
	"github.com/espctl/espctl/observe"
	"github.com/espctl/espctl/translate"
)

const (
	listShelves = "endpoints.examples.bookstore.Bookstore.ListShelves"
	getShelf    = "endpoints.examples.bookstore.Bookstore.GetShelf"
	createBook  = "endpoints.examples.bookstore.Bookstore.CreateBook"
)

// bookstoreConfig is a hand-built config with what the page shows: local and remote backends,
// JWT, API keys, quota, gRPC paths, and URLs holding secrets that /config must hide.
func bookstoreConfig() *translate.Config {
	return &translate.Config{
		Service:  "bookstore.endpoints.example.cloud.goog",
		ConfigID: "2026-11-29r1",
		Title:    "Bookstore <gRPC> & friends",
		APIs:     []translate.API{{Name: "endpoints.examples.bookstore.Bookstore", Version: "v1", GRPC: true}},
		Methods: []translate.Method{
			{
				Selector: createBook, API: "endpoints.examples.bookstore.Bookstore", Name: "CreateBook",
				GRPCPath:   "/endpoints.examples.bookstore.Bookstore/CreateBook",
				HTTP:       []translate.HTTPBinding{{Method: "POST", Pattern: "/v1/shelves/{shelf}/books", Body: "book"}},
				Backend:    translate.Backend{Address: "grpcs://books.internal:8443", Scheme: "grpcs", Host: "books.internal", Port: 8443, DeadlineSeconds: 5},
				Auth:       &translate.AuthRequirement{Providers: []translate.ProviderRequirement{{ProviderID: "google_id_token"}}},
				QuotaCosts: map[string]int64{"write-requests": 1},
			},
			{
				Selector: getShelf, API: "endpoints.examples.bookstore.Bookstore", Name: "GetShelf",
				GRPCPath: "/endpoints.examples.bookstore.Bookstore/GetShelf",
				HTTP:     []translate.HTTPBinding{{Method: "GET", Pattern: "/v1/shelves/{shelf}"}, {Method: "GET", Pattern: "/v1/shelf/{shelf}"}},
				Backend:  translate.Backend{Local: true, DeadlineSeconds: 15},
			},
			{
				Selector: listShelves, API: "endpoints.examples.bookstore.Bookstore", Name: "ListShelves",
				GRPCPath: "/endpoints.examples.bookstore.Bookstore/ListShelves",
				HTTP:     []translate.HTTPBinding{{Method: "GET", Pattern: "/v1/shelves"}},
				Backend:  translate.Backend{Local: true, DeadlineSeconds: 15},
				APIKey:   translate.APIKeyRule{AllowUnregisteredCalls: true},
			},
		},
		Routes: []translate.Route{
			{Method: "GET", Pattern: "/v1/shelves", Selector: listShelves, Kind: translate.RouteHTTP},
			{Method: "GET", Pattern: "/v1/shelves/{shelf}", Selector: getShelf, Kind: translate.RouteHTTP},
		},
		Providers: []translate.AuthProvider{{
			ID: "google_id_token", Issuer: "https://accounts.google.com",
			JWKSURI: "https://keys.example.com/certs?key=AIzaSECRET&alt=json",
		}},
		ServiceControl: "https://servicecontrol.googleapis.com",
		GRPCBackend:    true,
		LocalBackend:   translate.Backend{Address: "grpc://admin:hunter2@127.0.0.1:8082", Scheme: "grpc", Host: "127.0.0.1", Port: 8082, Local: true},
		Healthz:        "/healthz",
	}
}

// source is a StateSource whose config can change under the page, as a reload does.
type source struct {
	cfg atomic.Pointer[translate.Config]
}

func (s *source) Config() *translate.Config { return s.cfg.Load() }

func newSource(cfg *translate.Config) *source {
	s := &source{}
	s.cfg.Store(cfg)
	return s
}

// fakeClock is the page's clock in tests.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

var t0 = time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)

func newMetrics(t testing.TB) *observe.Metrics {
	t.Helper()
	m, err := observe.NewMetrics(nil)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func get(t *testing.T, h http.Handler, path string) (int, string, http.Header) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
	return rec.Code, rec.Body.String(), rec.Header()
}

// The page after a start, a rejected reload, and traffic seen by two page views ten seconds
// apart (so the rate is over a known window).
func TestPageGolden(t *testing.T) {
	m := newMetrics(t)
	m.ConfigReload(observe.ReloadEvent{Time: t0, Trigger: "start", Service: "bookstore.endpoints.example.cloud.goog", ConfigID: "2026-11-29r1"})
	m.ConfigReload(observe.ReloadEvent{Time: t0.Add(time.Minute), Trigger: "file change", Service: "bookstore.endpoints.example.cloud.goog", ConfigID: "2026-11-29r1",
		Err: errors.New(`api_config.yaml:12:5: error: http.rules[0].get: path template "/v1/{" is not closed [E104]`)})
	clock := &fakeClock{t: t0.Add(2 * time.Minute)}
	h := newServer(Options{Pprof: true}, newSource(bookstoreConfig()), m, clock.now)

	for range 4 {
		m.Request(observe.RequestRecord{Selector: listShelves, HTTPCode: 200, Total: time.Millisecond})
	}
	if code, _, _ := get(t, h, "/"); code != 200 {
		t.Fatalf("first view: %d", code)
	}
	clock.t = clock.t.Add(10 * time.Second)
	for range 20 {
		m.Request(observe.RequestRecord{Selector: listShelves, HTTPCode: 200, Total: time.Millisecond})
	}
	m.Request(observe.RequestRecord{Selector: getShelf, HTTPCode: 404, Total: time.Millisecond})
	m.Request(observe.RequestRecord{Selector: getShelf, HTTPCode: 503, Total: time.Millisecond})
	m.Request(observe.RequestRecord{Selector: getShelf, HTTPCode: 200, Total: time.Millisecond})
	m.Request(observe.RequestRecord{Selector: getShelf, HTTPCode: 200, Total: time.Millisecond})
	m.Request(observe.RequestRecord{HTTPCode: 404, Total: time.Millisecond})

	code, body, hdr := get(t, h, "/")
	if code != 200 || hdr.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("page: %d %s", code, hdr.Get("Content-Type"))
	}
	golden.Assert(t, "testdata/page.golden.html", []byte(body))
	for _, want := range []string{
		`<td class="num rate">2.00</td>`, // 20 ListShelves in 10 s
		`<td class="num">50.0%</td>`,     // GetShelf: 404 and 503 of 4
		"Bookstore &lt;gRPC&gt; &amp; friends",
		"local grpc://REDACTED@127.0.0.1:8082",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if strings.Contains(body, "hunter2") {
		t.Error("page shows the backend password")
	}
}

func TestPageRefreshAndNoMetrics(t *testing.T) {
	h := New(Options{}, newSource(bookstoreConfig()), nil)
	_, body, _ := get(t, h, "/?refresh=10")
	if !strings.Contains(body, `<meta http-equiv="refresh" content="10">`) {
		t.Error("no refresh meta with ?refresh=10")
	}
	if strings.Contains(body, `href="/metrics"`) || strings.Contains(body, "/debug/pprof/") {
		t.Error("links to endpoints that are off")
	}
	_, body, _ = get(t, h, "/?refresh=0;url=http://evil")
	if strings.Contains(body, "http-equiv") {
		t.Error("a bad refresh value reached the page")
	}
	if code, _, _ := get(t, h, "/metrics"); code != 404 {
		t.Errorf("/metrics without metrics: %d", code)
	}
}

func TestConfigIsRedacted(t *testing.T) {
	h := New(Options{}, newSource(bookstoreConfig()), newMetrics(t))
	code, body, hdr := get(t, h, "/config")
	if code != 200 || hdr.Get("Content-Type") != "application/json" {
		t.Fatalf("/config: %d %s", code, hdr.Get("Content-Type"))
	}
	golden.Assert(t, "testdata/config.golden.json", []byte(body))
	for _, secret := range []string{"hunter2", "AIzaSECRET"} {
		if strings.Contains(body, secret) {
			t.Errorf("/config shows %s", secret)
		}
	}
	if !strings.Contains(body, `"allow_unregistered_calls": true`) {
		t.Error("/config lost a non-secret field")
	}
}

func TestRedactByFieldName(t *testing.T) {
	in := `{"service_account_key":"/etc/key.json","api_key":{"locations":[{"query":"key"}]},` +
		`"client_secret":"s3cret","jwt_audience":"https://aud","empty_token":"",` +
		`"tokens":["a",{"x":"b"},"c"],"n":1.50,"ok":true,"none":null,"urls":["http://u:p@h/?q=1"]}`
	got, err := redactJSON([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"service_account_key":"REDACTED","api_key":{"locations":[{"query":"key"}]},` +
		`"client_secret":"REDACTED","jwt_audience":"https://aud","empty_token":"",` +
		`"tokens":["REDACTED",{"x":"b"},"REDACTED"],"n":1.50,"ok":true,"none":null,"urls":["http://REDACTED@h/?q=REDACTED"]}`
	if string(got) != want {
		t.Errorf("redactJSON:\n got %s\nwant %s", got, want)
	}
	if _, err := redactJSON([]byte(`{"a":`)); err == nil {
		t.Error("truncated JSON: no error")
	}
}

func FuzzRedactJSON(f *testing.F) {
	for _, s := range []string{`{"a":[1,{"b":"c"}],"key":"x"}`, `[]`, `"s"`, `{"a":{"b":{}}}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !json.Valid([]byte(s)) {
			return
		}
		out, err := redactJSON([]byte(s))
		if err != nil {
			return
		}
		// Redaction replaces strings only: the output is valid JSON of the same shape.
		if !json.Valid(out) {
			t.Fatalf("redactJSON(%s) = %s: not JSON", s, out)
		}
	})
}

func TestHealthzMetricsAndPprof(t *testing.T) {
	src := newSource(bookstoreConfig())
	m := newMetrics(t)
	m.Request(observe.RequestRecord{Selector: listShelves, HTTPCode: 200})
	srv := httptest.NewServer(New(Options{Pprof: true}, src, m))
	t.Cleanup(srv.Close)
	fetch := func(path string) (int, string) {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := fetch("/healthz"); code != 200 || body != "{\"status\":\"ok\"}\n" {
		t.Errorf("/healthz: %d %q", code, body)
	}
	if code, body := fetch("/metrics"); code != 200 || !strings.Contains(body, `espctl_requests_total{code="200",grpc_code="",method="`+listShelves+`"} 1`) {
		t.Errorf("/metrics: %d, no request counter", code)
	}
	if code, body := fetch("/debug/pprof/"); code != 200 || !strings.Contains(body, "goroutine") {
		t.Errorf("/debug/pprof/: %d", code)
	}
	if code, _ := fetch("/nope"); code != 404 {
		t.Errorf("/nope: %d", code)
	}
	src.cfg.Store(nil)
	if code, _ := fetch("/healthz"); code != 503 {
		t.Errorf("/healthz without config: %d", code)
	}
	if code, _ := fetch("/"); code != 200 {
		t.Errorf("/ without config: %d", code)
	}

	off := httptest.NewServer(New(Options{}, src, m))
	t.Cleanup(off.Close)
	resp, err := http.Get(off.URL + "/debug/pprof/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Errorf("pprof off: /debug/pprof/ = %d", resp.StatusCode)
	}
}

func TestBackendAddressFromParts(t *testing.T) {
	for _, tc := range []struct {
		b    translate.Backend
		want string
	}{
		{translate.Backend{Scheme: "grpc", Host: "127.0.0.1", Port: 8081}, "grpc://127.0.0.1:8081"},
		{translate.Backend{Scheme: "https", Host: "::1", Port: 443, Path: "/api"}, "https://[::1]:443/api"},
		{translate.Backend{Address: "https://u:p@x.example.com?key=k"}, "https://REDACTED@x.example.com?key=REDACTED"},
		{translate.Backend{}, ""},
	} {
		if got := backendAddress(tc.b); got != tc.want {
			t.Errorf("backendAddress(%+v) = %q, want %q", tc.b, got, tc.want)
		}
	}
}
