package proxy

import (
	"strings"

	"github.com/espctl/espctl/httprule"
)

// Path translation modes of google.api.BackendRule.
const (
	constantAddress     = "CONSTANT_ADDRESS"
	appendPathToAddress = "APPEND_PATH_TO_ADDRESS"
)

// translatePath computes the upstream path and query exactly as ESPv2's path_rewrite filter
// (proxy-behavior.md section 7). path is the normalized request path and query the raw query
// (without '?'); bindings hold the raw matched values of the route's variables.
//
//   - APPEND_PATH_TO_ADDRESS: address path without its trailing '/' + the request path; the
//     query is kept. No address path means no rewrite.
//   - CONSTANT_ADDRESS: the address path ('/' when empty, trailing '/' dropped), the original
//     query, then `name=value` for every variable binding, values raw (not re-encoded).
func translatePath(mode, addrPath, path, query string, bindings []httprule.Binding) (string, string) {
	switch mode {
	case appendPathToAddress:
		if addrPath == "" {
			return path, query
		}
		return strings.TrimSuffix(addrPath, "/") + path, query
	case constantAddress:
		p := addrPath
		if p == "" {
			p = "/"
		}
		if len(p) > 1 {
			p = strings.TrimSuffix(p, "/")
		}
		if len(bindings) == 0 {
			return p, query
		}
		var b strings.Builder
		b.WriteString(query)
		for _, v := range bindings {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(v.FieldPath)
			b.WriteByte('=')
			b.WriteString(v.Value)
		}
		return p, b.String()
	}
	return path, query
}
