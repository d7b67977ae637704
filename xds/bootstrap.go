package xds

import (
	"fmt"
	"net"
	"strconv"

	bootstrapv3 "github.com/envoyproxy/go-control-plane/envoy/config/bootstrap/v3"
	clusterv3 "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	"google.golang.org/protobuf/types/known/structpb"
)

// StaticBootstrap is a complete Envoy bootstrap (`envoy -c`) holding res as static resources.
// The admin interface listens on 127.0.0.1:<AdminPort> only when AdminPort is set.
func StaticBootstrap(res *Resources, opts Options) (*bootstrapv3.Bootstrap, error) {
	b := &bootstrapv3.Bootstrap{
		Node: &corev3.Node{Id: "espctl", Cluster: "espctl"},
		StaticResources: &bootstrapv3.Bootstrap_StaticResources{
			Listeners: res.Listeners,
			Clusters:  res.Clusters,
		},
		Admin: admin(opts),
	}
	if err := b.ValidateAll(); err != nil {
		return nil, fmt.Errorf("bootstrap: %w", err)
	}
	return b, nil
}

// ADSBootstrapOptions say how an Envoy finds `espctl xds serve` and which service it wants.
type ADSBootstrapOptions struct {
	// Server is the xDS server's host:port.
	Server string
	// NodeID identifies this Envoy; NodeCluster is its cluster name.
	NodeID, NodeCluster string
	// Service, when set, is put in the node metadata (`espctl_service`) to pick the service;
	// otherwise the server picks it by NodeCluster.
	Service   string
	AdminPort int
}

// ServiceMetadataKey is the node metadata key that picks a node's service.
const ServiceMetadataKey = "espctl_service"

// xdsClusterName is the static cluster pointing at the xDS server.
const xdsClusterName = "espctl_xds"

// ADSBootstrap is the bootstrap for an Envoy that gets everything else from `espctl xds serve`
// over one aggregated (ADS) gRPC stream.
func ADSBootstrap(o ADSBootstrapOptions) (*bootstrapv3.Bootstrap, error) {
	host, portText, err := net.SplitHostPort(o.Server)
	if err != nil {
		return nil, fmt.Errorf("xds server %q: want host:port", o.Server)
	}
	port, err := strconv.Atoi(portText)
	if err != nil || port <= 0 || port > 65535 {
		return nil, fmt.Errorf("xds server %q: bad port", o.Server)
	}
	node := &corev3.Node{Id: o.NodeID, Cluster: o.NodeCluster}
	if o.Service != "" {
		node.Metadata = &structpb.Struct{Fields: map[string]*structpb.Value{ServiceMetadataKey: structpb.NewStringValue(o.Service)}}
	}
	xdsCluster, err := dnsCluster(&plan{opts: DefaultOptions()}, upstream{name: xdsClusterName, host: host, port: port, http2: true})
	if err != nil {
		return nil, err
	}
	xdsCluster.ConnectTimeout = seconds(5)
	b := &bootstrapv3.Bootstrap{
		Node: node,
		DynamicResources: &bootstrapv3.Bootstrap_DynamicResources{
			AdsConfig: &corev3.ApiConfigSource{
				ApiType:             corev3.ApiConfigSource_GRPC,
				TransportApiVersion: corev3.ApiVersion_V3,
				GrpcServices: []*corev3.GrpcService{{
					TargetSpecifier: &corev3.GrpcService_EnvoyGrpc_{EnvoyGrpc: &corev3.GrpcService_EnvoyGrpc{ClusterName: xdsClusterName}},
				}},
				SetNodeOnFirstMessageOnly: true,
			},
			LdsConfig: adsConfigSource(),
			CdsConfig: adsConfigSource(),
		},
		StaticResources: &bootstrapv3.Bootstrap_StaticResources{Clusters: []*clusterv3.Cluster{xdsCluster}},
		Admin:           admin(Options{AdminPort: o.AdminPort}),
	}
	if err := b.ValidateAll(); err != nil {
		return nil, fmt.Errorf("bootstrap: %w", err)
	}
	return b, nil
}

func admin(opts Options) *bootstrapv3.Admin {
	if opts.AdminPort <= 0 {
		return nil
	}
	return &bootstrapv3.Admin{Address: socketAddress("127.0.0.1", opts.AdminPort)}
}
