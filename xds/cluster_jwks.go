package xds

import (
	"fmt"
	"net"
	"net/url"
	"strconv"

	clusterv3 "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
)

// jwksClusters returns one cluster per JWKS host:port, sorted by name. Only providers that some
// method requires are fetched (an unused provider would only cost a fetch at start-up).
func jwksClusters(p *plan) ([]*clusterv3.Cluster, error) {
	seen := map[string]upstream{}
	for _, prov := range usedProviders(p) {
		u, err := jwksUpstream(prov.JWKSURI)
		if err != nil {
			return nil, fmt.Errorf("auth provider %s: %w", prov.ID, err)
		}
		seen[u.name] = u
	}
	var out []*clusterv3.Cluster
	for _, name := range sortedKeys(seen) {
		c, err := dnsCluster(p, seen[name])
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// jwksUpstream names the cluster that fetches a JWKS URI, as ESPv2 names it.
func jwksUpstream(uri string) (upstream, error) {
	if uri == "" {
		return upstream{}, fmt.Errorf("no jwks_uri: Envoy cannot run OpenID discovery; set jwks_uri in the provider")
	}
	u, err := url.Parse(uri)
	if err != nil {
		return upstream{}, fmt.Errorf("jwks_uri %q: %w", uri, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Hostname() == "" {
		return upstream{}, fmt.Errorf("jwks_uri %q: want an http or https URL", uri)
	}
	up := upstream{host: u.Hostname(), tls: u.Scheme == "https", jwks: true}
	up.port = 80
	if up.tls {
		up.port = 443
	}
	if ps := u.Port(); ps != "" {
		n, err := strconv.Atoi(ps)
		if err != nil || n <= 0 || n > 65535 {
			return upstream{}, fmt.Errorf("jwks_uri %q: bad port", uri)
		}
		up.port = n
	}
	up.name = "jwt-provider-cluster-" + net.JoinHostPort(up.host, strconv.Itoa(up.port))
	return up, nil
}
