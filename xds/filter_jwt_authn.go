package xds

import (
	"fmt"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	jwtv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/jwt_authn/v3"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/espctl/espctl/translate"
)

// userInfoHeader carries the verified JWT payload to the backend, as in ESPv2.
const userInfoHeader = "X-Endpoint-API-UserInfo"

// jwtAuthnFilter verifies JWTs for methods with an auth requirement. Each method's requirement
// is stored under its selector; its routes name it (jwtPerRoute), so routes without a name
// (404, 405, CORS, health) are never checked.
func jwtAuthnFilter(p *plan) (proto.Message, error) {
	used := usedProviders(p)
	if len(used) == 0 {
		return nil, nil
	}
	ja := &jwtv3.JwtAuthentication{
		Providers:      map[string]*jwtv3.JwtProvider{},
		RequirementMap: map[string]*jwtv3.JwtRequirement{},
	}
	for _, prov := range used {
		jp, err := jwtProvider(p, prov)
		if err != nil {
			return nil, fmt.Errorf("auth provider %s: %w", prov.ID, err)
		}
		ja.Providers[prov.ID] = jp
	}
	for _, m := range p.cfg.Methods {
		if m.Auth == nil || len(m.Auth.Providers) == 0 {
			continue
		}
		ja.RequirementMap[m.Selector] = jwtRequirement(m.Auth)
	}
	return ja, nil
}

func jwtProvider(p *plan, prov translate.AuthProvider) (*jwtv3.JwtProvider, error) {
	u, err := jwksUpstream(prov.JWKSURI)
	if err != nil {
		return nil, err
	}
	aud := prov.Audiences
	if len(aud) == 0 {
		aud = []string{"https://" + p.cfg.Service}
	}
	jp := &jwtv3.JwtProvider{
		Issuer:    prov.Issuer,
		Audiences: aud,
		JwksSourceSpecifier: &jwtv3.JwtProvider_RemoteJwks{RemoteJwks: &jwtv3.RemoteJwks{
			HttpUri: &corev3.HttpUri{
				Uri:              prov.JWKSURI,
				HttpUpstreamType: &corev3.HttpUri_Cluster{Cluster: u.name},
				Timeout:          durationpb.New(p.opts.HTTPRequestTimeout),
			},
			CacheDuration: durationpb.New(p.opts.JWKSCacheDuration),
			// Fetched before the listener serves, as ESPv2 does by default.
			AsyncFetch: &jwtv3.JwksAsyncFetch{},
		}},
		Forward:              true,
		ForwardPayloadHeader: userInfoHeader,
		ClockSkewSeconds:     60,
	}
	locs := prov.Locations
	if len(locs) == 0 {
		locs = defaultJWTLocations
	}
	for _, l := range locs {
		switch {
		case l.Header != "":
			jp.FromHeaders = append(jp.FromHeaders, &jwtv3.JwtHeader{Name: l.Header, ValuePrefix: l.ValuePrefix})
		case l.Cookie != "":
			jp.FromCookies = append(jp.FromCookies, l.Cookie)
		case l.Query != "":
			if l.ValuePrefix != "" {
				return nil, fmt.Errorf("JwtLocation type [Query] should be set without valuePrefix, but it was set to [%s]", l.ValuePrefix)
			}
			jp.FromParams = append(jp.FromParams, l.Query)
		}
	}
	return jp, nil
}

// defaultJWTLocations are ESPv2's token locations when a provider names none.
var defaultJWTLocations = []translate.JWTLocation{
	{Header: "Authorization", ValuePrefix: "Bearer "},
	{Header: "X-Goog-Iap-Jwt-Assertion"},
	{Query: "access_token"},
}

// jwtRequirement accepts any one of the method's providers; allow_without_credential adds
// "no token at all" as one more alternative (a bad token still fails).
func jwtRequirement(a *translate.AuthRequirement) *jwtv3.JwtRequirement {
	var alts []*jwtv3.JwtRequirement
	for _, pr := range a.Providers {
		if len(pr.Audiences) > 0 {
			alts = append(alts, &jwtv3.JwtRequirement{RequiresType: &jwtv3.JwtRequirement_ProviderAndAudiences{
				ProviderAndAudiences: &jwtv3.ProviderWithAudiences{ProviderName: pr.ProviderID, Audiences: pr.Audiences},
			}})
			continue
		}
		alts = append(alts, &jwtv3.JwtRequirement{RequiresType: &jwtv3.JwtRequirement_ProviderName{ProviderName: pr.ProviderID}})
	}
	if a.AllowWithoutCredential {
		alts = append(alts, &jwtv3.JwtRequirement{RequiresType: &jwtv3.JwtRequirement_AllowMissing{AllowMissing: &emptypb.Empty{}}})
	}
	if len(alts) == 1 {
		return alts[0]
	}
	return &jwtv3.JwtRequirement{RequiresType: &jwtv3.JwtRequirement_RequiresAny{RequiresAny: &jwtv3.JwtRequirementOrList{Requirements: alts}}}
}

// jwtPerRoute names the method's requirement on its routes; nil when the method needs no JWT.
func jwtPerRoute(m *translate.Method) proto.Message {
	if m == nil || m.Auth == nil || len(m.Auth.Providers) == 0 {
		return nil
	}
	return &jwtv3.PerRouteConfig{RequirementSpecifier: &jwtv3.PerRouteConfig_RequirementName{RequirementName: m.Selector}}
}

// usedProviders are the providers some method requires, in Config order (sorted by ID).
func usedProviders(p *plan) []translate.AuthProvider {
	want := map[string]bool{}
	for _, m := range p.cfg.Methods {
		if m.Auth == nil {
			continue
		}
		for _, pr := range m.Auth.Providers {
			want[pr.ProviderID] = true
		}
	}
	var out []translate.AuthProvider
	for _, prov := range p.cfg.Providers {
		if want[prov.ID] {
			out = append(out, prov)
		}
	}
	return out
}

// checkProviders reports requirements that name no provider; Envoy would reject the config
// with "Required provider ['<id>'] is not configured."
func checkProviders(p *plan) error {
	known := map[string]bool{}
	for _, prov := range p.cfg.Providers {
		known[prov.ID] = true
	}
	for _, m := range p.cfg.Methods {
		if m.Auth == nil {
			continue
		}
		for _, pr := range m.Auth.Providers {
			if !known[pr.ProviderID] {
				return fmt.Errorf("method %s: Required provider ['%s'] is not configured", m.Selector, pr.ProviderID)
			}
		}
	}
	return nil
}
