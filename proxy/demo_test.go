package proxy

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/espctl/espctl/demo"
	"github.com/espctl/espctl/golden"
	"github.com/espctl/espctl/translate"
)

// startDemo runs the demo backend and a proxy in front of it, both on loopback.
func startDemo(t *testing.T) (*httptest.Server, *demo.Backend) {
	t.Helper()
	b, err := demo.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Stop)
	cfg, err := translate.Build(b.Service, b.Descriptors, translate.Options{Backend: b.BackendURL(), Healthz: "/healthz"})
	if err != nil {
		t.Fatal(err)
	}
	h, err := New(cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Close)
	srv := httptest.NewUnstartedServer(h)
	srv.EnableHTTP2 = true
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, b
}

func TestDemoTranscoding(t *testing.T) {
	srv, _ := startDemo(t)
	var log strings.Builder
	for _, c := range []struct{ method, path, body string }{
		{"GET", "/v1/shelves", ""},
		{"GET", "/v1/shelves/1", ""},
		{"GET", "/v1/shelves/1/books?author=Jane%20Austen", ""},
		{"GET", "/v1/books/1/1", ""},
		{"POST", "/v1/shelves", `{"theme":"Poetry"}`},
		{"POST", "/v1/shelves/3/books", `{"author":"Rumi","title":"Masnavi","genre":"POETRY"}`},
		{"GET", "/v1/shelves/1/books:stream", ""},
		{"DELETE", "/v1/shelves/1/books/2", ""},
		{"GET", "/v1/shelves/9", ""},
		{"GET", "/v1/nothing", ""},
		{"PUT", "/v1/shelves", ""},
		{"POST", "/v1/shelves", `{"theme"`},
		{"GET", "/healthz", ""},
	} {
		req, _ := http.NewRequest(c.method, srv.URL+c.path, strings.NewReader(c.body))
		if c.body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		log.WriteString(c.method + " " + c.path + " " + c.body + "\n" + resp.Status + " " + resp.Header.Get("Content-Type") + "\n" + string(body) + "\n\n")
	}
	golden.AssertString(t, "testdata/demo_transcoding.golden", log.String())
}

// A request the transcoder refuses to map (an unknown query parameter) goes to the gRPC
// backend untranscoded, as ESPv2 sends it, and the backend's 415 comes back, even when the path
// holds escapes that must stay escaped on the wire.
func TestUnknownQueryParameterPassesThrough(t *testing.T) {
	srv, _ := startDemo(t)
	for _, path := range []string{"/v1/shelves/1?nope=1", "/v1/shelves/%31/books?nope=1&author=x"} {
		status, _, _ := call(t, srv.Client(), "GET", srv.URL+path, "")
		if status != http.StatusUnsupportedMediaType {
			t.Errorf("%s: %d, want 415", path, status)
		}
	}
}
