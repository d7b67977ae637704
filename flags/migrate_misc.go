package flags

import (
	"fmt"
	"strings"
)

// keptNotes are the behaviour changes of flags ESPv2 takes unchanged (flag-migration.md 4).
var keptNotes = map[string]string{
	"help":                             "ESPv2 prints its own usage and exits without starting the proxy.",
	"service_account_key":              "long form only in ESPv2 (-k is gone). ESPv2 also exports it as GOOGLE_APPLICATION_CREDENTIALS when that is unset.",
	"healthz":                          "ESPv2 adds the leading / and answers GET only, exact path (ESPv1 answered any method); it can reflect backend gRPC health with --health_check_grpc_backend.",
	"underscores_in_headers":           "without it ESPv2 rejects such requests (ESPv1 dropped the headers).",
	"enable_strict_transport_security": "same header on all responses.",
	"enable_debug":                     "ESPv2: configmanager --v 1, Envoy debug logs, and Envoy's x-envoy-* response headers are no longer suppressed.",
	"transcoding_always_print_primitive_fields": "a public flag in ESPv2.",
	"transcoding_preserve_proto_field_names":    "a public flag in ESPv2.",
	"management":                                "configmanager receives it as --service_management_url.",
	"non_gcp":                                   "ESPv2 also turns tracing off unless --tracing_project_id is given, and disables backend authentication; it needs --service_account_key, GOOGLE_APPLICATION_CREDENTIALS or --enable_application_default_credentials.",
	"disable_cloud_trace_auto_sampling":         "becomes --tracing_sample_rate 0 (ignored when tracing is off).",
	"log_request_headers":                       "",
	"log_response_headers":                      "",
	"service_control_network_fail_policy":       "",
	"jwks_cache_duration_in_s":                  "",
}

// removedNotes say why a dropped flag needs nothing in ESPv2.
var removedNotes = map[string]string{
	"config_dir":                         "ESPv1's nginx file layout; ESPv2 writes its bootstrap to a fixed temporary directory.",
	"server_config_dir":                  "ESPv1's nginx file layout (the ESPv1 -secure image entrypoint added it by itself).",
	"template":                           "an nginx template; ESPv2 has no nginx.",
	"server_config_template":             "an ESPv1 server config template; ESPv2 has none.",
	"nginx":                              "the nginx binary; ESPv2 has no nginx.",
	"nginx_debug":                        "the nginx debug binary; use --enable_debug for ESPv2 debug logs.",
	"pid_file":                           "ESPv2 writes no PID file.",
	"generate_config_file_only":          "ESPv1 test mode.",
	"server_config_generation_path":      "ESPv1 test and multi-service mode.",
	"compute_platform_override":          "internal; ESPv2 sets the platform itself on its serverless image.",
	"rollout_fetch_throttle_window_in_s": "configmanager checks for new rollouts every 60 s. Guide: not needed.",
	"service_control_network_fail_open":  "a no-op in ESPv1 (--service_control_network_fail_policy decides).",
	"enable_websocket":                   "WebSocket upgrades pass through ESPv2 by default, and ESPv2 would exit 1 on the flag. Guide: deprecated, on by default.",
}

// unsupportedNotes say what to do instead.
var unsupportedNotes = map[string]string{
	"nginx_config":                           "ESPv2 has no nginx; carry the custom nginx.conf's settings over by hand (espctl migrate manifest reads nginx.conf). Guide: not supported.",
	"experimental_proxy_backend_host_header": "ESPv2 sends the backend's host name to remote backends and keeps Host for the local --backend; no flag forces a value. Guide: not supported.",
	"allow_invalid_headers":                  "ESPv2 rejects requests with invalid header names; only underscores can be allowed (--underscores_in_headers). Guide: not supported.",
	"client_max_body_size":                   "nginx tuning with no ESPv2 flag. Guide: not supported.",
	"client_body_buffer_size":                "nginx tuning with no ESPv2 flag. Guide: not supported.",
	"large_client_header_buffers":            "nginx tuning with no ESPv2 flag. Guide: not supported.",
	"keepalive_timeout":                      "nginx tuning with no ESPv2 flag. Guide: not supported.",
	"client_body_timeout":                    "nginx tuning with no ESPv2 flag. Guide: not supported.",
	"rewrite":                                "ESPv2 has no URI rewrite; the nearest is x-google-backend path_translation in the API config. Guide: not supported.",
	"worker_processes":                       "ESPv2's start-up script exposes no Envoy concurrency setting.",
	"enable_jwt_authorization_url_redirect":  "ESPv2 ignores authorizationUrl and never redirects failed authentication.",
}

// logging migrates --access_log, --log_jwt_payload and --enable_api_key_uid_reporting
// (flag-migration.md 2.10).
func (m *migration) logging() {
	if a, ok := m.last["access_log"]; ok {
		if strings.TrimSpace(a.Value) == "off" {
			m.find(a, ActionKept, SeverityInfo, nil, "no access log is ESPv2's default; `off` is not special in ESPv2 (it would be a file name), so the flag is left out.")
		} else {
			m.find(a, ActionKept, SeverityInfo, []string{m.emit("access_log", a.Value)}, "the line format changes from nginx's to Envoy's (--access_log_format to customise).")
		}
	} else if !m.serverless() {
		m.implicit("--access_log", "", ActionKept, SeverityInfo, nil,
			"ESPv1 logged every request to /dev/stdout; ESPv2 logs none by default. Add --access_log=/dev/stdout to keep an access log (Envoy's format).")
	}
	if a, ok := m.last["log_jwt_payload"]; ok {
		m.find(a, ActionRenamed, SeverityInfo, []string{m.emit("log_jwt_payloads", a.Value)}, "ESPv2 happens to accept the old spelling as an abbreviation.")
	}
	if a, ok := m.last["enable_api_key_uid_reporting"]; ok {
		repl := []string{m.emitOff("service_control_enable_api_key_uid_reporting")}
		if on, err := parseBoolWord(strings.TrimSpace(a.Value)); err == nil && on {
			m.find(a, ActionRenamed, SeverityWarning, repl,
				"ESPv1 read any explicit value, even %q, as a string and turned api_key_uid reporting off; the migration keeps that effect. If you meant to report api_key_uid, drop the flag: it is ESPv2's default.", a.Value)
		} else {
			m.find(a, ActionRenamed, SeverityInfo, repl, "ESPv2 reports api_key_uid by default; this turns it off, as the flag did in ESPv1.")
		}
	}
}

// simple handles every flag whose fate alone decides: kept one to one, renamed one to one,
// removed, unsupported, deprecated.
func (m *migration) simple() {
	for _, f := range ESPv1().Flags {
		a, ok := m.last[f.Name]
		if !ok || m.done[a.Index] {
			continue
		}
		switch {
		case f.Name == "cloud_trace_url_override":
			m.find(a, ActionKept, SeverityError, []string{m.emit(f.Name, a.Value)},
				"ESPv2 sends it as --tracing_stackdriver_address, a gRPC target implementing Cloud Trace v2; an ESPv1 REST URL does not fit. Replace the value with a gRPC target or drop the flag.")
		case f.Name == "service_control_url_override":
			m.find(a, ActionRenamed, SeverityInfo, []string{m.emit("service_control_url", a.Value)}, "ESPv2's default is https://servicecontrol.googleapis.com.")
		case f.Name == "metadata":
			m.find(a, ActionRemoved, SeverityWarning, nil, "ESPv2's start-up script cannot change the metadata server URL (configmanager's --metadata_url is not exposed).")
		case f.Name == "help":
			m.find(a, ActionKept, SeverityWarning, []string{m.emit("help", "")}, "%s", keptNotes["help"])
		case f.Fate == FateSame:
			value := a.Value
			if !f.TakesValue() {
				value = ""
			}
			m.find(a, ActionKept, SeverityInfo, []string{m.emit(f.Name, value)}, "%s", keptNotes[f.Name])
		case f.Fate == FateRemoved:
			m.find(a, ActionRemoved, SeverityInfo, nil, "dropped: %s", removedNotes[f.Name])
		case f.Fate == FateUnsupported:
			m.find(a, ActionUnsupported, SeverityError, nil, "ESPv2 rejects this flag and has no equivalent: %s", unsupportedNotes[f.Name])
		case f.Fate == FateDeprecated:
			m.find(a, ActionDeprecated, SeverityInfo, nil, "dropped: ESPv2 accepts and ignores it (routing by x-google-backend is automatic). Guide: not needed.")
		default:
			m.find(a, f.Fate.Action(), SeverityError, nil, "no migration rule for this flag; please report it.")
		}
	}
	// Repeated list items (--rewrite) that the loop above did not reach.
	for _, occ := range m.all {
		for _, a := range occ {
			if !m.done[a.Index] && a.Flag.Fate == FateUnsupported {
				m.find(a, ActionUnsupported, SeverityError, nil, "ESPv2 rejects this flag and has no equivalent: %s", unsupportedNotes[a.Flag.Name])
			}
		}
	}
}

// unknown reports items ESPv1 did not know: ESPv2 flags pass through (the input may be partly
// migrated), everything else gets a did-you-mean and is not passed on.
func (m *migration) unknown() {
	for _, a := range m.in {
		if a.Known() {
			continue
		}
		if a.Positional {
			if a.Value == "" {
				a.Input = `""`
				m.find(a, ActionUnknown, SeverityWarning, nil, "empty item (a doubled or trailing delimiter?): ESPv1 and ESPv2 both exit on it; dropped.")
				continue
			}
			m.find(a, ActionUnknown, SeverityError, nil, "ESPv1 takes no positional arguments (a value with a leading space, or a value for a flag that takes none?); not passed on.")
			continue
		}
		if v2, err := Parse(ESPv2(), []string{a.String()}, false); err == nil && len(v2) == 1 {
			m.find(a, ActionUnknown, SeverityWarning, []string{m.emitArg(v2[0])}, "not an ESPv1 flag, but ESPv2 accepts it; passed through unchanged.")
			continue
		}
		msg := "unknown ESPv1 flag (ESPv1 refused to start with it); not passed on."
		if s := Suggest(ESPv1(), a.Option); s != "" {
			msg += fmt.Sprintf(" Did you mean %s?", s)
		}
		m.find(a, ActionUnknown, SeverityError, nil, "%s", msg)
	}
}

// serverlessConflicts notes the flags ESPv1's serverless image refused: it forced
// --enable_backend_routing, which conflicted with them (flags-espv1.md section 4).
func (m *migration) serverlessConflicts() {
	if !m.serverless() {
		return
	}
	anyValue := []string{"cloud_trace_url_override", "experimental_enable_multiple_api_configs", "disable_cloud_trace_auto_sampling", "non_gcp",
		"transcoding_always_print_primitive_fields", "access_log", "nginx_debug", "nginx", "server_config_template", "template", "config_dir",
		"service_control_url_override", "rewrite", "large_client_header_buffers", "keepalive_timeout", "generate_self_signed_cert",
		"enable_strict_transport_security", "enable_websocket", "allow_invalid_headers", "underscores_in_headers",
		"experimental_proxy_backend_host_header", "healthz", "tls_mutual_auth", "nginx_config", "ssl_protocols", "enable_grpc_backend_ssl"}
	nonDefault := []string{"pid_file", "metadata", "worker_processes", "client_body_buffer_size", "client_max_body_size",
		"xff_trusted_proxy_list", "backend", "status_port", "dns", "server_config_dir"}
	note := "ESPv1's serverless image refused this flag (exit 3: it conflicts with the forced --enable_backend_routing), so this ESP_ARGS could not have started ESPv1."
	for _, name := range anyValue {
		for _, a := range m.all[name] {
			m.notes[a.Index] = note
		}
	}
	for _, name := range nonDefault {
		def := fmt.Sprint(ESPv1().Lookup(name).Default)
		for _, a := range m.all[name] {
			if a.Value != def {
				m.notes[a.Index] = note
			}
		}
	}
}

// breakingChanges adds the API-visible changes (issue 3 item 7) when the input shows the
// feature in use.
func (m *migration) breakingChanges() {
	inputs := func(names ...string) []string {
		var out []string
		for _, n := range names {
			for _, a := range m.all[n] {
				out = append(out, a.Input)
			}
		}
		return out
	}
	if jwt := inputs("log_jwt_payload", "jwks_cache_duration_in_s", "enable_jwt_authorization_url_redirect"); len(jwt) > 0 {
		m.breaking("X-Endpoint-API-UserInfo", jwt,
			"ESPv1 sent base64url (padded) of its own JSON object (id, issuer, email, audiences, and claims as a JSON string); ESPv2 sends the JWT's payload segment unchanged (base64url, unpadded). Backends that decode this header must be updated (--jwt_pad_forward_payload_header adds padding).")
		m.breaking("Authorization", jwt,
			"ESPv1 also accepted a JWT in Authorization without the `Bearer ` prefix; ESPv2 does not by default. To keep accepting it, list the locations in each provider of the API config: api_config.yaml `authentication: providers: - id: <id> jwt_locations: [{header: \"Authorization\", value_prefix: \"Bearer \"}, {header: \"Authorization\"}]`, or OpenAPI `x-google-jwt-locations: [{header: Authorization, value_prefix: \"Bearer \"}, {header: Authorization}]` (a list replaces the defaults, so keep the ones you still need).")
	}
	if keys := inputs("enable_api_key_uid_reporting", "service_control_url_override", "service_control_network_fail_policy", "service_control_network_fail_open"); len(keys) > 0 {
		m.breaking("X-Endpoint-API-Project-ID", keys,
			"ESPv1 sent the API key's consumer project ID in X-Endpoint-API-Project-ID; ESPv2 sends X-Endpoint-API-Consumer-Type (e.g. PROJECT) and X-Endpoint-API-Consumer-Number (the project number) instead. Backends reading the old header must be updated.")
	}
	backend := strings.TrimSpace(m.val("backend"))
	httpBackend := !strings.HasPrefix(backend, "grpc")
	http := inputs("cors_preset", "transcoding_always_print_primitive_fields", "transcoding_preserve_proto_field_names")
	if httpBackend {
		http = append(inputs("backend"), http...)
		if len(http) == 0 && !m.serverless() {
			http = []string{"an HTTP backend (" + withScheme(orDefault(backend, "127.0.0.1:8081")) + ")"}
		}
	}
	if len(http) > 0 {
		m.breaking("error-response-body", http,
			"when the proxy itself rejects an HTTP request, ESPv1 answered {\"code\": <gRPC code>, \"message\": ..., \"details\": [...]}; ESPv2 answers {\"code\": <HTTP status>, \"message\": ...} without details. Clients that parse error bodies must be updated.")
	}
}

func (m *migration) breaking(topic string, triggers []string, msg string) {
	m.findings = append(m.findings, indexed{order: orderBreaking + len(m.findings), f: Finding{
		Flag: topic, Input: "", Action: ActionReplaced, Replacement: []string{}, Severity: SeverityWarning,
		Message: fmt.Sprintf("breaking change (shown because of %s): %s", strings.Join(triggers, ", "), msg),
	}})
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
