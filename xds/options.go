package xds

import "time"

// RouteSource says how the listener finds its route configuration.
type RouteSource int

const (
	// RouteInline puts the route configuration inside the listener (static bootstrap).
	RouteInline RouteSource = iota
	// RouteFromADS makes the listener ask for RouteConfigName over ADS (RDS through the
	// aggregated stream), as `espctl xds serve` serves it.
	RouteFromADS
)

// Options are the ESPv2 start-up flags that change the Envoy configuration (flags-espv2.md),
// plus where the routes come from. Start from DefaultOptions: a zero field that has an ESPv2
// default is filled in, but zero counts (retries, trusted hops) are taken as written.
type Options struct {
	RouteSource RouteSource

	// ListenerAddress and ListenerPort are --listener_address / --listener_port.
	ListenerAddress string
	ListenerPort    int
	// AdminPort is --admin_port (--status_port); 0 leaves the admin interface off. Only the
	// bootstrap uses it.
	AdminPort int

	// ClusterConnectTimeout is --cluster_connect_timeout.
	ClusterConnectTimeout time.Duration
	// DNSLookupFamily is --backend_dns_lookup_family: auto, v4only, v6only, v4preferred, all.
	DNSLookupFamily string
	// BackendRootCertsPath is --ssl_backend_client_root_certs_file, the CA bundle for TLS
	// backends and JWKS hosts.
	BackendRootCertsPath string
	// BackendClientCertPath is --ssl_backend_client_cert_path: a directory with client.crt and
	// client.key presented to TLS backends (backend.crt/backend.key under /etc/nginx/ssl).
	BackendClientCertPath string
	// ServerCertPath is --ssl_server_cert_path: a directory with server.crt and server.key; the
	// listener then serves TLS only (nginx.crt/nginx.key under /etc/nginx/ssl).
	ServerCertPath string
	// BackendRetryOns, BackendRetryNum and BackendRetryOnStatusCodes are --backend_retry_ons,
	// --backend_retry_num and --backend_retry_on_status_codes.
	BackendRetryOns           string
	BackendRetryNum           uint32
	BackendRetryOnStatusCodes []uint32

	// DisallowColonInWildcardPathSegment is --disallow_colon_in_wildcard_path_segment.
	DisallowColonInWildcardPathSegment bool
	// DisableNormalizePath, DisableMergeSlashes, UnderscoresInHeaders, EnvoyUseRemoteAddress and
	// XFFNumTrustedHops are the listener flags of the same names.
	DisableNormalizePath  bool
	DisableMergeSlashes   bool
	UnderscoresInHeaders  bool
	EnvoyUseRemoteAddress bool
	XFFNumTrustedHops     uint32

	// JWKSCacheDuration is --jwks_cache_duration_in_s; HTTPRequestTimeout is
	// --http_request_timeout_s, the timeout for JWKS fetches.
	JWKSCacheDuration  time.Duration
	HTTPRequestTimeout time.Duration

	CORS        CORSOptions
	Transcoding TranscodingOptions
}

// CORSOptions are the --cors_* flags; Preset "" turns CORS off.
type CORSOptions struct {
	Preset           string // "basic" or "cors_with_regex"
	AllowOrigin      string
	AllowOriginRegex string
	AllowMethods     string
	AllowHeaders     string
	ExposeHeaders    string
	AllowCredentials bool
	MaxAge           time.Duration
}

// TranscodingOptions are the --transcoding_* flags.
type TranscodingOptions struct {
	AlwaysPrintPrimitiveFields   bool
	AlwaysPrintEnumsAsInts       bool
	StreamNewlineDelimited       bool
	CaseInsensitiveEnumParsing   bool
	PreserveProtoFieldNames      bool
	IgnoreQueryParameters        []string
	IgnoreUnknownQueryParameters bool
	DisableUnescapePlus          bool
	MatchUnregisteredCustomVerb  bool
}

// DefaultOptions returns ESPv2's defaults (src/go/options/configgenerator.go, start_proxy.py).
func DefaultOptions() Options {
	return Options{
		ListenerAddress:       "0.0.0.0",
		ListenerPort:          8080,
		ClusterConnectTimeout: 20 * time.Second,
		DNSLookupFamily:       "v4preferred",
		BackendRootCertsPath:  "/etc/ssl/certs/ca-certificates.crt",
		BackendRetryOns:       "reset,connect-failure,refused-stream",
		BackendRetryNum:       1,
		XFFNumTrustedHops:     2,
		JWKSCacheDuration:     300 * time.Second,
		HTTPRequestTimeout:    30 * time.Second,
		CORS:                  defaultCORS(),
	}
}

func defaultCORS() CORSOptions {
	return CORSOptions{
		AllowOrigin:   "*",
		AllowMethods:  "GET, POST, PUT, PATCH, DELETE, OPTIONS",
		AllowHeaders:  "DNT,User-Agent,X-User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range,Authorization",
		ExposeHeaders: "Content-Length,Content-Range",
		MaxAge:        480 * time.Hour,
	}
}

// withDefaults fills the fields whose zero value means "not given".
func (o Options) withDefaults() Options {
	d := DefaultOptions()
	if o.ListenerAddress == "" {
		o.ListenerAddress = d.ListenerAddress
	}
	if o.ListenerPort == 0 {
		o.ListenerPort = d.ListenerPort
	}
	if o.ClusterConnectTimeout <= 0 {
		o.ClusterConnectTimeout = d.ClusterConnectTimeout
	}
	if o.DNSLookupFamily == "" {
		o.DNSLookupFamily = d.DNSLookupFamily
	}
	if o.BackendRootCertsPath == "" {
		o.BackendRootCertsPath = d.BackendRootCertsPath
	}
	if o.JWKSCacheDuration <= 0 {
		o.JWKSCacheDuration = d.JWKSCacheDuration
	}
	if o.HTTPRequestTimeout <= 0 {
		o.HTTPRequestTimeout = d.HTTPRequestTimeout
	}
	c, dc := &o.CORS, d.CORS
	if c.AllowOrigin == "" {
		c.AllowOrigin = dc.AllowOrigin
	}
	if c.AllowMethods == "" {
		c.AllowMethods = dc.AllowMethods
	}
	if c.AllowHeaders == "" {
		c.AllowHeaders = dc.AllowHeaders
	}
	if c.ExposeHeaders == "" {
		c.ExposeHeaders = dc.ExposeHeaders
	}
	if c.MaxAge <= 0 {
		c.MaxAge = dc.MaxAge
	}
	return o
}
