package flags

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Options are ESPv2's start-up options after parsing and validation, as effective values: a
// flag that was not given has the value ESPv2 really uses (configmanager's default, not
// argparse's None), ESPv1-compatibility flags are folded into the modern ones
// (`--http_port` into ListenerPort, `-t` into SSLBackendClientCertPath, ...), and Backend
// always carries its scheme. Every flag, typed field or not, is also available by name through
// Value, so a new flag never needs a new field to be readable.
type Options struct {
	Service         string
	Version         string
	RolloutStrategy string // fixed or managed
	ServiceJSONPath string
	CheckMetadata   bool

	Backend                      string // with scheme: http, https, grpc or grpcs
	EnableBackendAddressOverride bool
	ListenerPort                 int // 8080 unless a port flag says otherwise
	// AdminPort is --status_port / --admin_port / -N: Envoy's admin port, 0 = off.
	AdminPort int
	Healthz   string // as given; ESPv2 adds the leading `/`

	SSLServerCertPath             string // directory; `/etc/nginx/ssl` from --ssl_port
	SSLServerCipherSuites         string
	SSLServerRootCertPath         string
	GenerateSelfSignedCert        bool
	SSLMinimumProtocol            string // TLSv1.0 .. TLSv1.3, "" = Envoy default
	SSLMaximumProtocol            string
	SSLBackendClientCertPath      string // directory with client.crt/client.key
	SSLBackendClientRootCertsFile string
	SSLBackendClientCipherSuites  string
	EnableStrictTransportSecurity bool

	HealthCheckGRPCBackend                  bool
	HealthCheckGRPCBackendService           string
	HealthCheckGRPCBackendInterval          time.Duration
	HealthCheckGRPCBackendNoTrafficInterval time.Duration

	AddRequestHeaders         []string // KEY=VALUE items
	AppendRequestHeaders      []string
	AddResponseHeaders        []string
	AppendResponseHeaders     []string
	EnableOperationNameHeader bool

	CorsPreset           string // "", basic or cors_with_regex
	CorsAllowOrigin      string
	CorsAllowOriginRegex string
	CorsAllowMethods     string
	CorsAllowHeaders     string
	CorsExposeHeaders    string
	CorsAllowCredentials bool
	CorsMaxAge           time.Duration

	UnderscoresInHeaders               bool
	DisableNormalizePath               bool
	DisableMergeSlashesInPath          bool
	DisallowEscapedSlashesInPath       bool
	DisallowColonInWildcardPathSegment bool
	EnvoyUseRemoteAddress              bool
	EnvoyXffNumTrustedHops             int // 2, or 0 on serverless

	HTTPRequestTimeoutS  int // ESPv2's own calls to Google services, default 30
	BackendRetryOns      string
	BackendRetryNum      int
	BackendPerTryTimeout time.Duration

	AccessLog       string
	AccessLogFormat string
	EnableDebug     bool
	// LogLevel is "debug" with --enable_debug, else "info".
	LogLevel string

	NonGCP                              bool
	ServiceAccountKey                   string
	EnableApplicationDefaultCredentials bool
	DisableTracing                      bool // also forced by --non_gcp without --tracing_project_id
	DNSResolverAddresses                string

	TranscodingAlwaysPrintPrimitiveFields         bool
	TranscodingAlwaysPrintEnumsAsInts             bool
	TranscodingStreamNewlineDelimited             bool
	TranscodingCaseInsensitiveEnumParsing         bool
	TranscodingPreserveProtoFieldNames            bool
	TranscodingIgnoreQueryParameters              string
	TranscodingIgnoreUnknownQueryParameters       bool
	TranscodingQueryParametersDisableUnescapePlus bool
	TranscodingMatchUnregisteredCustomVerb        bool
	EnableResponseCompression                     bool
	ServiceControlNetworkFailPolicy               string
	ServiceControlEnableAPIKeyUIDReporting        bool

	values map[string]any
	given  map[string]bool
}

// StatusPort is AdminPort under its first name.
func (o *Options) StatusPort() int { return o.AdminPort }

// Value returns any flag's effective value by long name (without dashes; `admin_port` works
// too): string, int, float64, bool or []string. ok is false for a name ESPv2 does not have.
func (o *Options) Value(name string) (v any, ok bool) {
	if f := ESPv2().Lookup(name); f != nil {
		name = f.Name
	}
	v, ok = o.values[name]
	if l, isList := v.([]string); isList {
		v = slices.Clone(l)
	}
	return v, ok
}

// IsSet reports whether the flag was given on the command line (directly, not through a
// compatibility flag).
func (o *Options) IsSet(name string) bool {
	if f := ESPv2().Lookup(name); f != nil {
		name = f.Name
	}
	return o.given[name]
}

// Values returns every ESPv2 flag's effective value keyed by long name without dashes, the
// shape of `options` in `espctl migrate flags -o json`.
func (o *Options) Values() map[string]any {
	out := maps.Clone(o.values)
	for k, v := range out {
		if l, ok := v.([]string); ok {
			out[k] = slices.Clone(l)
		}
	}
	return out
}

// DefaultOptions are the options of an ESPv2 started with no flags at all (which ESPv2 itself
// refuses, because rollout fixed needs --version; the defaults are still well defined).
func DefaultOptions() Options {
	o := buildOptions(namespace{}, noEnv)
	return *o
}

// ParseESPv2 parses an ESPv2 command line against the registry and runs ESPv2's start-up
// validation (flags-espv2.md section 3, first failure wins), then the value checks configmanager
// does later (backend scheme, CORS preset, DNS addresses). Errors name the flag. The process
// environment is read for GOOGLE_APPLICATION_CREDENTIALS, as start_proxy.py does.
func ParseESPv2(args []string) (*Options, error) {
	return parseESPv2(args, os.LookupEnv)
}

type lookupEnv func(string) (string, bool)

func noEnv(string) (string, bool) { return "", false }

func parseESPv2(args []string, env lookupEnv) (*Options, error) {
	parsed, err := Parse(ESPv2(), args, false)
	if err != nil {
		return nil, err
	}
	return optionsFromArgs(parsed, env)
}

// ErrHelp is returned when the command line asks for --help: ESPv2 prints its usage and exits
// 0 before any validation, so no options exist.
var ErrHelp = errors.New("--help: ESPv2 prints its usage and exits without starting")

func optionsFromArgs(parsed []Arg, env lookupEnv) (*Options, error) {
	for _, a := range parsed {
		if a.Flag != nil && a.Flag.Type == TypeHelp {
			return nil, ErrHelp
		}
	}
	ns := newNamespace(parsed)
	if err := validate(ns, env); err != nil {
		return nil, err
	}
	return buildOptions(ns, env), nil
}

// namespace is argparse's result: the flags that were given, with list flags collected and the
// last occurrence of every other flag kept.
type namespace map[string]any // string, bool or []string

func newNamespace(args []Arg) namespace {
	ns := namespace{}
	for _, a := range args {
		if a.Flag == nil {
			continue
		}
		name := a.Flag.Name
		switch {
		case a.Flag.Type == TypeList:
			l, _ := ns[name].([]string)
			ns[name] = append(l, a.Value)
		case !a.Flag.TakesValue():
			on := !a.Negated
			if a.HasValue {
				b, _ := parseBoolWord(a.Value)
				on = on && b
			}
			if a.Flag.Type == TypeNegBool {
				ns[name] = on
			} else if on {
				ns[name] = true
			} else {
				delete(ns, name)
			}
		default:
			ns[name] = a.Value
		}
	}
	return ns
}

// truthy is Python's truth test on the argparse value, which is what start_proxy.py checks:
// an empty string, 0 and an empty list count as "not given".
func (ns namespace) truthy(name string) bool {
	switch v := ns[name].(type) {
	case bool:
		return v
	case []string:
		return len(v) > 0
	case string:
		if v == "" {
			return false
		}
		if f := ESPv2().Lookup(name); f != nil && f.Type == TypeInt && isArgparseInt(name) {
			n, _ := strconv.Atoi(strings.TrimSpace(v))
			return n != 0
		}
		return true
	}
	return false
}

// isArgparseInt lists the flags argparse itself converts with int(), so that `0` is falsy.
func isArgparseInt(name string) bool {
	switch name {
	case "listener_port", "status_port", "http_port", "http2_port", "ssl_port", "http_request_timeout_s":
		return true
	}
	return false
}

func (ns namespace) str(name string) string {
	s, _ := ns[name].(string)
	return s
}

func (ns namespace) atoi(name string) int {
	n, _ := strconv.Atoi(strings.TrimSpace(ns.str(name)))
	return n
}

// buildOptions computes effective values; ns has passed validation (or is empty).
func buildOptions(ns namespace, env lookupEnv) *Options {
	reg := ESPv2()
	vals := map[string]any{}
	given := map[string]bool{}
	for _, f := range reg.Flags {
		if f.Type == TypeHelp {
			continue
		}
		_, given[f.Name] = ns[f.Name]
		vals[f.Name] = effectiveValue(f, ns)
	}
	// Compatibility flags and other rules start_proxy.py applies while building the argv.
	if ns.truthy("service_account_key") == false {
		if v, ok := env("GOOGLE_APPLICATION_CREDENTIALS"); ok && v != "" {
			vals["service_account_key"] = v
		}
	}
	vals["backend"] = withScheme(vals["backend"].(string))
	for _, p := range []string{"http_port", "http2_port", "listener_port", "ssl_port"} {
		if ns.truthy(p) {
			vals["listener_port"] = ns.atoi(p)
		}
	}
	if ns.truthy("ssl_port") {
		vals["ssl_server_cert_path"] = nginxSSLDir
	}
	if ns.truthy("dns") {
		vals["dns_resolver_addresses"] = ns.str("dns")
	}
	if ns.truthy("tls_mutual_auth") {
		vals["ssl_backend_client_cert_path"] = nginxSSLDir
	}
	if ns.truthy("ssl_client_cert_path") {
		vals["ssl_backend_client_cert_path"] = ns.str("ssl_client_cert_path")
	}
	if ns.truthy("enable_grpc_backend_ssl") && vals["grpc_backend_ssl_root_certs_file"] != "" {
		vals["ssl_backend_client_root_certs_file"] = vals["grpc_backend_ssl_root_certs_file"]
	}
	if ns.truthy("ssl_client_root_certs_file") {
		vals["ssl_backend_client_root_certs_file"] = ns.str("ssl_client_root_certs_file")
	}
	if l, _ := ns["ssl_protocols"].([]string); len(l) > 0 {
		sorted := slices.Sorted(slices.Values(l))
		vals["ssl_minimum_protocol"], vals["ssl_maximum_protocol"] = sorted[0], sorted[len(sorted)-1]
	}
	if ns.truthy("on_serverless") && !ns.truthy("envoy_xff_num_trusted_hops") && ns.str("envoy_xff_num_trusted_hops") == "" {
		vals["envoy_xff_num_trusted_hops"] = 0
	}
	if ns.truthy("non_gcp") && !ns.truthy("tracing_project_id") {
		vals["disable_tracing"] = true
	}
	if ns.truthy("disable_cloud_trace_auto_sampling") {
		vals["tracing_sample_rate"] = 0.0
	}
	if ns.truthy("http_request_timeout_s") == false {
		vals["http_request_timeout_s"] = 30 // `0` is dropped by start_proxy
	}

	o := &Options{values: vals, given: given}
	s := func(n string) string { v, _ := vals[n].(string); return v }
	b := func(n string) bool { v, _ := vals[n].(bool); return v }
	i := func(n string) int { v, _ := vals[n].(int); return v }
	l := func(n string) []string { v, _ := vals[n].([]string); return slices.Clone(v) }
	d := func(n string) time.Duration { v, _ := time.ParseDuration(s(n)); return v }

	o.Service, o.Version, o.RolloutStrategy, o.ServiceJSONPath = s("service"), s("version"), s("rollout_strategy"), s("service_json_path")
	o.CheckMetadata = b("check_metadata")
	o.Backend, o.EnableBackendAddressOverride = s("backend"), b("enable_backend_address_override")
	o.ListenerPort, o.AdminPort, o.Healthz = i("listener_port"), i("status_port"), s("healthz")
	o.SSLServerCertPath, o.SSLServerCipherSuites, o.SSLServerRootCertPath = s("ssl_server_cert_path"), s("ssl_server_cipher_suites"), s("ssl_server_root_cert_path")
	o.GenerateSelfSignedCert = b("generate_self_signed_cert")
	o.SSLMinimumProtocol, o.SSLMaximumProtocol = s("ssl_minimum_protocol"), s("ssl_maximum_protocol")
	o.SSLBackendClientCertPath, o.SSLBackendClientRootCertsFile, o.SSLBackendClientCipherSuites = s("ssl_backend_client_cert_path"), s("ssl_backend_client_root_certs_file"), s("ssl_backend_client_cipher_suites")
	o.EnableStrictTransportSecurity = b("enable_strict_transport_security")
	o.HealthCheckGRPCBackend, o.HealthCheckGRPCBackendService = b("health_check_grpc_backend"), s("health_check_grpc_backend_service")
	o.HealthCheckGRPCBackendInterval, o.HealthCheckGRPCBackendNoTrafficInterval = d("health_check_grpc_backend_interval"), d("health_check_grpc_backend_no_traffic_interval")
	o.AddRequestHeaders, o.AppendRequestHeaders = l("add_request_header"), l("append_request_header")
	o.AddResponseHeaders, o.AppendResponseHeaders = l("add_response_header"), l("append_response_header")
	o.EnableOperationNameHeader = b("enable_operation_name_header")
	o.CorsPreset, o.CorsAllowOrigin, o.CorsAllowOriginRegex = s("cors_preset"), s("cors_allow_origin"), s("cors_allow_origin_regex")
	o.CorsAllowMethods, o.CorsAllowHeaders, o.CorsExposeHeaders = s("cors_allow_methods"), s("cors_allow_headers"), s("cors_expose_headers")
	o.CorsAllowCredentials, o.CorsMaxAge = b("cors_allow_credentials"), d("cors_max_age")
	o.UnderscoresInHeaders, o.DisableNormalizePath, o.DisableMergeSlashesInPath = b("underscores_in_headers"), b("disable_normalize_path"), b("disable_merge_slashes_in_path")
	o.DisallowEscapedSlashesInPath, o.DisallowColonInWildcardPathSegment = b("disallow_escaped_slashes_in_path"), b("disallow_colon_in_wildcard_path_segment")
	o.EnvoyUseRemoteAddress, o.EnvoyXffNumTrustedHops = b("envoy_use_remote_address"), i("envoy_xff_num_trusted_hops")
	o.HTTPRequestTimeoutS = i("http_request_timeout_s")
	o.BackendRetryOns, o.BackendRetryNum, o.BackendPerTryTimeout = s("backend_retry_ons"), i("backend_retry_num"), d("backend_per_try_timeout")
	o.AccessLog, o.AccessLogFormat, o.EnableDebug = s("access_log"), s("access_log_format"), b("enable_debug")
	o.LogLevel = "info"
	if o.EnableDebug {
		o.LogLevel = "debug"
	}
	o.NonGCP, o.ServiceAccountKey, o.EnableApplicationDefaultCredentials = b("non_gcp"), s("service_account_key"), b("enable_application_default_credentials")
	o.DisableTracing, o.DNSResolverAddresses = b("disable_tracing"), s("dns_resolver_addresses")
	o.TranscodingAlwaysPrintPrimitiveFields = b("transcoding_always_print_primitive_fields")
	o.TranscodingAlwaysPrintEnumsAsInts = b("transcoding_always_print_enums_as_ints")
	o.TranscodingStreamNewlineDelimited = b("transcoding_stream_newline_delimited")
	o.TranscodingCaseInsensitiveEnumParsing = b("transcoding_case_insensitive_enum_parsing")
	o.TranscodingPreserveProtoFieldNames = b("transcoding_preserve_proto_field_names")
	o.TranscodingIgnoreQueryParameters = s("transcoding_ignore_query_parameters")
	o.TranscodingIgnoreUnknownQueryParameters = b("transcoding_ignore_unknown_query_parameters")
	o.TranscodingQueryParametersDisableUnescapePlus = b("transcoding_query_parameters_disable_unescape_plus")
	o.TranscodingMatchUnregisteredCustomVerb = b("transcoding_match_unregistered_custom_verb")
	o.EnableResponseCompression = b("enable_response_compression")
	o.ServiceControlNetworkFailPolicy = s("service_control_network_fail_policy")
	o.ServiceControlEnableAPIKeyUIDReporting = b("service_control_enable_api_key_uid_reporting")
	return o
}

// effectiveValue is the typed value of one flag: the given value, else the proxy's default.
func effectiveValue(f *Flag, ns namespace) any {
	if v, ok := ns[f.Name]; ok {
		switch f.Type {
		case TypeBool, TypeNegBool, TypeList:
			return v
		case TypeInt, TypeUint:
			n, err := strconv.Atoi(strings.TrimSpace(v.(string)))
			if err == nil && (n != 0 || !isArgparseInt(f.Name)) {
				return n
			}
		case TypeFloat:
			if x, err := strconv.ParseFloat(strings.TrimSpace(v.(string)), 64); err == nil {
				return x
			}
		default:
			if v.(string) != "" || f.Effective == nil {
				return v
			}
		}
	}
	def := f.Effective
	if def == nil {
		def = f.Default
	}
	if def != nil {
		if l, ok := def.([]string); ok {
			return slices.Clone(l)
		}
		return def
	}
	switch f.Type {
	case TypeBool, TypeNegBool:
		return false
	case TypeInt, TypeUint:
		return 0
	case TypeFloat:
		return 0.0
	case TypeList:
		return []string{}
	}
	return ""
}

// withScheme prefixes http:// when the value has no scheme, as start_proxy.py does.
func withScheme(backend string) string {
	if strings.Contains(backend, "://") {
		return backend
	}
	return "http://" + backend
}

// ValidationError is a combination or value ESPv2 would refuse at start-up.
type ValidationError struct {
	// Flag is the flag the error is about (with dashes).
	Flag string
	Msg  string
}

func (e *ValidationError) Error() string { return e.Msg }

func invalidf(flag, format string, args ...any) error {
	return &ValidationError{Flag: flag, Msg: fmt.Sprintf(format, args...)}
}

func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }
