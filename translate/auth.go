package translate

import (
	"fmt"
	"sort"
	"strings"

	"google.golang.org/genproto/googleapis/api/serviceconfig"
)

// defaultJWTLocations are where ESPv2 looks for a token when a provider names no location.
var defaultJWTLocations = []JWTLocation{
	{Header: "Authorization", ValuePrefix: "Bearer "},
	{Header: "X-Goog-Iap-Jwt-Assertion"},
	{Query: "access_token"},
}

// buildAuth reads `authentication`: the providers (sorted by id) and, per method, the
// requirements of the last rule with its selector.
func (b *builder) buildAuth() error {
	providers := map[string]AuthProvider{}
	for _, p := range b.svc.GetAuthentication().GetProviders() {
		ap, err := authProvider(p)
		if err != nil {
			return err
		}
		providers[ap.ID] = ap // Envoy keys providers by id: the last one wins
	}
	for _, ap := range providers {
		b.cfg.Providers = append(b.cfg.Providers, ap)
	}
	sort.Slice(b.cfg.Providers, func(i, j int) bool { return b.cfg.Providers[i].ID < b.cfg.Providers[j].ID })

	rules := map[string]*serviceconfig.AuthenticationRule{}
	for _, r := range b.svc.GetAuthentication().GetRules() {
		if !isDiscovery(r.GetSelector()) {
			rules[r.GetSelector()] = r
		}
	}
	for _, m := range b.methods {
		r := rules[m.Selector]
		if len(r.GetRequirements()) == 0 {
			continue // a selector-only rule means "no JWT check"
		}
		req := &AuthRequirement{AllowWithoutCredential: r.GetAllowWithoutCredential()}
		for _, rq := range r.GetRequirements() {
			if _, ok := providers[rq.GetProviderId()]; !ok {
				// Envoy's text; ESPv2 fails to start with it.
				return fmt.Errorf("authentication rule for operation (%s): Required provider ['%s'] is not configured.", m.Selector, rq.GetProviderId())
			}
			req.Providers = append(req.Providers, ProviderRequirement{
				ProviderID: rq.GetProviderId(),
				Audiences:  splitAudiences(rq.GetAudiences()),
			})
		}
		m.Auth = req
	}
	return nil
}

// authProvider reads one provider: audiences split on commas and trimmed, JWT locations with
// ESPv2's defaults when none are given.
func authProvider(p *serviceconfig.AuthProvider) (AuthProvider, error) {
	ap := AuthProvider{
		ID:        p.GetId(),
		Issuer:    p.GetIssuer(),
		JWKSURI:   p.GetJwksUri(),
		Audiences: splitAudiences(p.GetAudiences()),
	}
	for _, l := range p.GetJwtLocations() {
		switch {
		case l.GetHeader() != "":
			ap.Locations = append(ap.Locations, JWTLocation{Header: l.GetHeader(), ValuePrefix: l.GetValuePrefix()})
		case l.GetQuery() != "":
			if l.GetValuePrefix() != "" {
				return AuthProvider{}, fmt.Errorf("error processing authentication provider (%s): JwtLocation type [Query] should be set without valuePrefix, but it was set to [%s]", ap.ID, l.GetValuePrefix())
			}
			ap.Locations = append(ap.Locations, JWTLocation{Query: l.GetQuery()})
		case l.GetCookie() != "":
			ap.Locations = append(ap.Locations, JWTLocation{Cookie: l.GetCookie()})
		}
	}
	if len(ap.Locations) == 0 {
		ap.Locations = append([]JWTLocation(nil), defaultJWTLocations...)
		ap.DefaultLocations = true
	}
	return ap, nil
}

// splitAudiences splits a comma-separated audience list, trimming items and dropping empty
// ones.
func splitAudiences(s string) []string {
	var out []string
	for _, a := range strings.Split(s, ",") {
		if a = strings.TrimSpace(a); a != "" {
			out = append(out, a)
		}
	}
	return out
}
