package apikey

import "strings"

// referrerMatches applies a referrer restriction the way Google API key restrictions read:
//
//	https://www.example.com/app/*   scheme, host and path prefix
//	www.example.com/*               any scheme, this host, any path
//	*.example.com/*                 any subdomain (not example.com itself), any path
//	example.com                     this host, the site root only
//
// `*` matches any run of characters. A pattern without a scheme is matched against the
// referrer with its scheme removed. Matching ignores case: host names are case-insensitive and
// a restriction is not the place to split hairs over path case.
func referrerMatches(pattern, referrer string) bool {
	pattern = strings.ToLower(pattern)
	referrer = strings.ToLower(referrer)
	if !strings.Contains(pattern, "://") {
		if i := strings.Index(referrer, "://"); i >= 0 {
			referrer = referrer[i+3:]
		}
	}
	if glob(pattern, referrer) {
		return true
	}
	// The browser sends `https://example.com/` for the root; `example.com` should match it.
	return strings.HasSuffix(referrer, "/") && glob(pattern, strings.TrimSuffix(referrer, "/"))
}

// glob matches `*` wildcards iteratively (no backtracking blow-up on hostile patterns or input).
func glob(pattern, s string) bool {
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case p < len(pattern) && pattern[p] == s[i]:
			p++
			i++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}
