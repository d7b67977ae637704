package xds

import (
	"fmt"

	jwtv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/jwt_authn/v3"
	hcmv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
)

// checkReferences makes sure every cluster a route or a JWT provider names exists. Envoy
// rejects a route configuration that names an unknown cluster, and ValidateAll checks each
// resource alone, so this cross-resource check is what keeps a bad snapshot from being served.
func (r *Resources) checkReferences() error {
	clusters := map[string]bool{}
	for _, c := range r.Clusters {
		clusters[c.GetName()] = true
	}
	for _, rc := range r.Routes {
		for _, vh := range rc.GetVirtualHosts() {
			for i, rt := range vh.GetRoutes() {
				if name := rt.GetRoute().GetCluster(); name != "" && !clusters[name] {
					return fmt.Errorf("route %d of %s names cluster %s, which does not exist", i, rc.GetName(), name)
				}
			}
		}
	}
	for _, l := range r.Listeners {
		for _, fc := range l.GetFilterChains() {
			for _, f := range fc.GetFilters() {
				var m hcmv3.HttpConnectionManager
				if f.GetTypedConfig().UnmarshalTo(&m) != nil {
					continue
				}
				for _, hf := range m.GetHttpFilters() {
					var ja jwtv3.JwtAuthentication
					if hf.GetTypedConfig().UnmarshalTo(&ja) != nil {
						continue
					}
					for id, p := range ja.GetProviders() {
						if name := p.GetRemoteJwks().GetHttpUri().GetCluster(); !clusters[name] {
							return fmt.Errorf("JWT provider %s names cluster %s, which does not exist", id, name)
						}
					}
				}
			}
		}
	}
	return nil
}
