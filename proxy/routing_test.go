package proxy

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/espctl/espctl/golden"
	"github.com/espctl/espctl/translate"
)

// routingConfig is an HTTP API in front of the echo backend, with templates that exercise
// ESPv2's precedence rules (proxy-behavior.md section 4).
func routingConfig(t *testing.T, backend string, extra ...string) *translate.Config {
	rules := []struct{ name, method, tmpl string }{
		{"Exact", "post", "/allow-all/exact-match"},
		{"Single", "post", "/allow-all/{single_wildcard=*}"},
		{"Double", "post", "/allow-all/{double_wildcard=**}"},
		{"PostAB", "post", "/a/b"},
		{"GetAX", "get", "/a/{x}"},
		{"Shelf", "get", "/v1/shelves/{shelf}"},
		{"Wild", "get", "/wildcard/a/*/b/{name=*}/c/**"},
		{"Echo", "get", "/echo/{variable}/path"},
		{"Root", "get", "/"},
	}
	var methods, http []string
	for _, r := range rules {
		methods = append(methods, fmt.Sprintf(`{"name":%q}`, r.name))
		http = append(http, fmt.Sprintf(`{"selector":"r.%s",%q:%q}`, r.name, r.method, r.tmpl))
	}
	js := fmt.Sprintf(`{"name":"r.example.com","apis":[{"name":"r","methods":[%s]}],"http":{"rules":[%s]}%s}`, strings.Join(methods, ","), strings.Join(http, ","), strings.Join(extra, ""))
	return buildConfig(t, js, translate.Options{Backend: backend, Healthz: "healthz"})
}

// Every case is one request; the golden file holds what the client got back, so status codes
// and ESPv2's error bodies are reviewed in one place.
func TestRoutingGolden(t *testing.T) {
	be := echoBackend(t)
	srv, _ := serve(t, routingConfig(t, be.URL), Options{})
	var out strings.Builder
	for _, c := range []struct {
		method, path string
		hdr          []string
	}{
		{"POST", "/allow-all/exact-match", nil},
		{"POST", "/allow-all/anything", nil},
		{"POST", "/allow-all/a/b", nil},
		{"GET", "/a/b", nil}, // falls through POST /a/b to GET /a/{x}
		{"PUT", "/a/b", nil},
		{"HEAD", "/v1/shelves/1", nil},
		{"GET", "/v1/shelves/1/", nil},
		{"GET", "/v1/shelves//1", nil},
		{"GET", "/v1/SHELVES/1", nil},
		{"GET", "/v1/shelves", nil},
		{"GET", "/wildcard/a/1/b/2/c/", nil},
		{"GET", "/wildcard/a/1/b/2/c", nil},
		{"GET", "/echo/123/PATH/", nil},
		{"GET", "/", nil},
		{"DELETE", "/healthz", nil},
		{"GET", "/healthz?x=1", nil},
		{"GET", "/healthz/", nil},
		{"GET", "/v1/shelves/1", []string{"X_Bad", "1"}},
		{"POST", "/v1/shelves/1", []string{"X-HTTP-Method-Override", "GET"}},
		{"GET", "/unknown", []string{"Content-Type", "application/grpc"}},
	} {
		status, body, h := call(t, srv.Client(), c.method, srv.URL+c.path, "", c.hdr...)
		fmt.Fprintf(&out, "%s %s %v\n%d %s", c.method, c.path, c.hdr, status, h.Get("Content-Type"))
		if g := h.Get("Grpc-Status"); g != "" {
			fmt.Fprintf(&out, " grpc-status=%s grpc-message=%s", g, h.Get("Grpc-Message"))
		}
		fmt.Fprintf(&out, "\n%s\n", strings.TrimSpace(strings.SplitN(body, "\nhost=", 2)[0]))
	}
	golden.AssertString(t, "testdata/routing.golden", out.String())
}

func TestBackendErrors(t *testing.T) {
	// A port nobody listens on: bind one and close it.
	down := echoBackend(t)
	downURL := down.URL
	down.Close()
	srv, _ := serve(t, routingConfig(t, downURL), Options{})
	status, body, _ := call(t, srv.Client(), "GET", srv.URL+"/v1/shelves/1", "")
	want := `{"code":503,"message":"upstream connect error or disconnect/reset before headers. retried and the latest reset reason: remote connection failure, transport failure reason: delayed connect error: 111"}`
	if status != http.StatusServiceUnavailable || body != want {
		t.Errorf("backend down: %d %s", status, body)
	}

	// A backend slower than the deadline.
	release := make(chan struct{})
	slow := echoBackendFunc(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	defer close(release)
	srv2, _ := serve(t, routingConfig(t, slow.URL, `,"backend":{"rules":[{"selector":"r.Shelf","deadline":0.1}]}`), Options{})
	status, body, _ = call(t, srv2.Client(), "GET", srv2.URL+"/v1/shelves/1", "")
	if status != http.StatusGatewayTimeout || body != `{"code":504,"message":"upstream request timeout"}` {
		t.Errorf("backend timeout: %d %s", status, body)
	}
}
