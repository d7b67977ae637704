package translate

import (
	"reflect"
	"testing"
)

func TestAuth(t *testing.T) {
	cfg := build(t, svc(t, `{
		"name": "auth.example.com",
		"apis": [{"name": "p.S", "methods": [{"name": "A"}, {"name": "B"}, {"name": "C"}, {"name": "D"}]}],
		"authentication": {
			"providers": [
				{"id": "z_firebase", "issuer": "https://securetoken.google.com/p", "jwksUri": "https://keys", "audiences": " a1 , a2,,",
				 "jwtLocations": [{"header": "X-Token", "valuePrefix": "Token "}, {"query": "tok"}, {"cookie": "session"}]},
				{"id": "auth0", "issuer": "https://x.auth0.com/"}
			],
			"rules": [
				{"selector": "p.S.A", "requirements": [{"providerId": "auth0"}]},
				{"selector": "p.S.A", "requirements": [{"providerId": "z_firebase", "audiences": "only-a"}, {"providerId": "auth0"}], "allowWithoutCredential": true},
				{"selector": "p.S.B"},
				{"selector": "p.S.C", "requirements": [{"providerId": "auth0"}]},
				{"selector": "p.S.Unknown", "requirements": [{"providerId": "missing"}]}
			]
		}
	}`), Options{})

	want := []AuthProvider{
		{ID: "auth0", Issuer: "https://x.auth0.com/", Locations: defaultJWTLocations, DefaultLocations: true},
		{ID: "z_firebase", Issuer: "https://securetoken.google.com/p", JWKSURI: "https://keys", Audiences: []string{"a1", "a2"},
			Locations: []JWTLocation{{Header: "X-Token", ValuePrefix: "Token "}, {Query: "tok"}, {Cookie: "session"}}},
	}
	if !reflect.DeepEqual(cfg.Providers, want) {
		t.Errorf("providers\n got %+v\nwant %+v", cfg.Providers, want)
	}
	a := methodOf(t, cfg, "p.S.A").Auth
	wantA := &AuthRequirement{AllowWithoutCredential: true, Providers: []ProviderRequirement{{ProviderID: "z_firebase", Audiences: []string{"only-a"}}, {ProviderID: "auth0"}}}
	if !reflect.DeepEqual(a, wantA) {
		t.Errorf("A (last rule wins)\n got %+v\nwant %+v", a, wantA)
	}
	if b := methodOf(t, cfg, "p.S.B").Auth; b != nil {
		t.Errorf("B selector-only rule: %+v, want no JWT", b)
	}
	if c := methodOf(t, cfg, "p.S.C").Auth; c == nil || c.AllowWithoutCredential {
		t.Errorf("C %+v", c)
	}
	if d := methodOf(t, cfg, "p.S.D").Auth; d != nil {
		t.Errorf("D without rule %+v", d)
	}
}

func TestAuthErrors(t *testing.T) {
	wantErr(t, svc(t, `{"name": "x", "apis": [{"name": "p.S", "methods": [{"name": "A"}]}],
		"authentication": {"providers": [{"id": "p1", "issuer": "i", "jwtLocations": [{"query": "t", "valuePrefix": "Bearer "}]}]}}`), Options{},
		"error processing authentication provider (p1): JwtLocation type [Query] should be set without valuePrefix, but it was set to [Bearer ]")
	wantErr(t, svc(t, `{"name": "x", "apis": [{"name": "p.S", "methods": [{"name": "A"}]}],
		"authentication": {"rules": [{"selector": "p.S.A", "requirements": [{"providerId": "nope"}]}]}}`), Options{},
		"authentication rule for operation (p.S.A): Required provider ['nope'] is not configured.")
}

func TestSplitAudiences(t *testing.T) {
	cases := map[string][]string{
		"":                nil,
		" , ":             nil,
		"a":               {"a"},
		"a, b ,c":         {"a", "b", "c"},
		"https://x/,  y ": {"https://x/", "y"},
	}
	for in, want := range cases {
		if got := splitAudiences(in); !reflect.DeepEqual(got, want) {
			t.Errorf("splitAudiences(%q) = %q, want %q", in, got, want)
		}
	}
}
