package proxy

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/api/serviceconfig"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/espctl/espctl/translate"
)

// buildConfig compiles a google.api.Service written as JSON with translate.Build, the way
// `espctl run --service_json_path` does.
func buildConfig(t testing.TB, serviceJSON string, opts translate.Options) *translate.Config {
	t.Helper()
	svc := &serviceconfig.Service{}
	if err := protojson.Unmarshal([]byte(serviceJSON), svc); err != nil {
		t.Fatalf("service JSON: %v", err)
	}
	cfg, err := translate.Build(svc, nil, opts)
	if err != nil {
		t.Fatalf("translate.Build: %v", err)
	}
	return cfg
}

// serve puts a Handler for cfg on an httptest server (HTTP/1.1 and HTTP/2 over TLS).
func serve(t testing.TB, cfg *translate.Config, opts Options) (*httptest.Server, *Handler) {
	t.Helper()
	h, err := New(cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Close)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv, h
}

// call sends one request and returns status, body and headers.
func call(t testing.TB, c *http.Client, method, url, body string, hdr ...string) (int, string, http.Header) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

// echoBackend answers every request with its method, request URI and selected headers, so a
// test sees exactly what the proxy sent upstream.
func echoBackend(t testing.TB) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, r.Method+" "+r.RequestURI+"\nhost="+r.Host+"\noriginal-path="+r.Header.Get("X-Envoy-Original-Path")+"\n")
	}))
	t.Cleanup(srv.Close)
	return srv
}

func echoBackendFunc(t testing.TB, f http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return srv
}
