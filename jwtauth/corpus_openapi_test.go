package jwtauth

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/espctl/espctl/load"
	"github.com/espctl/espctl/translate"
)

// TestCorpusOpenAPIProviders runs the getting-started OpenAPI document: five providers with
// x-google-audiences, one operation accepting any of three providers (JWK set and X.509 map
// key formats), and one provider per other operation.
func TestCorpusOpenAPIProviders(t *testing.T) {
	testKeys(t)
	path := filepath.Join("..", "..", "shared", "corpus", "getting-started", "openapi.yaml")
	if _, err := os.Stat(path); err != nil {
		t.Skipf("corpus %s not present: %v", path, err)
	}
	res, err := load.Load(load.Inputs{ConfigFiles: []string{path}})
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

	// Every jwks_uri of the document is served here: JWK sets and X.509 maps by path.
	keys := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasPrefix(r.URL.Path, "/robot/v1/metadata/x509/YOUR-CLIENT-PROJECT-ID"):
			w.Write(x509Map(t, "gae-1", rsaKey2))
		case strings.HasPrefix(r.URL.Path, "/robot/v1/metadata/x509/"), strings.Contains(r.URL.Path, "/metadata/x509/"):
			w.Write(x509Map(t, "sa-1", rsaKey))
		default: // JWK sets: /service_accounts/v1/jwk/..., /oauth2/v3/certs
			w.Write(jwksJSON(t, []string{"jwk-ec"}, &ecKey.PublicKey))
		}
	}))
	t.Cleanup(keys.Close)
	target, _ := url.Parse(keys.URL)
	auth, err := New(cfg, Options{HTTPClient: &http.Client{Transport: &redirectTransport{target: target}}, Clock: fixedClock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(auth.Close)

	byPath := func(p string) *translate.Method {
		for i := range cfg.Methods {
			for _, b := range cfg.Methods[i].HTTP {
				if b.Pattern == p {
					return &cfg.Methods[i]
				}
			}
		}
		t.Fatalf("no method for %s", p)
		return nil
	}
	googleJWT := byPath("/auth/info/googlejwt")
	firebase := byPath("/auth/info/firebase")
	if googleJWT.Auth == nil || len(googleJWT.Auth.Providers) != 3 {
		t.Fatalf("googlejwt requirement: %+v", googleJWT.Auth)
	}
	issuer := func(id string) string {
		for _, p := range cfg.Providers {
			if p.ID == id {
				return p.Issuer
			}
		}
		t.Fatalf("no provider %s", id)
		return ""
	}
	const echoAud = "echo.endpoints.sample.google.com"
	tokenFor := func(provider, kid, alg string, key any, aud string) string {
		return signToken(t, header(alg, kid), claims(map[string]any{"iss": issuer(provider), "aud": aud}), alg, key)
	}

	cases := []struct {
		name   string
		m      *translate.Method
		tok    string
		status int
		msg    string
	}{
		{"google_jwt (JWK set, ES256)", googleJWT, tokenFor("google_jwt", "jwk-ec", "ES256", ecKey, echoAud), 200, ""},
		{"gae_default_service_account (X.509 map)", googleJWT, tokenFor("gae_default_service_account", "gae-1", "RS256", rsaKey2, echoAud), 200, ""},
		{"google_service_account (X.509 map)", googleJWT, tokenFor("google_service_account", "sa-1", "RS256", rsaKey, echoAud), 200, ""},
		{"gae issuer signed with another provider's key", googleJWT, tokenFor("gae_default_service_account", "gae-1", "RS256", rsaKey, echoAud), 401, "Jwt verification fails"},
		{"google_id_token is not one of the three", googleJWT, tokenFor("google_id_token", "jwk-ec", "ES256", ecKey, "YOUR-CLIENT-ID"), 401, "Jwt issuer is not configured"},
		{"service name is not an audience when x-google-audiences is set", googleJWT, tokenFor("google_jwt", "jwk-ec", "ES256", ecKey, "https://"+cfg.Service), 403, "Audiences in Jwt are not allowed"},
		{"firebase", firebase, tokenFor("firebase", "sa-1", "RS256", rsaKey, "YOUR-PROJECT-ID"), 200, ""},
		{"no token", firebase, "", 401, "Jwt is missing"},
	}
	for _, c := range cases {
		r := httptest.NewRequest(http.MethodGet, "http://echo.example/auth/info", nil)
		if c.tok != "" {
			r.Header.Set("Authorization", "Bearer "+c.tok)
		}
		res, rej := auth.Authenticate(r, c.m)
		switch {
		case c.status == 200 && rej != nil:
			t.Errorf("%s: rejected: %v", c.name, rej)
		case c.status == 200 && res == nil:
			t.Errorf("%s: no result", c.name)
		case c.status != 200 && (rej == nil || rej.Status != c.status || rej.Message != c.msg):
			t.Errorf("%s: got %v, want %d %s", c.name, rej, c.status, c.msg)
		}
	}
}
