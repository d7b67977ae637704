// Package xds turns a translate.Config into Envoy v3 resources: one listener with the HTTP
// connection manager and ESPv2's filter chain, one route configuration in ESPv2's route
// precedence, and one cluster per backend address and per JWKS host. The same resources feed a
// static bootstrap (`espctl envoy`) and the ADS server (`espctl xds serve`, package xds/server).
//
// The work is split the way ESPv2's configgenerator splits it: one generator per HTTP filter
// (filter_*.go), per route kind (route_*.go) and per cluster kind (cluster_*.go). Each generator
// is small, returns nothing when its feature is off, and is tested alone. Every resource this
// package returns has passed ValidateAll().
package xds

import (
	"fmt"

	clusterv3 "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	listenerv3 "github.com/envoyproxy/go-control-plane/envoy/config/listener/v3"
	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"

	"github.com/espctl/espctl/translate"
)

// Names shared by the generated resources; ESPv2 uses the same ones, so dashboards and admin
// queries written for ESPv2 keep working.
const (
	ListenerName    = "ingress_listener"
	RouteConfigName = "local_route"
	VirtualHostName = "backend"
	statPrefix      = "ingress_http"
)

// Resources are the Envoy resources for one service, each list in a stable order.
type Resources struct {
	Listeners []*listenerv3.Listener
	Routes    []*routev3.RouteConfiguration
	Clusters  []*clusterv3.Cluster
}

// Generate builds and validates the resources for cfg. The listener refers to its route
// configuration by name through ADS when opts.RouteSource is RouteFromADS, and carries it inline
// otherwise (static bootstrap).
func Generate(cfg *translate.Config, opts Options) (*Resources, error) {
	if cfg == nil {
		return nil, fmt.Errorf("no config")
	}
	opts = opts.withDefaults()
	plan, err := newPlan(cfg, opts)
	if err != nil {
		return nil, err
	}
	rc, err := routeConfiguration(plan)
	if err != nil {
		return nil, fmt.Errorf("routes: %w", err)
	}
	lis, err := listener(plan, rc)
	if err != nil {
		return nil, fmt.Errorf("listener: %w", err)
	}
	clusters, err := clusters(plan)
	if err != nil {
		return nil, fmt.Errorf("clusters: %w", err)
	}
	res := &Resources{Listeners: []*listenerv3.Listener{lis}, Routes: []*routev3.RouteConfiguration{rc}, Clusters: clusters}
	if err := res.Validate(); err != nil {
		return nil, err
	}
	if err := res.checkReferences(); err != nil {
		return nil, err
	}
	return res, nil
}

// Validate runs Envoy's generated validation on every resource.
func (r *Resources) Validate() error {
	for _, l := range r.Listeners {
		if err := l.ValidateAll(); err != nil {
			return fmt.Errorf("listener %s: %w", l.GetName(), err)
		}
	}
	for _, rc := range r.Routes {
		if err := rc.ValidateAll(); err != nil {
			return fmt.Errorf("route configuration %s: %w", rc.GetName(), err)
		}
	}
	for _, c := range r.Clusters {
		if err := c.ValidateAll(); err != nil {
			return fmt.Errorf("cluster %s: %w", c.GetName(), err)
		}
	}
	return nil
}
