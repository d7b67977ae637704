package xds

import (
	"fmt"
	"strconv"

	corsv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/cors/v3"
	matcherv3 "github.com/envoyproxy/go-control-plane/envoy/type/matcher/v3"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

// corsFilter is on with --cors_preset; its policy sits on the virtual host (corsPolicy).
func corsFilter(p *plan) (proto.Message, error) {
	if p.opts.CORS.Preset == "" {
		return nil, nil
	}
	return &corsv3.Cors{}, nil
}

// corsPolicy is the virtual host's CORS policy for --cors_preset, nil when CORS is off.
func corsPolicy(p *plan) (*corsv3.CorsPolicy, error) {
	c := p.opts.CORS
	var origin *matcherv3.StringMatcher
	switch c.Preset {
	case "":
		return nil, nil
	case "basic":
		if c.AllowOrigin == "*" {
			origin = regexMatcher(".*")
		} else {
			origin = &matcherv3.StringMatcher{MatchPattern: &matcherv3.StringMatcher_Exact{Exact: c.AllowOrigin}}
		}
	case "cors_with_regex":
		if c.AllowOriginRegex == "" {
			return nil, fmt.Errorf("cors_allow_origin_regex cannot be empty when cors_preset=cors_with_regex")
		}
		origin = regexMatcher(c.AllowOriginRegex)
	default:
		return nil, fmt.Errorf(`cors_preset must be either "basic" or "cors_with_regex"`)
	}
	pol := &corsv3.CorsPolicy{
		AllowOriginStringMatch: []*matcherv3.StringMatcher{origin},
		AllowMethods:           c.AllowMethods,
		AllowHeaders:           c.AllowHeaders,
		ExposeHeaders:          c.ExposeHeaders,
		MaxAge:                 strconv.FormatInt(int64(c.MaxAge.Seconds()), 10),
		// Preflights with an origin that is not allowed go on to the 400 route, as in ESPv2.
		ForwardNotMatchingPreflights: wrapperspb.Bool(true),
	}
	if c.AllowCredentials {
		pol.AllowCredentials = wrapperspb.Bool(true)
	}
	return pol, nil
}

func regexMatcher(re string) *matcherv3.StringMatcher {
	return &matcherv3.StringMatcher{MatchPattern: &matcherv3.StringMatcher_SafeRegex{SafeRegex: &matcherv3.RegexMatcher{Regex: re}}}
}

// corsPreflightMessage is ESPv2's 400 text for OPTIONS requests the CORS filter did not answer.
const corsPreflightMessage = "The CORS preflight request is missing one (or more) of the following required headers [Origin, Access-Control-Request-Method] or has an unmatched Origin header."
