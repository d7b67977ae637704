package flags

import (
	"net"
	"regexp"
	"strconv"
	"strings"
)

// validate runs start_proxy.py's enforce_conflict_args in its order (flags-espv2.md section 3;
// the first failure wins, each message keeps ESPv2's key words), then the checks configmanager
// makes later, so a command line that passes is known to start.
func validate(ns namespace, env lookupEnv) error {
	key := ns.truthy("service_account_key")
	if !key {
		if v, ok := env("GOOGLE_APPLICATION_CREDENTIALS"); ok && v != "" {
			key = true
		}
	}
	strategy := ns.str("rollout_strategy")
	if strategy == "" {
		strategy = "fixed"
	}
	managed := strategy == "managed"
	t := ns.truthy
	switch {
	case managed && t("version"):
		return invalidf("--version", "flag --version cannot be used together with --rollout_strategy=managed")
	case managed && t("service_json_path"):
		return invalidf("--rollout_strategy", "flag --rollout_strategy must be fixed with --service_json_path")
	case !managed && !t("version") && !t("service_json_path"):
		return invalidf("--version", "flag --version is required when --rollout_strategy=fixed (or give --service_json_path, or use --rollout_strategy=managed)")
	case t("service_json_path") && t("service"):
		return invalidf("--service", "flag --service cannot be used together with --service_json_path")
	case t("service_json_path") && t("version"):
		return invalidf("--version", "flag --version cannot be used together with --service_json_path")
	case t("non_gcp") && !key && !t("enable_application_default_credentials"):
		return invalidf("--non_gcp", "if --non_gcp is specified, --service_account_key (or env GOOGLE_APPLICATION_CREDENTIALS) or --enable_application_default_credentials is required")
	case t("non_gcp") && key && t("enable_application_default_credentials"):
		return invalidf("--enable_application_default_credentials", "Only one of --service_account_key (including env GOOGLE_APPLICATION_CREDENTIALS) and --enable_application_default_credentials can be used with --non_gcp")
	case t("access_log_format") && !t("access_log"):
		return invalidf("--access_log_format", "flag --access_log_format has to be used together with --access_log")
	case t("ssl_port") && t("ssl_server_cert_path"):
		return invalidf("--ssl_port", "flag --ssl_port is going to be deprecated, please use --ssl_server_cert_path only")
	case t("tls_mutual_auth") && (t("ssl_backend_client_cert_path") || t("ssl_client_cert_path")):
		return invalidf("--tls_mutual_auth", "flag --tls_mutual_auth is going to be deprecated, please use --ssl_backend_client_cert_path only")
	case (t("ssl_backend_client_root_certs_file") || t("ssl_client_root_certs_file")) && t("enable_grpc_backend_ssl"):
		return invalidf("--enable_grpc_backend_ssl", "flag --grpc_backend_ssl_root_certs_file and --enable_grpc_backend_ssl are going to be deprecated, please use --ssl_backend_client_root_certs_file only")
	case t("generate_self_signed_cert") && t("ssl_server_cert_path"):
		return invalidf("--generate_self_signed_cert", "flag --generate_self_signed_cert and --ssl_server_cert_path cannot be used simutaneously")
	}
	var ports []string
	for _, p := range []string{"http_port", "http2_port", "listener_port", "ssl_port"} {
		if t(p) {
			ports = append(ports, "--"+p)
		}
	}
	if len(ports) > 1 {
		return invalidf(ports[1], "Multiple port flags %s are not allowed, use only the --listener_port flag", strings.Join(ports, ","))
	}
	port, portFlag := defaultListenerPort, "--listener_port"
	if len(ports) == 1 {
		port, portFlag = ns.atoi(ports[0][2:]), ports[0]
	}
	if port < 1024 {
		return invalidf(portFlag, "%s=%d is a privileged port: ESPv2 refuses ports below 1024, use 1024 or above", portFlag, port)
	}
	backend := ns.str("backend")
	if backend == "" {
		backend = defaultESPv2Backend
	}
	switch {
	case t("ssl_protocols") && (t("ssl_minimum_protocol") || t("ssl_maximum_protocol")):
		return invalidf("--ssl_protocols", "flag --ssl_protocols is going to be deprecated, please use --ssl_minimum_protocol and --ssl_maximum_protocol")
	case t("transcoding_ignore_query_parameters") && t("transcoding_ignore_unknown_query_parameters"):
		return invalidf("--transcoding_ignore_query_parameters", "flag --transcoding_ignore_query_parameters cannot be used together with --transcoding_ignore_unknown_query_parameters")
	case t("dns_resolver_addresses") && t("dns"):
		return invalidf("--dns", "flag --dns_resolver_addresses cannot be used together with together with --dns")
	case t("ssl_backend_client_cert_path") && t("ssl_client_cert_path"):
		return invalidf("--ssl_client_cert_path", "flag --ssl_client_cert_path is renamed to --ssl_backend_client_cert_path, only use the latter flag")
	case t("ssl_backend_client_root_certs_file") && t("ssl_client_root_certs_file"):
		return invalidf("--ssl_client_root_certs_file", "flag --ssl_client_root_certs_file is renamed to --ssl_backend_client_root_certs_file, only use the latter flag")
	case t("health_check_grpc_backend") && !strings.HasPrefix(backend, "grpc"):
		return invalidf("--health_check_grpc_backend", "flag --health_check_grpc_backend requires the flag --backend to use grpc scheme (got %q)", backend)
	}
	for _, dep := range []string{"health_check_grpc_backend_interval", "health_check_grpc_backend_service", "health_check_grpc_backend_no_traffic_interval"} {
		if t(dep) && !t("health_check_grpc_backend") {
			return invalidf("--"+dep, "flag --%s requires --health_check_grpc_backend", dep)
		}
	}
	return validateValues(ns)
}

// validateValues repeats the value checks configmanager makes after start_proxy.py has
// accepted the command line; ESPv2 would start and then exit on these.
func validateValues(ns namespace) error {
	backend := withScheme(ns.str("backend"))
	if ns.str("backend") == "" {
		backend = defaultESPv2Backend
	}
	scheme, rest, _ := strings.Cut(backend, "://")
	switch scheme {
	case "http", "https", "grpc", "grpcs":
	default:
		return invalidf("--backend", "--backend=%s: scheme must be http, https, grpc or grpcs", ns.str("backend"))
	}
	if rest == "" {
		return invalidf("--backend", "--backend=%s: no host", ns.str("backend"))
	}
	if p := ns.str("cors_preset"); p != "" && p != "basic" && p != "cors_with_regex" {
		return invalidf("--cors_preset", "--cors_preset=%s: configmanager accepts only basic or cors_with_regex", p)
	}
	if ns.str("cors_preset") == "cors_with_regex" {
		if _, err := regexp.Compile(ns.str("cors_allow_origin_regex")); err != nil {
			return invalidf("--cors_allow_origin_regex", "--cors_allow_origin_regex is not an RE2 regular expression: %v", err)
		}
	}
	dns := ns.str("dns_resolver_addresses")
	if dns == "" {
		dns = ns.str("dns")
	}
	if dns != "" {
		if err := checkDNSAddresses(dns); err != nil {
			return invalidf("--dns_resolver_addresses", "--dns_resolver_addresses=%s: %v", dns, err)
		}
	}
	return nil
}

// checkDNSAddresses accepts configmanager's format: `IP` or `IP:PORT` items separated by `;`.
func checkDNSAddresses(v string) error {
	for _, item := range strings.Split(v, ";") {
		host, port, hasPort := strings.Cut(item, ":")
		if strings.Contains(port, ":") {
			return errorf("item %q has more than one ':' (IPv6 literals are not accepted)", item)
		}
		if net.ParseIP(host) == nil {
			return errorf("item %q is not an IP address", item)
		}
		if hasPort {
			if n, err := strconv.Atoi(port); err != nil || n <= 0 || n > 65535 {
				return errorf("item %q has a bad port", item)
			}
		}
	}
	return nil
}
