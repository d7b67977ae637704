package xds

import (
	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	healthv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/health_check/v3"
	matcherv3 "github.com/envoyproxy/go-control-plane/envoy/type/matcher/v3"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

// healthCheckFilter answers --healthz locally for any method when :path equals the path exactly
// (the query string is part of :path, so `/healthz?x=1` goes on to the routes).
func healthCheckFilter(p *plan) (proto.Message, error) {
	if p.cfg.Healthz == "" {
		return nil, nil
	}
	return &healthv3.HealthCheck{
		PassThroughMode: wrapperspb.Bool(false),
		Headers: []*routev3.HeaderMatcher{{
			Name: ":path",
			HeaderMatchSpecifier: &routev3.HeaderMatcher_StringMatch{StringMatch: &matcherv3.StringMatcher{
				MatchPattern: &matcherv3.StringMatcher_Exact{Exact: healthzPath(p.cfg.Healthz)},
			}},
		}},
	}, nil
}

// healthzPath accepts --healthz with or without its leading slash, as ESPv2 does.
func healthzPath(h string) string {
	if h != "" && h[0] != '/' {
		return "/" + h
	}
	return h
}
