package jwtauth

import (
	"context"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// clockSkew is ESPv2's allowance for `exp` and `nbf`.
const clockSkewSeconds = 60

// verifyToken checks one token for one provider in Envoy's order: shape, issuer, time,
// audience, then the signature against the provider's keys. The cheap claim checks run first,
// as in Envoy, so their errors are reported even for an unsigned token; a token is only ever
// accepted after its signature verified (now, or earlier for a cached token).
func (a *Authenticator) verifyToken(ctx context.Context, p *provider, raw string, audiences []string) (*token, *failure) {
	now := a.opts.Clock()
	if t := a.cache.get(p.id, raw, now); t != nil {
		return t, checkClaims(p, t, audiences, now)
	}
	t, f := parseToken(raw, a.opts.MaxTokenBytes)
	if f != nil {
		return nil, f
	}
	if f := checkClaims(p, t, audiences, now); f != nil {
		return nil, f
	}
	// A kid the cached set lacks may be a freshly rotated key: keys() then refreshes (rate
	// limited) before answering.
	set, err := p.keys.keys(ctx, t.kid)
	if err != nil {
		return nil, errJWKSFetch
	}
	candidates := set.candidates(t.alg, t.kid)
	if len(candidates) == 0 {
		return nil, errNoMatchingKey
	}
	// go-jose parses the token again, accepting only the algorithm already vetted above, and
	// does the signature arithmetic.
	jws, err := jose.ParseSignedCompact(raw, []jose.SignatureAlgorithm{jose.SignatureAlgorithm(t.alg)})
	if err != nil {
		return nil, errVerification
	}
	for _, key := range candidates {
		if _, err := jws.Verify(key); err == nil {
			a.cache.put(p.id, t, now)
			return t, nil
		}
	}
	return nil, errVerification
}

// checkClaims checks issuer, time and audience.
func checkClaims(p *provider, t *token, audiences []string, now time.Time) *failure {
	if t.iss == "" || t.iss != p.issuer {
		return errUnknownIssuer
	}
	unix := now.Unix()
	if t.hasNbf && unix+clockSkewSeconds < t.nbf {
		return errNotYetValid
	}
	if t.hasExp && unix > t.exp+clockSkewSeconds {
		return errExpired
	}
	if !audienceAllowed(t.aud, audiences) {
		return errAudience
	}
	return nil
}
