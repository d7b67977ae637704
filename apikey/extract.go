package apikey

import (
	"net/http"
	"net/url"

	"github.com/espctl/espctl/translate"
)

// defaultLocations are ESPv2's key locations when the config names none: query `key`, query
// `api_key`, header `x-api-key` (config-and-openapi.md A.9).
var defaultLocations = []translate.APIKeyLocation{{Query: "key"}, {Query: "api_key"}, {Header: "x-api-key"}}

// ExtractKey returns the API key of the request: the first of the rule's locations (or the
// defaults when it has none) that is present, even with an empty value, as ESPv2 does. Header
// names match case-insensitively and the first value counts; query names match exactly and
// the first occurrence counts.
func ExtractKey(r *http.Request, rule translate.APIKeyRule) (string, bool) {
	locs := rule.Locations
	if len(locs) == 0 {
		locs = defaultLocations
	}
	var query url.Values
	for _, loc := range locs {
		switch {
		case loc.Query != "":
			if query == nil {
				query = parseQuery(r)
			}
			if vs, ok := query[loc.Query]; ok && len(vs) > 0 {
				return vs[0], true
			}
		case loc.Header != "":
			if vs := r.Header.Values(loc.Header); len(vs) > 0 {
				return vs[0], true
			}
		}
	}
	return "", false
}

// parseQuery keeps the well-formed pairs of a query string; a malformed pair elsewhere does
// not hide the key.
func parseQuery(r *http.Request) url.Values {
	if r.URL == nil {
		return url.Values{}
	}
	q, _ := url.ParseQuery(r.URL.RawQuery)
	if q == nil {
		q = url.Values{}
	}
	return q
}
