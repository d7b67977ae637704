package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/espctl/espctl/output"
	"github.com/espctl/espctl/translate"
	"github.com/espctl/espctl/xds"
)

// The ESPv2 start-up flags that shape Envoy's configuration, spelled as start_proxy.py spells
// them so a migrated command line carries over.
const (
	listenerPortFlagName        = "listener_port"
	adminPortFlagName           = "admin_port"
	clusterConnectTimeoutFlag   = "cluster_connect_timeout"
	dnsLookupFamilyFlagName     = "backend_dns_lookup_family"
	backendRootCertsFlagName    = "ssl_backend_client_root_certs_file"
	backendRetryOnsFlagName     = "backend_retry_ons"
	backendRetryNumFlagName     = "backend_retry_num"
	backendRetryStatusFlagName  = "backend_retry_on_status_codes"
	disallowColonFlagName       = "disallow_colon_in_wildcard_path_segment"
	disableNormalizeFlagName    = "disable_normalize_path"
	disableMergeSlashesFlagName = "disable_merge_slashes_in_path"
	underscoresFlagName         = "underscores_in_headers"
	useRemoteAddressFlagName    = "envoy_use_remote_address"
	xffHopsFlagName             = "envoy_xff_num_trusted_hops"
	corsPresetFlagName          = "cors_preset"
	corsAllowOriginFlagName     = "cors_allow_origin"
	corsAllowOriginRegexFlag    = "cors_allow_origin_regex"
	corsAllowMethodsFlagName    = "cors_allow_methods"
	corsAllowHeadersFlagName    = "cors_allow_headers"
	corsExposeHeadersFlagName   = "cors_expose_headers"
	corsAllowCredentialsFlag    = "cors_allow_credentials"
	corsMaxAgeFlagName          = "cors_max_age"
	ignoreUnknownQueryFlagName  = "transcoding_ignore_unknown_query_parameters"
	ignoreQueryFlagName         = "transcoding_ignore_query_parameters"
	serverCertFlagName          = "ssl_server_cert_path"
	backendClientCertFlagName   = "ssl_backend_client_cert_path"
	printPrimitiveFlagName      = "transcoding_always_print_primitive_fields"
	enumsAsIntsFlagName         = "transcoding_always_print_enums_as_ints"
	streamNewlineFlagName       = "transcoding_stream_newline_delimited"
	caseInsensitiveEnumFlagName = "transcoding_case_insensitive_enum_parsing"
	preserveNamesFlagName       = "transcoding_preserve_proto_field_names"
	disableUnescapePlusFlagName = "transcoding_query_parameters_disable_unescape_plus"
	unregisteredVerbFlagName    = "transcoding_match_unregistered_custom_verb"
)

// envoyFlags are the inputs of `espctl envoy` and `espctl xds serve`: what `espctl config`
// reads, plus the ESPv2 flags that change the Envoy configuration.
type envoyFlags struct {
	backend, healthz string
	gen              xds.Options
	connectTimeout   string
	retryStatusCodes string
	corsMaxAge       string
	ignoreQuery      string
}

func (f *envoyFlags) bind(fs *pflag.FlagSet) {
	d := xds.DefaultOptions()
	f.gen = d
	fs.StringVar(&f.backend, backendFlagName, "http://127.0.0.1:8082", "ESPv2 --backend: the local backend for methods without a backend rule address")
	fs.StringVar(&f.healthz, healthzFlagName, "", "ESPv2 --healthz: health-check path answered by Envoy, empty for none")
	fs.StringVar(&f.gen.ListenerAddress, listenerAddressFlagName, d.ListenerAddress, "address Envoy listens on")
	fs.IntVar(&f.gen.ListenerPort, listenerPortFlagName, d.ListenerPort, "port Envoy listens on (HTTP/1.1, h2c and gRPC)")
	fs.IntVar(&f.gen.AdminPort, adminPortFlagName, 0, "Envoy admin port on 127.0.0.1; 0 leaves it off")
	fs.StringVar(&f.connectTimeout, clusterConnectTimeoutFlag, "20s", "backend connect timeout")
	fs.StringVar(&f.gen.DNSLookupFamily, dnsLookupFamilyFlagName, d.DNSLookupFamily, "DNS family for backends: auto, v4only, v6only, v4preferred, all")
	fs.StringVar(&f.gen.BackendRootCertsPath, backendRootCertsFlagName, d.BackendRootCertsPath, "CA bundle for TLS backends and JWKS hosts")
	fs.StringVar(&f.gen.ServerCertPath, serverCertFlagName, "", "directory with server.crt and server.key: the listener serves TLS only")
	fs.StringVar(&f.gen.BackendClientCertPath, backendClientCertFlagName, "", "directory with client.crt and client.key presented to TLS backends")
	fs.StringVar(&f.gen.BackendRetryOns, backendRetryOnsFlagName, d.BackendRetryOns, "Envoy retry conditions toward backends")
	fs.Uint32Var(&f.gen.BackendRetryNum, backendRetryNumFlagName, d.BackendRetryNum, "retries toward backends")
	fs.StringVar(&f.retryStatusCodes, backendRetryStatusFlagName, "", "comma-separated HTTP status codes that are retried too")
	fs.BoolVar(&f.gen.DisallowColonInWildcardPathSegment, disallowColonFlagName, false, "wildcards in path templates do not match ':'")
	fs.BoolVar(&f.gen.DisableNormalizePath, disableNormalizeFlagName, false, "turn off RFC 3986 path normalization")
	fs.BoolVar(&f.gen.DisableMergeSlashes, disableMergeSlashesFlagName, false, "turn off merging of adjacent slashes")
	fs.BoolVar(&f.gen.UnderscoresInHeaders, underscoresFlagName, false, "accept header names with underscores (rejected by default)")
	fs.BoolVar(&f.gen.EnvoyUseRemoteAddress, useRemoteAddressFlagName, false, "use the connection's address as the client address")
	fs.Uint32Var(&f.gen.XFFNumTrustedHops, xffHopsFlagName, d.XFFNumTrustedHops, "trusted X-Forwarded-For hops")
	fs.StringVar(&f.gen.CORS.Preset, corsPresetFlagName, "", "turn on CORS: basic or cors_with_regex")
	fs.StringVar(&f.gen.CORS.AllowOrigin, corsAllowOriginFlagName, d.CORS.AllowOrigin, "allowed origin with --cors_preset=basic")
	fs.StringVar(&f.gen.CORS.AllowOriginRegex, corsAllowOriginRegexFlag, "", "allowed origins (RE2) with --cors_preset=cors_with_regex")
	fs.StringVar(&f.gen.CORS.AllowMethods, corsAllowMethodsFlagName, d.CORS.AllowMethods, "Access-Control-Allow-Methods")
	fs.StringVar(&f.gen.CORS.AllowHeaders, corsAllowHeadersFlagName, d.CORS.AllowHeaders, "Access-Control-Allow-Headers")
	fs.StringVar(&f.gen.CORS.ExposeHeaders, corsExposeHeadersFlagName, d.CORS.ExposeHeaders, "Access-Control-Expose-Headers")
	fs.BoolVar(&f.gen.CORS.AllowCredentials, corsAllowCredentialsFlag, false, "Access-Control-Allow-Credentials: true")
	fs.StringVar(&f.corsMaxAge, corsMaxAgeFlagName, "480h", "Access-Control-Max-Age, as a Go duration")
	fs.BoolVar(&f.gen.Transcoding.IgnoreUnknownQueryParameters, ignoreUnknownQueryFlagName, false, "transcoding drops query parameters that map to no field")
	fs.StringVar(&f.ignoreQuery, ignoreQueryFlagName, "", "comma-separated query parameters the transcoder ignores")
	t := &f.gen.Transcoding
	fs.BoolVar(&t.AlwaysPrintPrimitiveFields, printPrimitiveFlagName, false, "transcoded JSON keeps default-valued fields")
	fs.BoolVar(&t.AlwaysPrintEnumsAsInts, enumsAsIntsFlagName, false, "transcoded JSON prints enums as numbers")
	fs.BoolVar(&t.StreamNewlineDelimited, streamNewlineFlagName, false, "streamed responses as newline-delimited JSON")
	fs.BoolVar(&t.CaseInsensitiveEnumParsing, caseInsensitiveEnumFlagName, false, "accept enum names in any case")
	fs.BoolVar(&t.PreserveProtoFieldNames, preserveNamesFlagName, false, "transcoded JSON uses proto field names")
	fs.BoolVar(&t.DisableUnescapePlus, disableUnescapePlusFlagName, false, "do not turn '+' into a space in query values")
	fs.BoolVar(&t.MatchUnregisteredCustomVerb, unregisteredVerbFlagName, false, "treat a trailing :verb as a custom verb even if no template registers it")
}

// options finishes the flags that need parsing; errors are bad usage (exit 2).
func (f *envoyFlags) options() (xds.Options, translate.Options, error) {
	o := f.gen
	var err error
	if o.ClusterConnectTimeout, err = time.ParseDuration(f.connectTimeout); err != nil || o.ClusterConnectTimeout <= 0 {
		return o, translate.Options{}, badInput(fmt.Errorf("--%s %q: want a positive duration like 20s", clusterConnectTimeoutFlag, f.connectTimeout))
	}
	if o.CORS.MaxAge, err = time.ParseDuration(f.corsMaxAge); err != nil || o.CORS.MaxAge <= 0 {
		return o, translate.Options{}, badInput(fmt.Errorf("--%s %q: want a positive duration like 480h", corsMaxAgeFlagName, f.corsMaxAge))
	}
	for _, s := range splitList(f.retryStatusCodes) {
		n, err := strconv.Atoi(s)
		if err != nil || n < 100 || n >= 600 {
			return o, translate.Options{}, badInput(fmt.Errorf("--%s: %q is not an HTTP status code in [100, 600)", backendRetryStatusFlagName, s))
		}
		o.BackendRetryOnStatusCodes = append(o.BackendRetryOnStatusCodes, uint32(n))
	}
	o.Transcoding.IgnoreQueryParameters = splitList(f.ignoreQuery)
	if len(o.Transcoding.IgnoreQueryParameters) > 0 && o.Transcoding.IgnoreUnknownQueryParameters {
		return o, translate.Options{}, badInput(fmt.Errorf("--%s cannot be used together with --%s", ignoreQueryFlagName, ignoreUnknownQueryFlagName))
	}
	switch o.CORS.Preset {
	case "", "basic":
	case "cors_with_regex":
		if o.CORS.AllowOriginRegex == "" {
			return o, translate.Options{}, badInput(fmt.Errorf("cors_allow_origin_regex cannot be empty when cors_preset=cors_with_regex"))
		}
	default:
		return o, translate.Options{}, badInput(fmt.Errorf(`cors_preset must be either "basic" or "cors_with_regex"`))
	}
	return o, translate.Options{Backend: f.backend, Healthz: f.healthz}, nil
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

type envoyCommandFlags struct {
	api   apiInputFlags
	envoy envoyFlags
}

func newEnvoyCommand(c *cli) *cobra.Command {
	f := &envoyCommandFlags{}
	cmd := &cobra.Command{
		Use:   "envoy [api_config.yaml ...] [--descriptor api_descriptor.pb | --proto file.proto -I dir] | --service_json_path service.json",
		Short: "Print a static Envoy bootstrap for a config",
		Long: `envoy reads an API config like espctl config does and prints a complete static Envoy
bootstrap for it (envoy -c ready): one listener with ESPv2's filter chain (CORS, health check,
JWT authn, gRPC-Web, gRPC-JSON transcoder, router), the routes in ESPv2's precedence with
per-route deadlines, path translation and the 404/405 replies, and a cluster per backend
address and JWKS host. Every resource passes Envoy's own validation rules.

The ESPv2 start-up flags that shape the Envoy config keep their ESPv2 names (--listener_port,
--cors_preset, --backend_retry_ons, ...). Text output is YAML; -o json prints JSON. The output
is deterministic: the same inputs print the same bytes.

What ESPv2 runs through Google's services (API keys, quota, reports, backend ID tokens) has no
stock Envoy filter and is left out; docs/xds.md lists every difference. To feed a fleet of
Envoys instead of one, use espctl xds serve.`,
		Example: `  # A gRPC API behind a local gRPC server
  espctl envoy api_config.yaml --descriptor api_descriptor.pb --backend grpc://127.0.0.1:50051 > envoy.yaml
  envoy -c envoy.yaml

  # An OpenAPI spec, with CORS and a health check, as JSON
  espctl envoy openapi.yaml --cors_preset basic --healthz /healthz -o json`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runEnvoy(c, f, args)
		},
	}
	f.api.bind(cmd.Flags())
	f.envoy.bind(cmd.Flags())
	return cmd
}

func runEnvoy(c *cli, f *envoyCommandFlags, args []string) error {
	format, err := c.format()
	if err != nil {
		return err
	}
	gen, topts, err := f.envoy.options()
	if err != nil {
		return err
	}
	cfg, err := loadEnvoyConfig(c, &f.api, args, topts)
	if err != nil {
		return err
	}
	res, err := xds.Generate(cfg, gen)
	if err != nil {
		return invalid(err)
	}
	boot, err := xds.StaticBootstrap(res, gen)
	if err != nil {
		return invalid(err)
	}
	raw, err := xds.JSON(boot)
	if err != nil {
		return invalid(err)
	}
	if format == output.Text {
		format = output.YAML
	}
	return output.Write(c.stdout, format, raw, nil)
}

// loadEnvoyConfig is the input side shared by envoy and xds serve: load the API config, print its
// diagnostics to stderr, and build the normalized config.
func loadEnvoyConfig(c *cli, api *apiInputFlags, args []string, topts translate.Options) (*translate.Config, error) {
	res, err := loadAPI(api, args)
	if err != nil {
		return nil, err
	}
	fmt.Fprint(c.stderr, res.Diagnostics.Text())
	if res.Diagnostics.HasErrors() {
		return nil, invalid(fmt.Errorf("the API config is invalid; `espctl validate` shows the same diagnostics"))
	}
	cfg, err := translate.Build(res.Service, res.Descriptors, topts)
	if err != nil {
		return nil, invalid(err)
	}
	return cfg, nil
}
