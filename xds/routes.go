package xds

import (
	"fmt"

	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"

	"github.com/espctl/espctl/translate"
)

// routeConfiguration is the route table in ESPv2's order (proxy-behavior.md section 3):
//
//  1. Config.Routes as given (API routes, gRPC paths, allow_cors OPTIONS routes and the health
//     route, already in precedence order), each matching its path and :method;
//  2. with --cors_preset: the preflight route, then OPTIONS -> 400;
//  3. one 405 route per distinct path of step 1;
//  4. everything else -> 404.
//
// The first match wins, so a request falls through to the next template that matches with its
// method before any 405 is considered.
func routeConfiguration(p *plan) (*routev3.RouteConfiguration, error) {
	var routes []*routev3.Route
	var matched []matchedPath
	for i, r := range p.cfg.Routes {
		rs, mp, err := configRoutes(p, r)
		if err != nil {
			return nil, fmt.Errorf("route %d (%s %s): %w", i, r.Method, r.Pattern, err)
		}
		routes = append(routes, rs...)
		if mp != nil {
			matched = append(matched, *mp)
		}
	}
	routes = append(routes, corsPresetRoutes(p)...)
	routes = append(routes, methodNotAllowedRoutes(matched)...)
	routes = append(routes, notFoundRoute())

	vh := &routev3.VirtualHost{Name: VirtualHostName, Domains: []string{"*"}, Routes: routes}
	pol, err := corsPolicy(p)
	if err != nil {
		return nil, err
	}
	if pol != nil {
		a, err := anyOf(pol)
		if err != nil {
			return nil, err
		}
		vh.TypedPerFilterConfig = map[string]*anypb.Any{corsFilterName: a}
	}
	return &routev3.RouteConfiguration{Name: RouteConfigName, VirtualHosts: []*routev3.VirtualHost{vh}}, nil
}

// matchedPath is a path that gets a 405 route when no method matched it.
type matchedPath struct {
	pattern string
	match   pathMatch
}

// configRoutes builds the Envoy routes for one Config route, and the path its 405 route covers
// (nil for routes that accept every method, and for allow_cors routes, whose templates have
// their 405 route from their API route already).
func configRoutes(p *plan, r translate.Route) ([]*routev3.Route, *matchedPath, error) {
	tmpl, err := routeTemplate(r.Pattern, r.Template)
	if err != nil {
		return nil, nil, err
	}
	pm := matchFor(tmpl, p.opts.DisallowColonInWildcardPathSegment)
	var rs []*routev3.Route
	switch r.Kind {
	case translate.RouteHealthz:
		rs, err = healthRoutes(p, r, pm)
	case translate.RouteHTTP, translate.RouteGRPC, translate.RouteCORS:
		rs, err = backendRoutes(p, r, tmpl, pm)
	default:
		return nil, nil, fmt.Errorf("unknown route kind %q", r.Kind)
	}
	if err != nil {
		return nil, nil, err
	}
	if r.Method == "*" || r.Kind == translate.RouteCORS {
		return rs, nil, nil
	}
	return rs, &matchedPath{pattern: r.Pattern, match: pm}, nil
}

// withPerFilter attaches per-route filter configs, skipping nil ones.
func withPerFilter(rt *routev3.Route, configs map[string]proto.Message) error {
	for name, cfg := range configs {
		if cfg == nil {
			continue
		}
		a, err := anyOf(cfg)
		if err != nil {
			return err
		}
		if rt.TypedPerFilterConfig == nil {
			rt.TypedPerFilterConfig = map[string]*anypb.Any{}
		}
		rt.TypedPerFilterConfig[name] = a
	}
	return nil
}
