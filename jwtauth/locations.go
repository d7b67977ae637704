package jwtauth

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/espctl/espctl/translate"
)

// jwtChars are the characters of a compact JWT (base64url and the dots).
const jwtChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."

// DefaultLocations are ESPv2's token locations for a provider without jwt_locations:
// `Authorization: Bearer <jwt>`, `X-Goog-Iap-Jwt-Assertion: <jwt>` and `?access_token=<jwt>`.
var DefaultLocations = []translate.JWTLocation{
	{Header: "Authorization", ValuePrefix: "Bearer "},
	{Header: "X-Goog-Iap-Jwt-Assertion"},
	{Query: "access_token"},
}

// requestTokens reads the places a request may carry a token. The query is parsed once per
// request, however many providers look at it.
type requestTokens struct {
	r     *http.Request
	query url.Values
}

func newRequestTokens(r *http.Request) *requestTokens {
	return &requestTokens{r: r}
}

// extract returns every token found in locs, in location order, without duplicates. Every one
// of them must verify (config-and-openapi.md A.7): a client cannot smuggle a bad token past
// the check by also sending a good one.
func (rt *requestTokens) extract(locs []translate.JWTLocation) []string {
	var out []string
	seen := map[string]bool{}
	add := func(tok string) {
		if tok != "" && !seen[tok] {
			seen[tok] = true
			out = append(out, tok)
		}
	}
	for _, loc := range locs {
		switch {
		case loc.Header != "":
			for _, v := range rt.r.Header.Values(loc.Header) {
				if tok, ok := tokenAfterPrefix(v, loc.ValuePrefix); ok {
					add(tok)
				}
			}
		case loc.Query != "":
			if rt.query == nil {
				rt.query = rt.r.URL.Query()
			}
			for _, v := range rt.query[loc.Query] {
				add(v)
			}
		case loc.Cookie != "":
			for _, c := range rt.r.Cookies() {
				if c.Name == loc.Cookie {
					add(c.Value)
				}
			}
		}
	}
	return out
}

// tokenAfterPrefix reads a token from a header value as Envoy's extractor does: without a
// prefix the whole value is the token; with one, the prefix is searched in the value
// (case-sensitively) and the token is the run of JWT characters that follows it, so
// `Bearer <jwt>` and `Bearer <jwt>, other` both give <jwt>. A value without the prefix carries
// no token for this location.
func tokenAfterPrefix(value, prefix string) (string, bool) {
	if prefix == "" {
		return strings.TrimSpace(value), true
	}
	i := strings.Index(value, prefix)
	if i < 0 {
		return "", false
	}
	rest := value[i+len(prefix):]
	start := strings.IndexAny(rest, jwtChars)
	if start < 0 {
		return "", false
	}
	rest = rest[start:]
	end := strings.IndexFunc(rest, func(r rune) bool { return !strings.ContainsRune(jwtChars, r) })
	if end >= 0 {
		rest = rest[:end]
	}
	return rest, true
}
