package jwtauth

import "strings"

// normalizeAudience strips a leading `http://` or `https://` and one trailing `/`, as ESPv2
// does on both sides before comparing, so `example_service/` matches `https://example_service`.
func normalizeAudience(a string) string {
	a = strings.TrimPrefix(a, "https://")
	a = strings.TrimPrefix(a, "http://")
	return strings.TrimSuffix(a, "/")
}

// audienceAllowed says whether one of the token's audiences is allowed. An empty allowed list
// means no audience check (only with DisableAudienceServiceNameCheck); a token without `aud`
// never passes a check.
func audienceAllowed(tokenAud, allowed []string) bool {
	if allowed == nil {
		return true
	}
	for _, t := range tokenAud {
		t = normalizeAudience(t)
		for _, a := range allowed {
			if t == normalizeAudience(a) {
				return true
			}
		}
	}
	return false
}
