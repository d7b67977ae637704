package flags

import "sync"

// ESPv2 returns the registry of every ESPv2 `start_proxy.py` flag (112 + --help), in the order
// of make_argparser (GoogleCloudPlatform/esp-v2@3dcedb6f, release 2.55.x; flags-espv2.md
// section 2). Default is the argparse default; Effective is what configmanager uses when the
// flag is absent, which is what Options and Result.Options report.
var ESPv2 = sync.OnceValue(func() *Registry { return newRegistry("ESPv2", espv2Flags()) })

// Defaults that several places need.
const (
	defaultESPv2Backend     = "http://127.0.0.1:8082"
	defaultListenerPort     = 8080
	espv2CORSAllowHeaders   = "DNT,User-Agent,X-User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range,Authorization"
	defaultCORSAllowMethods = "GET, POST, PUT, PATCH, DELETE, OPTIONS"
	nginxSSLDir             = "/etc/nginx/ssl"
)

var tlsVersions = []string{"TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"}

func espv2Flags() []*Flag {
	str := func(name, meaning string, effective any) *Flag {
		return &Flag{Name: name, Type: TypeString, Meaning: meaning, Effective: effective}
	}
	boolean := func(name, meaning string) *Flag {
		return &Flag{Name: name, Type: TypeBool, Default: false, Meaning: meaning}
	}
	typed := func(name string, t Type, meaning string, effective any) *Flag {
		return &Flag{Name: name, Type: t, Meaning: meaning, Effective: effective}
	}
	return []*Flag{
		{Name: "help", Short: "h", Type: TypeHelp, Meaning: "print usage and exit"},
		{Name: "service", Short: "s", Type: TypeString, Default: "", Meaning: "Endpoints service name"},
		{Name: "version", Short: "v", Type: TypeString, Default: "", Meaning: "service config ID (required for rollout fixed)"},
		str("service_json_path", "load the service config from a local JSON file (needs rollout fixed)", ""),
		{Name: "backend", Short: "a", Type: TypeString, Default: defaultESPv2Backend, Meaning: "local backend address: http, https, grpc or grpcs URI"},
		boolean("enable_backend_address_override", "let --backend win over backend.rules.address"),
		typed("listener_port", TypeInt, "downstream port for HTTP/1.x, HTTP/2 and gRPC (TLS with a server cert)", defaultListenerPort),
		{Name: "status_port", Short: "N", Aliases: []string{"admin_port"}, Type: TypeInt, Default: 0, Meaning: "Envoy admin port; 0 turns admin off"},
		str("ssl_server_cert_path", "directory with server.crt/server.key (nginx.crt/nginx.key under /etc/nginx/ssl); listener becomes TLS-only", ""),
		str("ssl_server_cipher_suites", "downstream TLS cipher suites", ""),
		str("ssl_server_root_cert_path", "CA file to verify client certificates (downstream mTLS)", ""),
		str("ssl_backend_client_cert_path", "directory with client.crt/client.key (backend.crt/backend.key under /etc/nginx/ssl) for backend mTLS", ""),
		str("ssl_backend_client_root_certs_file", "CA bundle to verify TLS backends", "/etc/ssl/certs/ca-certificates.crt"),
		str("ssl_backend_client_cipher_suites", "cipher suites toward TLS backends", ""),
		{Name: "ssl_minimum_protocol", Type: TypeChoice, Choices: tlsVersions, Meaning: "minimum downstream TLS version", Effective: ""},
		{Name: "ssl_maximum_protocol", Type: TypeChoice, Choices: tlsVersions, Meaning: "maximum downstream TLS version", Effective: ""},
		boolean("enable_strict_transport_security", "HSTS header on all responses"),
		boolean("generate_self_signed_cert", "create a self-signed cert at start; the listener becomes TLS"),
		{Name: "healthz", Short: "z", Type: TypeString, Meaning: "health-check path on the listener (GET, exact match)", Effective: ""},
		boolean("health_check_grpc_backend", "poll the backend's gRPC health service (needs a grpc backend)"),
		str("health_check_grpc_backend_service", "service name in the gRPC health request", ""),
		typed("health_check_grpc_backend_interval", TypeDuration, "gRPC health check interval", "1s"),
		typed("health_check_grpc_backend_no_traffic_interval", TypeDuration, "gRPC health check interval while idle", "60s"),
		{Name: "add_request_header", Type: TypeList, Meaning: "set a request header KEY=VALUE toward the backend (repeatable)", Effective: []string{}},
		{Name: "append_request_header", Type: TypeList, Meaning: "append a request header KEY=VALUE (repeatable)", Effective: []string{}},
		{Name: "add_response_header", Type: TypeList, Meaning: "set a response header KEY=VALUE (repeatable)", Effective: []string{}},
		{Name: "append_response_header", Type: TypeList, Meaning: "append a response header KEY=VALUE (repeatable)", Effective: []string{}},
		boolean("enable_operation_name_header", "send X-Endpoint-API-Operation-Name to the backend"),
		{Name: "rollout_strategy", Short: "R", Type: TypeChoice, Choices: []string{"fixed", "managed"}, Default: "fixed", Meaning: "config rollout mode (managed follows new rollouts)"},
		{Name: "management", Short: "g", Type: TypeString, Hidden: true, Meaning: "Service Management URL", Effective: "https://servicemanagement.googleapis.com"},
		str("cors_preset", "turn on CORS: basic or cors_with_regex", ""),
		{Name: "cors_allow_origin", Type: TypeString, Default: "*", Meaning: "basic: allowed origin (exact match)"},
		{Name: "cors_allow_origin_regex", Type: TypeString, Default: "", Meaning: "cors_with_regex: allowed origins (RE2, whole string)"},
		{Name: "cors_allow_methods", Type: TypeString, Default: defaultCORSAllowMethods, Meaning: "Access-Control-Allow-Methods"},
		{Name: "cors_allow_headers", Type: TypeString, Default: espv2CORSAllowHeaders, Meaning: "Access-Control-Allow-Headers"},
		{Name: "cors_expose_headers", Type: TypeString, Default: "Content-Length,Content-Range", Meaning: "Access-Control-Expose-Headers"},
		boolean("cors_allow_credentials", "Access-Control-Allow-Credentials: true"),
		{Name: "cors_max_age", Type: TypeDuration, Default: "480h", Meaning: "Access-Control-Max-Age (Go duration)"},
		boolean("check_metadata", "read the service name from instance metadata"),
		boolean("underscores_in_headers", "allow _ in header names (else the request is rejected)"),
		boolean("disable_normalize_path", "turn off RFC 3986 path normalization"),
		boolean("disable_merge_slashes_in_path", "turn off merging of adjacent slashes"),
		boolean("disallow_escaped_slashes_in_path", "redirect or reject %2F / %5C in paths"),
		boolean("envoy_use_remote_address", "Envoy use_remote_address"),
		typed("envoy_xff_num_trusted_hops", TypeInt, "Envoy xff_num_trusted_hops (0 on serverless)", 2),
		typed("envoy_connection_buffer_limit_bytes", TypeInt, "per-connection buffer limit (-1: Envoy decides)", -1),
		str("log_request_headers", "request headers to log via Service Control", ""),
		str("log_response_headers", "response headers to log", ""),
		str("log_jwt_payloads", "JWT payload fields to log", ""),
		{Name: "service_control_network_fail_policy", Type: TypeChoice, Choices: []string{"open", "close"}, Default: "open", Meaning: "behaviour when Service Control is unreachable"},
		{Name: "service_control_enable_api_key_uid_reporting", Type: TypeNegBool, Default: true, Meaning: "report api_key_uid (turn off with --no-service_control_enable_api_key_uid_reporting)"},
		boolean("disable_jwks_async_fetch", "fetch JWKS on demand instead of before serving"),
		boolean("jwks_async_fetch_fast_listener", "bind the listener before the async JWKS fetch completes"),
		typed("jwt_cache_size", TypeUint, "verified-JWT cache entries; 0 disables", 1000),
		typed("jwks_cache_duration_in_s", TypeInt, "JWKS cache lifetime in seconds", 300),
		typed("jwks_fetch_num_retries", TypeInt, "retries for remote JWKS fetch", 0),
		typed("jwks_fetch_retry_back_off_base_interval_ms", TypeInt, "JWKS retry back-off base (ms)", 200),
		typed("jwks_fetch_retry_back_off_max_interval_ms", TypeInt, "JWKS retry back-off cap (ms)", 32000),
		boolean("jwt_pad_forward_payload_header", "pad the base64url payload in X-Endpoint-API-UserInfo"),
		boolean("disable_jwt_audience_service_name_check", "do not accept the service name as JWT audience"),
		typed("http_request_timeout_s", TypeInt, "timeout (s) for ESPv2's own calls to Google services", 30),
		str("service_control_url", "Service Control URL", "https://servicecontrol.googleapis.com"),
		typed("service_control_check_timeout_ms", TypeInt, "Check call timeout (ms)", 1000),
		typed("service_control_quota_timeout_ms", TypeInt, "Quota call timeout (ms)", 1000),
		typed("service_control_report_timeout_ms", TypeInt, "Report call timeout (ms)", 2000),
		typed("service_control_check_retries", TypeInt, "Check retries", 3),
		typed("service_control_quota_retries", TypeInt, "Quota retries", 1),
		typed("service_control_report_retries", TypeInt, "Report retries", 5),
		str("backend_retry_ons", "retry conditions toward backends", "reset,connect-failure,refused-stream"),
		str("backend_retry_on_status_codes", "extra HTTP status codes to retry", ""),
		typed("backend_retry_num", TypeUint, "retry count", 1),
		typed("backend_per_try_timeout", TypeDuration, "per-attempt timeout (0: route deadline)", "0s"),
		str("access_log", "access log file", ""),
		str("access_log_format", "Envoy access-log format (needs --access_log)", ""),
		boolean("disable_tracing", "turn off Cloud Trace"),
		{Name: "tracing_project_id", Type: TypeString, Default: "", Meaning: "project owning the traces"},
		typed("tracing_sample_rate", TypeFloat, "trace sampling rate 0.0-1.0", 0.001),
		boolean("disable_cloud_trace_auto_sampling", "trace sample rate 0"),
		{Name: "tracing_incoming_context", Type: TypeString, Default: "", Effective: "traceparent,x-cloud-trace-context", Meaning: "trace contexts read from requests"},
		{Name: "tracing_outgoing_context", Type: TypeString, Default: "", Effective: "traceparent,x-cloud-trace-context", Meaning: "trace contexts sent to backends"},
		{Name: "cloud_trace_url_override", Type: TypeString, Default: "", Meaning: "gRPC target of a Cloud Trace v2 service"},
		boolean("non_gcp", "do not use the GCP metadata server (needs a key or ADC)"),
		str("service_account_key", "service-account JSON key for Google APIs", ""),
		boolean("enable_application_default_credentials", "use Google Application Default Credentials"),
		str("dns_resolver_addresses", "DNS resolvers: IP or IP:PORT items separated by ;", ""),
		{Name: "backend_dns_lookup_family", Type: TypeChoice, Choices: []string{"auto", "v4only", "v6only", "v4preferred", "all"}, Meaning: "DNS family for backends", Effective: "v4preferred"},
		boolean("enable_debug", "debug logging and debug response headers"),
		boolean("transcoding_always_print_primitive_fields", "JSON output keeps default-valued fields"),
		boolean("transcoding_always_print_enums_as_ints", "JSON enums as numbers"),
		boolean("transcoding_stream_newline_delimited", "streamed responses as newline-delimited JSON"),
		boolean("transcoding_case_insensitive_enum_parsing", "accept enum names in any case"),
		boolean("transcoding_preserve_proto_field_names", "JSON keys use proto field names"),
		str("transcoding_ignore_query_parameters", "query parameters ignored for transcoding", ""),
		boolean("transcoding_ignore_unknown_query_parameters", "ignore query parameters that map to no field"),
		boolean("transcoding_query_parameters_disable_unescape_plus", "do not turn + into space in query values"),
		boolean("transcoding_match_unregistered_custom_verb", "treat a trailing :verb as a custom verb"),
		boolean("disallow_colon_in_wildcard_path_segment", "a wildcard path segment may not match ':'"),
		str("ads_named_pipe", "unix socket for xDS between configmanager and Envoy", "@espv2-ads-cluster"),
		str("envoy_extra_config_yaml", "extra Envoy bootstrap YAML", ""),
		boolean("enable_response_compression", "gzip + brotli response compression"),
		{Name: "enable_backend_routing", Type: TypeBool, Default: false, Meaning: "deprecated: ignored (routing is automatic)"},
		{Name: "backend_protocol", Type: TypeChoice, Choices: []string{"http1", "http2", "grpc"}, Meaning: "deprecated: ignored (the --backend scheme decides)", Effective: ""},
		typed("http_port", TypeInt, "ESPv1 compat: same as --listener_port", 0),
		typed("http2_port", TypeInt, "ESPv1 compat: same as --listener_port", 0),
		typed("ssl_port", TypeInt, "ESPv1 compat: TLS listener with certs in /etc/nginx/ssl", 0),
		str("dns", "ESPv1 compat: same as --dns_resolver_addresses", ""),
		{Name: "tls_mutual_auth", Short: "t", Type: TypeBool, Default: false, Meaning: "ESPv1 compat: backend mTLS with certs in /etc/nginx/ssl"},
		{Name: "ssl_protocols", Type: TypeList, Meaning: "ESPv1 compat: protocol list, sorted as strings into min/max", Effective: []string{}},
		boolean("enable_grpc_backend_ssl", "ESPv1 compat: forwards --grpc_backend_ssl_root_certs_file (TLS needs grpcs://)"),
		{Name: "grpc_backend_ssl_root_certs_file", Type: TypeString, Default: "/etc/nginx/trusted-ca-certificates.crt", Meaning: "ESPv1 compat: CA bundle, used only with --enable_grpc_backend_ssl"},
		str("ssl_client_cert_path", "old name of --ssl_backend_client_cert_path", ""),
		str("ssl_client_root_certs_file", "old name of --ssl_backend_client_root_certs_file", ""),
		boolean("on_serverless", "internal: set by the serverless launcher"),
	}
}
