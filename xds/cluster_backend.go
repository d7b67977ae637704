package xds

import clusterv3 "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"

// backendCluster is the cluster for one backend address (or the local --backend): TLS when the
// scheme ends in "s", HTTP/2 for grpc(s) and `protocol: h2`.
func backendCluster(p *plan, u upstream) (*clusterv3.Cluster, error) {
	return dnsCluster(p, u)
}
