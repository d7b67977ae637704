package jwtauth

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/espctl/espctl/translate"
)

func TestAcceptsEveryAsymmetricAlgorithm(t *testing.T) {
	a, cfg := newTestAuthenticator(t, nil, Options{})
	testKeys(t)
	cases := []struct {
		alg, kid string
		key      any
	}{
		{"RS256", testKid, rsaKey}, {"RS384", testKid, rsaKey}, {"RS512", testKid, rsaKey},
		{"PS256", testKid, rsaKey}, {"PS384", testKid, rsaKey}, {"PS512", testKid, rsaKey},
		{"ES256", "ec-1", ecKey}, {"ES384", "ec-384", ec384Key},
		{"RS256", "", rsaKey}, // no kid: every key of the right type is tried
		{"ES256", "", ecKey},
	}
	for _, c := range cases {
		tok := signToken(t, header(c.alg, c.kid), claims(nil), c.alg, c.key)
		res, rej := a.Authenticate(bearer(tok), method(cfg, "api.Get"))
		if rej != nil || res == nil {
			t.Errorf("%s kid %q: rejected: %v", c.alg, c.kid, rej)
			continue
		}
		if res.Subject != "user-42" || res.Issuer != testIssuer || res.ProviderID != "test" {
			t.Errorf("%s: result %+v", c.alg, res)
		}
	}
}

func TestTimeChecksAllowSixtySecondsOfSkew(t *testing.T) {
	a, cfg := newTestAuthenticator(t, nil, Options{})
	for name, over := range map[string]map[string]any{
		"expired 59 s ago":       {"exp": testNow.Add(-59 * time.Second).Unix()},
		"expired 60 s ago":       {"exp": testNow.Add(-60 * time.Second).Unix()},
		"valid in 60 s":          {"nbf": testNow.Add(60 * time.Second).Unix()},
		"no exp":                 {"exp": nil},
		"fractional exp":         {"exp": float64(testNow.Unix()) + 0.5},
		"exp in the far future":  {"exp": testNow.AddDate(50, 0, 0).Unix()},
		"nbf now, iat yesterday": {"nbf": testNow.Unix(), "iat": testNow.Add(-24 * time.Hour).Unix()},
	} {
		if _, rej := a.Authenticate(bearer(goodToken(t, over)), method(cfg, "api.Get")); rej != nil {
			t.Errorf("%s: %v", name, rej)
		}
	}
}

// TestTokenLocations sends a good token in each place ESPv2 reads by default, and in the
// places a provider's jwt_locations name.
func TestTokenLocations(t *testing.T) {
	a, cfg := newTestAuthenticator(t, nil, Options{})
	custom, customCfg := newTestAuthenticator(t, func(c *translate.Config) {
		c.Providers[0].Locations = []translate.JWTLocation{
			{Header: "X-Auth", ValuePrefix: "JWT "},
			{Header: "X-Raw-Token"},
			{Query: "jwt"},
			{Cookie: "session"},
		}
		c.Providers[0].DefaultLocations = false
	}, Options{})
	tok := goodToken(t, nil)
	get := func() *http.Request { return httptest.NewRequest(http.MethodGet, "http://x.example/v1/shelves", nil) }
	cases := []struct {
		name   string
		a      *Authenticator
		cfg    *translate.Config
		req    func() *http.Request
		accept bool
	}{
		{"Authorization: Bearer", a, cfg, func() *http.Request { return bearer(tok) }, true},
		{"Authorization: Bearer, trailing text", a, cfg, func() *http.Request {
			r := get()
			r.Header.Set("Authorization", "Bearer "+tok+", realm=x")
			return r
		}, true},
		{"X-Goog-Iap-Jwt-Assertion", a, cfg, func() *http.Request {
			r := get()
			r.Header.Set("X-Goog-Iap-Jwt-Assertion", tok)
			return r
		}, true},
		{"access_token query", a, cfg, func() *http.Request {
			return httptest.NewRequest(http.MethodGet, "http://x.example/v1/shelves?access_token="+tok, nil)
		}, true},
		{"same token twice", a, cfg, func() *http.Request {
			r := httptest.NewRequest(http.MethodGet, "http://x.example/v1/shelves?access_token="+tok, nil)
			r.Header.Set("Authorization", "Bearer "+tok)
			return r
		}, true},
		{"default: custom header is not a location", a, cfg, func() *http.Request {
			r := get()
			r.Header.Set("X-Auth", "JWT "+tok)
			return r
		}, false},
		{"custom: header with prefix", custom, customCfg, func() *http.Request {
			r := get()
			r.Header.Set("X-Auth", "JWT "+tok)
			return r
		}, true},
		{"custom: header without its prefix", custom, customCfg, func() *http.Request {
			r := get()
			r.Header.Set("X-Auth", tok)
			return r
		}, false},
		{"custom: raw header", custom, customCfg, func() *http.Request {
			r := get()
			r.Header.Set("X-Raw-Token", tok)
			return r
		}, true},
		{"custom: query", custom, customCfg, func() *http.Request {
			return httptest.NewRequest(http.MethodGet, "http://x.example/v1/shelves?jwt="+tok, nil)
		}, true},
		{"custom: cookie", custom, customCfg, func() *http.Request {
			r := get()
			r.AddCookie(&http.Cookie{Name: "session", Value: tok})
			return r
		}, true},
		{"custom: Authorization is not a location", custom, customCfg, func() *http.Request { return bearer(tok) }, false},
	}
	for _, c := range cases {
		res, rej := c.a.Authenticate(c.req(), method(c.cfg, "api.Get"))
		if c.accept && (rej != nil || res == nil) {
			t.Errorf("%s: rejected: %v", c.name, rej)
		}
		if !c.accept && (rej == nil || rej.Message != "Jwt is missing") {
			t.Errorf("%s: want Jwt is missing, got %v", c.name, rej)
		}
	}
}

func TestAudiences(t *testing.T) {
	cases := []struct {
		name       string
		provider   []string // provider audiences
		required   []string // requirement audiences
		disable    bool
		aud        any
		wantStatus int // 0: accepted
	}{
		{"default audience", nil, nil, false, "https://" + testService, 0},
		{"default audience without scheme, trailing slash", nil, nil, false, testService + "/", 0},
		{"default audience over http", nil, nil, false, "http://" + testService, 0},
		{"default audience in a list", nil, nil, false, []string{"other", "https://" + testService}, 0},
		{"other audience under the default", nil, nil, false, "other", 403},
		{"two trailing slashes", nil, nil, false, "https://" + testService + "//", 403},
		{"provider audience", []string{"aud-a", "https://aud-b"}, nil, false, "aud-b", 0},
		{"service is not allowed when the provider lists audiences", []string{"aud-a"}, nil, false, "https://" + testService, 403},
		{"requirement audiences replace the provider's", []string{"aud-a"}, []string{"aud-r"}, false, "aud-r", 0},
		{"provider audience under a requirement list", []string{"aud-a"}, []string{"aud-r"}, false, "aud-a", 403},
		{"check disabled: anything", nil, nil, true, "whatever", 0},
		{"check disabled: no aud", nil, nil, true, nil, 0},
		{"check disabled still checks provider audiences", []string{"aud-a"}, nil, true, "whatever", 403},
	}
	for _, c := range cases {
		a, cfg := newTestAuthenticator(t, func(cfg *translate.Config) {
			cfg.Providers[0].Audiences = c.provider
			cfg.Methods[0].Auth.Providers[0].Audiences = c.required
		}, Options{DisableAudienceServiceNameCheck: c.disable})
		_, rej := a.Authenticate(bearer(goodToken(t, map[string]any{"aud": c.aud})), method(cfg, "api.Get"))
		got := 0
		if rej != nil {
			got = rej.Status
		}
		if got != c.wantStatus {
			t.Errorf("%s: status %d, want %d (%v)", c.name, got, c.wantStatus, rej)
		}
	}
}

func TestMethodsWithoutRequirementAreNotChecked(t *testing.T) {
	a, cfg := newTestAuthenticator(t, nil, Options{})
	res, rej := a.Authenticate(bearer("garbage"), method(cfg, "api.Public"))
	if res != nil || rej != nil {
		t.Fatalf("got %v, %v", res, rej)
	}
	if res, rej := a.Authenticate(bearer("garbage"), nil); res != nil || rej != nil {
		t.Fatalf("nil method: got %v, %v", res, rej)
	}
}

func TestAllowWithoutCredential(t *testing.T) {
	a, cfg := newTestAuthenticator(t, func(c *translate.Config) {
		c.Methods[0].Auth.AllowWithoutCredential = true
	}, Options{})
	m := method(cfg, "api.Get")
	if res, rej := a.Authenticate(httptest.NewRequest(http.MethodGet, "http://x.example/", nil), m); res != nil || rej != nil {
		t.Errorf("no token: got %v, %v; want pass without result", res, rej)
	}
	if res, rej := a.Authenticate(bearer(goodToken(t, nil)), m); res == nil || rej != nil {
		t.Errorf("good token: got %v, %v", res, rej)
	}
	// ESPv2's test: a wrong issuer with allow-missing is still refused.
	_, rej := a.Authenticate(bearer(goodToken(t, map[string]any{"iss": "https://evil.example.com"})), m)
	if rej == nil || rej.Status != 401 || rej.Message != "Jwt issuer is not configured" {
		t.Errorf("wrong issuer: got %v", rej)
	}
	_, rej = a.Authenticate(bearer(goodToken(t, map[string]any{"exp": testNow.Add(-time.Hour).Unix()})), m)
	if rej == nil || rej.Message != "Jwt is expired" {
		t.Errorf("expired: got %v", rej)
	}
}

// TestAlternativeProviders: several requirements are an OR; the error reported when all fail
// is the most informative one.
func TestAlternativeProviders(t *testing.T) {
	testKeys(t)
	a, cfg := newTestAuthenticator(t, func(c *translate.Config) {
		c.Providers = append(c.Providers, translate.AuthProvider{
			ID: "second", Issuer: "https://second.example.com", JWKSURI: writeFile(t, jwksJSON(t, []string{"k2"}, &rsaKey2.PublicKey)),
			Locations: defaultLocations,
		})
		c.Methods[0].Auth.Providers = append(c.Methods[0].Auth.Providers, translate.ProviderRequirement{ProviderID: "second"})
	}, Options{})
	m := method(cfg, "api.Get")
	second := signToken(t, header("RS256", "k2"), claims(map[string]any{"iss": "https://second.example.com"}), "RS256", rsaKey2)
	if res, rej := a.Authenticate(bearer(second), m); rej != nil || res.ProviderID != "second" {
		t.Errorf("second provider: %v %v", res, rej)
	}
	if res, rej := a.Authenticate(bearer(goodToken(t, nil)), m); rej != nil || res.ProviderID != "test" {
		t.Errorf("first provider: %v %v", res, rej)
	}
	cases := map[string]struct {
		tok  string
		want string
	}{
		"neither issuer": {goodToken(t, map[string]any{"iss": "https://third.example.com"}), "Jwt issuer is not configured"},
		"first expired":  {goodToken(t, map[string]any{"exp": testNow.Add(-time.Hour).Unix()}), "Jwt is expired"},
		"second forged":  {signToken(t, header("RS256", "k2"), claims(map[string]any{"iss": "https://second.example.com"}), "RS256", rsaKey), "Jwt verification fails"},
	}
	for name, c := range cases {
		if _, rej := a.Authenticate(bearer(c.tok), m); rej == nil || rej.Message != c.want {
			t.Errorf("%s: got %v, want %q", name, rej, c.want)
		}
	}
}

func TestNewRefusesBadConfigs(t *testing.T) {
	testKeys(t)
	good := writeFile(t, jwksJSON(t, []string{"k"}, &rsaKey.PublicKey))
	cases := map[string]struct {
		cfg  *translate.Config
		opts Options
	}{
		"nil config":                      {nil, Options{}},
		"unknown provider":                {&translate.Config{Service: "s", Providers: []translate.AuthProvider{{ID: "a", Issuer: "i", JWKSURI: good}}, Methods: []translate.Method{{Selector: "m", Auth: &translate.AuthRequirement{Providers: []translate.ProviderRequirement{{ProviderID: "b"}}}}}}, Options{}},
		"missing file":                    {testConfig("/nonexistent/jwks.json"), Options{}},
		"file not JSON":                   {testConfig(writeFile(t, []byte("nope"))), Options{}},
		"file without keys":               {testConfig(writeFile(t, []byte(`{"keys":[{"kty":"oct","k":"c2VjcmV0"}]}`))), Options{}},
		"no jwks_uri, discovery disabled": {testConfig(""), Options{DisableOIDCDiscovery: true}},
		"bad user info format":            {testConfig(good), Options{UserInfoFormat: "v3"}},
	}
	for name, c := range cases {
		a, err := New(c.cfg, c.opts)
		if err == nil {
			a.Close()
			t.Errorf("%s: no error", name)
			continue
		}
		t.Logf("%s: %v", name, err)
	}
}

// TestProviderWithoutLocationsUsesESPv2Defaults: a hand-built config without locations reads
// the default places rather than refusing every token.
func TestProviderWithoutLocationsUsesESPv2Defaults(t *testing.T) {
	a, cfg := newTestAuthenticator(t, func(c *translate.Config) {
		c.Providers[0].Locations = nil
	}, Options{})
	if _, rej := a.Authenticate(bearer(goodToken(t, nil)), method(cfg, "api.Get")); rej != nil {
		t.Fatal(rej)
	}
}
