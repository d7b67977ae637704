package jwtauth

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/espctl/espctl/load"
	"github.com/espctl/espctl/translate"
)

// redirectTransport sends every request to one test server, remembering the URLs asked for,
// so the corpus provider's real jwks_uri (www.googleapis.com) is served locally.
type redirectTransport struct {
	target *url.URL
	mu     sync.Mutex
	asked  []string
}

func (rt *redirectTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	rt.mu.Lock()
	rt.asked = append(rt.asked, r.URL.String())
	rt.mu.Unlock()
	out := r.Clone(r.Context())
	out.URL.Scheme, out.URL.Host = rt.target.Scheme, rt.target.Host
	return http.DefaultTransport.RoundTrip(out)
}

// corpusConfig loads the corpus bookstore api_config_auth.yaml with its proto through load
// and translate, as `espctl run` does.
func corpusConfig(t *testing.T) *translate.Config {
	t.Helper()
	dir := filepath.Join("..", "..", "shared", "corpus", "bookstore-grpc")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("corpus %s not present: %v", dir, err)
	}
	res, err := load.Load(load.Inputs{
		ConfigFiles: []string{filepath.Join(dir, "api_config_auth.yaml")},
		Protos:      []string{filepath.Join(dir, "bookstore.proto")},
		ImportPaths: []string{dir},
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Diagnostics.HasErrors() {
		t.Fatalf("diagnostics: %v", res.Diagnostics)
	}
	cfg, err := translate.Build(res.Service, res.Descriptors, translate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// TestCorpusAuthEndToEnd runs the corpus provider (a Google service account: issuer is the
// account, keys an X.509 certificate map) in front of a backend, with a key generated here.
func TestCorpusAuthEndToEnd(t *testing.T) {
	testKeys(t)
	cfg := corpusConfig(t)
	if len(cfg.Providers) != 1 || !cfg.Providers[0].DefaultLocations {
		t.Fatalf("providers: %+v", cfg.Providers)
	}
	prov := cfg.Providers[0]

	keys := newJWKSServer(t, x509Map(t, "sa-key-1", rsaKey))
	target, _ := url.Parse(keys.URL)
	transport := &redirectTransport{target: target}
	auth, err := New(cfg, Options{HTTPClient: &http.Client{Transport: transport}, Clock: fixedClock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(auth.Close)

	// The backend echoes the user info header it received.
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, r.Header.Get("X-Endpoint-API-UserInfo"))
	}))
	t.Cleanup(backend.Close)
	backendURL, _ := url.Parse(backend.URL)

	// A minimal proxy doing what `espctl run` does with this package.
	methods := map[string]*translate.Method{}
	for i := range cfg.Methods {
		m := &cfg.Methods[i]
		methods["/"+m.API+"/"+m.Name] = m
	}
	proxy := httputil.NewSingleHostReverseProxy(backendURL)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m := methods[r.URL.Path]
		res, rej := auth.Authenticate(r, m)
		if rej != nil {
			w.Header().Set("WWW-Authenticate", rej.WWWAuthenticate)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(rej.Status)
			json.NewEncoder(w).Encode(map[string]any{"code": rej.Status, "message": rej.Message})
			return
		}
		auth.SetBackendHeaders(r.Header, res)
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)

	claimsJSON := claims(map[string]any{"iss": prov.Issuer, "aud": "https://" + cfg.Service, "email": prov.Issuer})
	good := signToken(t, header("RS256", "sa-key-1"), claimsJSON, "RS256", rsaKey)
	call := func(path, tok, spoof string) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, front.URL+path, strings.NewReader("{}"))
		if tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		if spoof != "" {
			req.Header.Set("X-Endpoint-API-UserInfo", spoof)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, strings.TrimSpace(string(body))
	}

	list := "/endpoints.examples.bookstore.Bookstore/ListShelves"
	if methods[list] == nil || methods[list].Auth == nil {
		t.Fatalf("ListShelves has no auth requirement: %+v", methods[list])
	}
	status, body := call(list, good, "")
	if status != 200 {
		t.Fatalf("good token: %d %s", status, body)
	}
	decoded, err := base64.RawURLEncoding.DecodeString(body)
	if err != nil || string(decoded) != claimsJSON {
		t.Errorf("backend user info %q decodes to %q, want the claims as sent", body, decoded)
	}
	if status, spoofed := call(list, good, "c3Bvb2Y"); status != 200 || spoofed != body {
		t.Errorf("good token with a spoofed header: %d %q, want the verified payload %q", status, spoofed, body)
	}

	cases := []struct {
		name, tok string
		status    int
		body      string
	}{
		{"no token", "", 401, `{"code":401,"message":"Jwt is missing"}`},
		{"forged", signToken(t, header("RS256", "sa-key-1"), claimsJSON, "RS256", rsaKey2), 401, `{"code":401,"message":"Jwt verification fails"}`},
		{"wrong audience", signToken(t, header("RS256", "sa-key-1"), claims(map[string]any{"iss": prov.Issuer, "aud": "https://elsewhere"}), "RS256", rsaKey), 403, `{"code":403,"message":"Audiences in Jwt are not allowed"}`},
	}
	for _, c := range cases {
		if status, body := call(list, c.tok, "c3Bvb2Y"); status != c.status || body != c.body {
			t.Errorf("%s: %d %s, want %d %s", c.name, status, body, c.status, c.body)
		}
	}

	// The keys came from the corpus jwks_uri.
	transport.mu.Lock()
	asked := append([]string(nil), transport.asked...)
	transport.mu.Unlock()
	if len(asked) == 0 || asked[0] != prov.JWKSURI {
		t.Errorf("JWKS fetched from %v, want %s", asked, prov.JWKSURI)
	}
}
