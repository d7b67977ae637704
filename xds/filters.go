package xds

import (
	"fmt"

	hcmv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
	"google.golang.org/protobuf/proto"
)

// Filter names that routes refer to in their per-route configs.
const (
	corsFilterName       = "envoy.filters.http.cors"
	jwtFilterName        = "envoy.filters.http.jwt_authn"
	transcoderFilterName = "envoy.filters.http.grpc_json_transcoder"
	apiKeyFilterName     = "envoy.filters.http.rbac"
)

// filterGenerator builds one HTTP filter. config returns (nil, nil) when the filter is not
// needed for this config; the filter is then left out of the chain.
type filterGenerator struct {
	name   string
	config func(p *plan) (proto.Message, error)
}

// filterOrder is ESPv2's filter chain (proxy-behavior.md section 2), with the filters that need
// Google's services or ESPv2's own Envoy build left out (docs/xds.md lists them). The order is
// the behaviour:
var filterOrder = []filterGenerator{
	// CORS first: preflights are answered before anything can reject them, and the CORS
	// headers are added even to auth failures.
	{corsFilterName, corsFilter},
	// Health checks are answered locally, without JWT or API-key checks.
	{"envoy.filters.http.health_check", healthCheckFilter},
	// JWT before everything that talks to a backend; JWT errors win over API-key errors.
	{jwtFilterName, jwtAuthnFilter},
	// Where ESPv2 runs Service Control: the missing-API-key check, after JWT so that JWT
	// errors win.
	{apiKeyFilterName, apiKeyFilter},
	// gRPC-Web is turned into gRPC before the transcoder looks at the content type, so a
	// gRPC-Web request passes the transcoder untouched.
	{"envoy.filters.http.grpc_web", grpcWebFilter},
	{transcoderFilterName, transcoderFilter},
	// The router sends the request upstream, so it must be last.
	{"envoy.filters.http.router", routerFilter},
}

// httpFilters runs every generator in order.
func httpFilters(p *plan) ([]*hcmv3.HttpFilter, error) {
	var out []*hcmv3.HttpFilter
	for _, g := range filterOrder {
		cfg, err := g.config(p)
		if err != nil {
			return nil, fmt.Errorf("filter %s: %w", g.name, err)
		}
		if cfg == nil {
			continue
		}
		a, err := anyOf(cfg)
		if err != nil {
			return nil, err
		}
		out = append(out, &hcmv3.HttpFilter{Name: g.name, ConfigType: &hcmv3.HttpFilter_TypedConfig{TypedConfig: a}})
	}
	return out, nil
}
