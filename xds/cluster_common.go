package xds

import (
	"fmt"
	"path"
	"sort"
	"strings"

	clusterv3 "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	endpointv3 "github.com/envoyproxy/go-control-plane/envoy/config/endpoint/v3"
	tlsv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/transport_sockets/tls/v3"
	upstreamhttpv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/upstreams/http/v3"
	"google.golang.org/protobuf/types/known/durationpb"
)

// clusters returns the backend clusters, then the JWKS clusters, each group sorted by name.
func clusters(p *plan) ([]*clusterv3.Cluster, error) {
	var out []*clusterv3.Cluster
	for _, u := range p.backends {
		c, err := backendCluster(p, u)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	jwks, err := jwksClusters(p)
	if err != nil {
		return nil, err
	}
	return append(out, jwks...), nil
}

// dnsCluster is the cluster shape ESPv2 uses for every upstream: logical DNS (one connection
// pool per resolved address, re-resolved in the background), round robin, one endpoint.
func dnsCluster(p *plan, u upstream) (*clusterv3.Cluster, error) {
	family, ok := dnsFamilies[p.opts.DNSLookupFamily]
	if !ok {
		return nil, fmt.Errorf("unknown DNS lookup family %q: use one of auto, v4only, v6only, v4preferred, all", p.opts.DNSLookupFamily)
	}
	c := &clusterv3.Cluster{
		Name:                 u.name,
		ClusterDiscoveryType: &clusterv3.Cluster_Type{Type: clusterv3.Cluster_LOGICAL_DNS},
		ConnectTimeout:       durationpb.New(p.opts.ClusterConnectTimeout),
		LbPolicy:             clusterv3.Cluster_ROUND_ROBIN,
		DnsLookupFamily:      family,
		LoadAssignment: &endpointv3.ClusterLoadAssignment{
			ClusterName: u.name,
			Endpoints: []*endpointv3.LocalityLbEndpoints{{
				LbEndpoints: []*endpointv3.LbEndpoint{{
					HostIdentifier: &endpointv3.LbEndpoint_Endpoint{Endpoint: &endpointv3.Endpoint{
						Address: socketAddress(u.host, u.port),
					}},
				}},
			}},
		},
	}
	if u.tls {
		ts, err := upstreamTLS(p, u)
		if err != nil {
			return nil, err
		}
		c.TransportSocket = ts
	}
	if u.http2 {
		opts, err := anyOf(&upstreamhttpv3.HttpProtocolOptions{
			UpstreamProtocolOptions: &upstreamhttpv3.HttpProtocolOptions_ExplicitHttpConfig_{
				ExplicitHttpConfig: &upstreamhttpv3.HttpProtocolOptions_ExplicitHttpConfig{
					ProtocolConfig: &upstreamhttpv3.HttpProtocolOptions_ExplicitHttpConfig_Http2ProtocolOptions{
						Http2ProtocolOptions: &corev3.Http2ProtocolOptions{
							// ESPv2 2.41+: keepalive pings so idle gRPC connections survive NATs.
							ConnectionKeepalive: &corev3.KeepaliveSettings{
								Interval: durationpb.New(30e9),
								Timeout:  durationpb.New(10e9),
							},
						},
					},
				},
			},
		})
		if err != nil {
			return nil, err
		}
		c.TypedExtensionProtocolOptions = map[string]*anyMsg{"envoy.extensions.upstreams.http.v3.HttpProtocolOptions": opts}
	}
	return c, nil
}

var dnsFamilies = map[string]clusterv3.Cluster_DnsLookupFamily{
	"auto":        clusterv3.Cluster_AUTO,
	"v4only":      clusterv3.Cluster_V4_ONLY,
	"v6only":      clusterv3.Cluster_V6_ONLY,
	"v4preferred": clusterv3.Cluster_V4_PREFERRED,
	"all":         clusterv3.Cluster_ALL,
}

// upstreamTLS verifies the upstream against the CA bundle with SNI set to the host name; HTTP/2
// upstreams negotiate h2 through ALPN.
func upstreamTLS(p *plan, u upstream) (*corev3.TransportSocket, error) {
	ctx := &tlsv3.UpstreamTlsContext{
		Sni: u.host,
		CommonTlsContext: &tlsv3.CommonTlsContext{
			ValidationContextType: &tlsv3.CommonTlsContext_ValidationContext{
				ValidationContext: &tlsv3.CertificateValidationContext{
					TrustedCa: &corev3.DataSource{Specifier: &corev3.DataSource_Filename{Filename: p.opts.BackendRootCertsPath}},
				},
			},
		},
	}
	if u.http2 {
		ctx.CommonTlsContext.AlpnProtocols = []string{"h2"}
	}
	if dir := p.opts.BackendClientCertPath; dir != "" && !u.jwks {
		ctx.CommonTlsContext.TlsCertificates = []*tlsv3.TlsCertificate{certificate(dir, "client", "backend")}
	}
	a, err := anyOf(ctx)
	if err != nil {
		return nil, err
	}
	return &corev3.TransportSocket{
		Name:       "envoy.transport_sockets.tls",
		ConfigType: &corev3.TransportSocket_TypedConfig{TypedConfig: a},
	}, nil
}

func socketAddress(host string, port int) *corev3.Address {
	return &corev3.Address{Address: &corev3.Address_SocketAddress{SocketAddress: &corev3.SocketAddress{
		Address:       host,
		PortSpecifier: &corev3.SocketAddress_PortValue{PortValue: uint32(port)},
	}}}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// certificate is the <name>.crt / <name>.key pair in dir; ESPv2 reads <nginxName>.crt/.key
// instead when the directory is under /etc/nginx/ssl (ESPv1's layout).
func certificate(dir, name, nginxName string) *tlsv3.TlsCertificate {
	if strings.Contains(dir, "/etc/nginx/ssl") {
		name = nginxName
	}
	file := func(ext string) *corev3.DataSource {
		return &corev3.DataSource{Specifier: &corev3.DataSource_Filename{Filename: path.Join(dir, name+ext)}}
	}
	return &tlsv3.TlsCertificate{CertificateChain: file(".crt"), PrivateKey: file(".key")}
}
