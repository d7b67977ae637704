package jwtauth

import (
	"testing"
	"time"

	"github.com/espctl/espctl/translate"
)

func TestVerifiedCacheStillChecksTimeAndAudience(t *testing.T) {
	clock := &testClock{now: testNow}
	a, cfg := newTestAuthenticator(t, func(c *translate.Config) {
		// a second method whose requirement asks for another audience
		c.Methods = append(c.Methods, translate.Method{Selector: "api.Other", Auth: &translate.AuthRequirement{
			Providers: []translate.ProviderRequirement{{ProviderID: "test", Audiences: []string{"other"}}}}})
	}, Options{Clock: clock.Now})
	tok := goodToken(t, map[string]any{"exp": testNow.Add(10 * time.Minute).Unix()})
	if _, rej := a.Authenticate(bearer(tok), method(cfg, "api.Get")); rej != nil {
		t.Fatal(rej)
	}
	if a.cache.get("test", tok, clock.Now()) == nil {
		t.Fatal("verified token not cached")
	}
	if _, rej := a.Authenticate(bearer(tok), method(cfg, "api.Other")); rej == nil || rej.Status != 403 {
		t.Fatalf("cached token, other audience: %v", rej)
	}
	clock.Advance(11*time.Minute + time.Second) // past exp + 60 s
	if _, rej := a.Authenticate(bearer(tok), method(cfg, "api.Get")); rej == nil || rej.Message != "Jwt is expired" {
		t.Fatalf("cached token after exp: %v", rej)
	}
}

func TestVerifiedCacheIsBoundedAndNeverHoldsFailures(t *testing.T) {
	a, cfg := newTestAuthenticator(t, nil, Options{JWTCacheSize: 2})
	m := method(cfg, "api.Get")
	var toks []string
	for i := range 3 {
		tok := goodToken(t, map[string]any{"jti": string(rune('a' + i))})
		toks = append(toks, tok)
		if _, rej := a.Authenticate(bearer(tok), m); rej != nil {
			t.Fatal(rej)
		}
	}
	if a.cache.order.Len() != 2 || a.cache.get("test", toks[0], testNow) != nil {
		t.Fatalf("cache holds %d entries, oldest present: %v", a.cache.order.Len(), a.cache.get("test", toks[0], testNow) != nil)
	}
	forged := signToken(t, header("RS256", testKid), claims(nil), "RS256", rsaKey2)
	a.Authenticate(bearer(forged), m)
	if a.cache.get("test", forged, testNow) != nil {
		t.Fatal("a token that failed was cached")
	}

	off, _ := newTestAuthenticator(t, nil, Options{DisableJWTCache: true})
	if off.cache != nil {
		t.Fatal("cache not disabled")
	}
	if _, rej := off.Authenticate(bearer(toks[0]), m); rej != nil {
		t.Fatal(rej)
	}
}
