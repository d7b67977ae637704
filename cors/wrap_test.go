package cors

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// Through a real server: the headers are added whether the handler writes the status, writes
// the body first, or flushes first, and an interim 103 does not use up the decoration.
func TestWrapOnTheWire(t *testing.T) {
	p := mustNew(t, Defaults(PresetBasic))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w = p.Wrap(w, r)
		switch r.URL.Path {
		case "/status":
			w.WriteHeader(http.StatusTeapot)
		case "/write":
			_, _ = io.WriteString(w, "body")
		case "/flush":
			if err := http.NewResponseController(w).Flush(); err != nil {
				t.Errorf("flush through the wrapper: %v", err)
			}
			_, _ = io.WriteString(w, "streamed")
		case "/interim":
			w.Header().Set("Link", "</a.css>; rel=preload")
			w.WriteHeader(http.StatusEarlyHints)
			w.WriteHeader(http.StatusAccepted)
		}
	}))
	t.Cleanup(srv.Close)

	for path, status := range map[string]int{"/status": 418, "/write": 200, "/flush": 200, "/interim": 202} {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		req.Header.Set("Origin", "https://app.example.com")
		res, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = res.Body.Close()
		if res.StatusCode != status {
			t.Errorf("%s: status %d, want %d", path, res.StatusCode, status)
		}
		if got := res.Header.Get(hdrAllowOrigin); got != "https://app.example.com" {
			t.Errorf("%s: Access-Control-Allow-Origin = %q", path, got)
		}
		if got := res.Header.Get(hdrExposeHeaders); got != DefaultExposeHeaders {
			t.Errorf("%s: Access-Control-Expose-Headers = %q", path, got)
		}
	}
}

func TestWrapNilPolicyReturnsTheWriter(t *testing.T) {
	var p *Policy
	rec := httptest.NewRecorder()
	if got := p.Wrap(rec, httptest.NewRequest("GET", "/", nil)); got != rec {
		t.Errorf("nil policy wrapped the writer: %T", got)
	}
	if p.RejectUnrouted(rec, httptest.NewRequest("OPTIONS", "/", nil), nil) {
		t.Error("nil policy rejected an OPTIONS request")
	}
}
