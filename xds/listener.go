package xds

import (
	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	listenerv3 "github.com/envoyproxy/go-control-plane/envoy/config/listener/v3"
	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	hcmv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
	tlsv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/transport_sockets/tls/v3"
	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

// listener is the one ingress listener: HTTP/1.1 and h2c on one port, with the HTTP connection
// manager as its only network filter.
func listener(p *plan, rc *routev3.RouteConfiguration) (*listenerv3.Listener, error) {
	m, err := httpConnectionManager(p, rc)
	if err != nil {
		return nil, err
	}
	a, err := anyOf(m)
	if err != nil {
		return nil, err
	}
	chain := &listenerv3.FilterChain{
		Filters: []*listenerv3.Filter{{
			Name:       "envoy.filters.network.http_connection_manager",
			ConfigType: &listenerv3.Filter_TypedConfig{TypedConfig: a},
		}},
	}
	if dir := p.opts.ServerCertPath; dir != "" {
		ts, err := downstreamTLS(dir)
		if err != nil {
			return nil, err
		}
		chain.TransportSocket = ts
	}
	return &listenerv3.Listener{
		Name:         ListenerName,
		Address:      socketAddress(p.opts.ListenerAddress, p.opts.ListenerPort),
		FilterChains: []*listenerv3.FilterChain{chain},
	}, nil
}

// downstreamTLS serves TLS with the certificate in dir, HTTP/2 and HTTP/1.1 through ALPN.
func downstreamTLS(dir string) (*corev3.TransportSocket, error) {
	a, err := anyOf(&tlsv3.DownstreamTlsContext{CommonTlsContext: &tlsv3.CommonTlsContext{
		TlsCertificates: []*tlsv3.TlsCertificate{certificate(dir, "server", "nginx")},
		AlpnProtocols:   []string{"h2", "http/1.1"},
	}})
	if err != nil {
		return nil, err
	}
	return &corev3.TransportSocket{Name: "envoy.transport_sockets.tls", ConfigType: &corev3.TransportSocket_TypedConfig{TypedConfig: a}}, nil
}

// httpConnectionManager carries ESPv2's listener settings (proxy-behavior.md section 1).
func httpConnectionManager(p *plan, rc *routev3.RouteConfiguration) (*hcmv3.HttpConnectionManager, error) {
	filters, err := httpFilters(p)
	if err != nil {
		return nil, err
	}
	o := p.opts
	underscores := corev3.HttpProtocolOptions_REJECT_REQUEST
	if o.UnderscoresInHeaders {
		underscores = corev3.HttpProtocolOptions_ALLOW
	}
	m := &hcmv3.HttpConnectionManager{
		CodecType:                    hcmv3.HttpConnectionManager_AUTO,
		StatPrefix:                   statPrefix,
		HttpFilters:                  filters,
		UpgradeConfigs:               []*hcmv3.HttpConnectionManager_UpgradeConfig{{UpgradeType: "websocket"}},
		NormalizePath:                wrapperspb.Bool(!o.DisableNormalizePath),
		MergeSlashes:                 !o.DisableMergeSlashes,
		UseRemoteAddress:             wrapperspb.Bool(o.EnvoyUseRemoteAddress),
		XffNumTrustedHops:            o.XFFNumTrustedHops,
		PathWithEscapedSlashesAction: hcmv3.HttpConnectionManager_KEEP_UNCHANGED,
		CommonHttpProtocolOptions: &corev3.HttpProtocolOptions{
			HeadersWithUnderscoresAction: underscores,
		},
		// gRPC clients over HTTP/1.1 need trailers.
		HttpProtocolOptions: &corev3.Http1ProtocolOptions{EnableTrailers: true},
		LocalReplyConfig:    localReplyConfig(),
	}
	if p.apiKeysChecked() {
		m.LocalReplyConfig.Mappers = append(m.LocalReplyConfig.Mappers, apiKeyReplyMapper())
	}
	if o.RouteSource == RouteFromADS {
		m.RouteSpecifier = &hcmv3.HttpConnectionManager_Rds{Rds: &hcmv3.Rds{
			RouteConfigName: rc.GetName(),
			ConfigSource:    adsConfigSource(),
		}}
	} else {
		m.RouteSpecifier = &hcmv3.HttpConnectionManager_RouteConfig{RouteConfig: rc}
	}
	return m, nil
}

// localReplyConfig makes every reply Envoy produces itself (404, 405, JWT failures, 503...)
// ESPv2's JSON body {"code": <status>, "message": "<text>"} (headers-and-errors.md 1.1).
func localReplyConfig() *hcmv3.LocalReplyConfig {
	return &hcmv3.LocalReplyConfig{
		BodyFormat: &corev3.SubstitutionFormatString{
			Format: &corev3.SubstitutionFormatString_JsonFormat{JsonFormat: &structpb.Struct{Fields: map[string]*structpb.Value{
				"code":    structpb.NewStringValue("%RESPONSE_CODE%"),
				"message": structpb.NewStringValue("%LOCAL_REPLY_BODY%"),
			}}},
		},
	}
}

// adsConfigSource points at the aggregated stream the resource itself came from.
func adsConfigSource() *corev3.ConfigSource {
	return &corev3.ConfigSource{
		ResourceApiVersion:    corev3.ApiVersion_V3,
		ConfigSourceSpecifier: &corev3.ConfigSource_Ads{Ads: &corev3.AggregatedConfigSource{}},
	}
}
