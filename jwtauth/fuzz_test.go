package jwtauth

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/espctl/espctl/translate"
)

// FuzzTokenLocations feeds arbitrary header values, prefixes, queries and cookies to the token
// extraction: it must not panic, and a token read behind a prefix holds only JWT characters.
func FuzzTokenLocations(f *testing.F) {
	f.Add("Bearer a.b.c", "Bearer ", "access_token=x.y.z&access_token=", "session=a.b.c")
	f.Add("bearer a.b.c", "Bearer ", "access_token=%zz;x", "")
	f.Add("Bearer ", "Bearer ", "", "session")
	f.Add("xBearer a.b.c, Bearer d.e.f", "Bearer ", "a=1&&=&access_token", "a=b; session=\"q\"")
	f.Add("JWT\x00é.ü", "JWT", "access_token=%C3%A9", ";;;")
	f.Fuzz(func(t *testing.T, value, prefix, rawQuery, cookie string) {
		r := &http.Request{Header: http.Header{}, URL: &url.URL{Path: "/", RawQuery: rawQuery}}
		r.Header["Authorization"] = []string{value}
		r.Header["X-Custom"] = []string{value}
		r.Header["Cookie"] = []string{cookie}
		locs := []translate.JWTLocation{
			{Header: "Authorization", ValuePrefix: prefix},
			{Header: "X-Custom"},
			{Query: "access_token"},
			{Cookie: "session"},
		}
		seen := map[string]bool{}
		for _, tok := range newRequestTokens(r).extract(locs) {
			if tok == "" || seen[tok] {
				t.Fatalf("empty or duplicate token %q", tok)
			}
			seen[tok] = true
		}
		if prefix != "" {
			if tok, ok := tokenAfterPrefix(value, prefix); ok && strings.Trim(tok, jwtChars) != "" {
				t.Fatalf("token %q behind prefix %q has non-JWT characters", tok, prefix)
			}
		}
	})
}

// FuzzParseToken: any string is refused with a known failure or parsed; nothing panics.
func FuzzParseToken(f *testing.F) {
	f.Add("eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJhIn0.c2ln")
	f.Add("eyJhbGciOiJub25lIn0.e30.")
	f.Add("..")
	f.Add(`e30.e30.e30`)
	f.Add("eyJhbGciOiJSUzI1NiIsImFsZyI6Im5vbmUifQ.W1tbW1tbW1tbW1tbXV1dXV1dXV1dXV1d.")
	f.Fuzz(func(t *testing.T, s string) {
		tok, fail := parseToken(s, DefaultMaxTokenBytes)
		if (tok == nil) == (fail == nil) {
			t.Fatalf("parseToken(%q) = %v, %v", s, tok, fail)
		}
		if fail != nil && fail.status != 401 {
			t.Fatalf("parse failure with status %d", fail.status)
		}
	})
}

// FuzzParseKeySet: any document is a key set with keys or an error.
func FuzzParseKeySet(f *testing.F) {
	f.Add([]byte(`{"keys":[{"kty":"RSA","n":"AQAB","e":"AQAB"}]}`))
	f.Add([]byte(`{"kid":"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"}`))
	f.Add([]byte(`{"keys":[{"kty":"oct","k":"c2VjcmV0"},{"kty":"EC","crv":"P-256","x":"","y":""}]}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		set, err := parseKeySet(data)
		if (set == nil) == (err == nil) || (set != nil && len(set.keys) == 0) {
			t.Fatalf("parseKeySet = %v, %v", set, err)
		}
		if set != nil {
			for _, alg := range []string{"RS256", "ES256", "HS256", "EdDSA"} {
				keys := set.candidates(alg, "")
				if strings.HasPrefix(alg, "HS") && len(keys) != 0 {
					t.Fatal("a symmetric key was accepted")
				}
			}
		}
	})
}
