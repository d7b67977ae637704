package jwtauth

import (
	"net/http"
	"testing"
)

// BenchmarkAuthenticate measures one request with a valid token: extraction, parsing, claim
// checks and the signature (RS256 with a 2048-bit key, ES256), with the verified-token cache
// (a client repeating its token) and without it (a new token every time).
func BenchmarkAuthenticate(b *testing.B) {
	for _, c := range []struct {
		alg     string
		noCache bool
	}{{"RS256", false}, {"ES256", false}, {"RS256", true}, {"ES256", true}} {
		alg := c.alg
		name := alg + "/cached"
		if c.noCache {
			name = alg + "/uncached"
		}
		b.Run(name, func(b *testing.B) {
			a, cfg := newTestAuthenticator(b, nil, Options{DisableJWTCache: c.noCache})
			m := method(cfg, "api.Get")
			tok := goodToken(b, nil)
			if alg == "ES256" {
				tok = signToken(b, header("ES256", "ec-1"), claims(nil), "ES256", ecKey)
			}
			r := bearer(tok)
			out := http.Header{}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				res, rej := a.Authenticate(r, m)
				if rej != nil {
					b.Fatal(rej)
				}
				a.SetBackendHeaders(out, res)
			}
		})
	}
}
