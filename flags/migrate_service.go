package flags

import (
	"fmt"
	"strconv"
	"strings"
)

// service migrates -s, -v, -R, --service_json_path, --check_metadata, -c and the multi-service
// flag (flag-migration.md 2.3). The rules come from ESPv2's validation: `fixed` (the default)
// needs --version, `managed` forbids it, --service_json_path forbids -s and -v.
func (m *migration) service() {
	svc, ver, ro := m.last["service"], m.last["version"], m.last["rollout_strategy"]
	hasSvc, hasVer, hasRo := m.has("service"), m.has("version"), m.has("rollout_strategy")
	managed := hasRo && ro.Value == "managed"

	if m.has("experimental_enable_multiple_api_configs") {
		m.findAll("experimental_enable_multiple_api_configs", ActionUnsupported, SeverityError, nil,
			"ESPv2 serves one service per proxy: run one ESPv2 per service. Guide: not supported.")
	}
	if hasSvc && strings.Contains(svc.Value, "|") {
		m.find(svc, ActionUnsupported, SeverityError, nil,
			"%q lists several services; ESPv2 serves one service per proxy (it would pass the text on unsplit). Run one ESPv2 per service.", svc.Value)
		hasSvc = false
	}
	if m.has("service_config_url") {
		m.findAll("service_config_url", ActionUnsupported, SeverityError, nil,
			"ESPv2 cannot fetch a service config from a URL. Download the JSON once, mount it, and use --service_json_path=<file> (which forces rollout fixed and forbids -s/-v). ESPv1 ignored -s, -v and -R for fetching when -c was given.")
	}

	if m.serverless() {
		m.serverlessService(hasSvc, hasVer, hasRo)
		return
	}

	if m.has("service_json_path") {
		sjp := m.last["service_json_path"]
		m.find(sjp, ActionKept, SeverityInfo, []string{m.emit("service_json_path", sjp.Value)},
			"ESPv2 reads the local service config; it requires rollout fixed and rejects --service / --version next to it.")
		if hasSvc {
			m.find(svc, ActionRemoved, SeverityWarning, nil, "dropped: ESPv2 rejects --service together with --service_json_path (the name comes from the JSON file).")
		}
		if hasVer {
			m.find(ver, ActionRemoved, SeverityWarning, nil, "dropped: ESPv2 rejects --version together with --service_json_path.")
		}
		if hasRo {
			if managed {
				m.find(ro, ActionRemoved, SeverityWarning, nil, "dropped: ESPv2 requires rollout fixed with --service_json_path (ESPv1 loaded the file once either way).")
			} else {
				m.find(ro, ActionKept, SeverityInfo, []string{m.emit("rollout_strategy", "fixed")}, "")
			}
		}
		if m.has("check_metadata") {
			m.findAll("check_metadata", ActionKept, SeverityInfo, []string{m.emit("check_metadata", "")}, "configmanager ignores metadata for the service name when --service_json_path is given.")
		}
		return
	}

	if hasSvc {
		m.find(svc, ActionKept, SeverityInfo, []string{m.emit("service", svc.Value)}, "ESPv2 serves one service.")
	}
	if m.has("check_metadata") {
		msg := "configmanager reads the service name from metadata attribute endpoints-service-name."
		if !hasVer {
			msg += " ESPv1 also read the config ID and the rollout strategy from metadata; ESPv2 does not (start_proxy always passes a strategy, and fixed needs --version)."
		}
		m.findAll("check_metadata", ActionKept, SeverityInfo, []string{m.emit("check_metadata", "")}, "%s", msg)
	}
	source := hasSvc || m.has("check_metadata")
	switch {
	case hasVer && managed:
		m.find(ver, ActionReplaced, SeverityWarning, nil,
			"dropped: ESPv2 rejects --version with --rollout_strategy=managed; managed starts from the latest rollout, not from %s. To pin %s, use --rollout_strategy=fixed --version=%s instead.", ver.Value, ver.Value, ver.Value)
		m.find(ro, ActionKept, SeverityInfo, []string{m.emit("rollout_strategy", "managed")}, "")
	case hasVer:
		m.find(ver, ActionKept, SeverityInfo, []string{m.emit("version", ver.Value)}, "configmanager receives it as --service_config_id.")
		if hasRo {
			m.find(ro, ActionKept, SeverityInfo, []string{m.emit("rollout_strategy", ro.Value)}, "")
		}
	case managed:
		m.find(ro, ActionKept, SeverityInfo, []string{m.emit("rollout_strategy", "managed")}, "ESPv2 polls for new rollouts every 60 s.")
	case source:
		repl := m.emit("rollout_strategy", "managed")
		msg := "ESPv1 without --version resolved the latest rollout once at start-up and stayed on it; ESPv2's fixed (the default) requires --version and exits 1 without it. " +
			"Migrated to --rollout_strategy=managed, which also starts on the latest rollout but then follows new rollouts. To pin a config instead, use --version=<config id> and drop --rollout_strategy=managed. Confirm which one you want."
		if hasRo {
			m.find(ro, ActionReplaced, SeverityError, []string{repl}, "%s", msg)
		} else {
			m.implicit("--rollout_strategy", "", ActionReplaced, SeverityError, []string{repl}, "%s", msg)
		}
	default:
		if hasRo {
			m.find(ro, ActionKept, SeverityInfo, []string{m.emit("rollout_strategy", ro.Value)}, "")
		}
	}
	if !source && !m.has("service_config_url") && !m.has("service") && !m.opts.ServiceFromElsewhere {
		m.implicit("--service", "", ActionKept, SeverityError, nil,
			"no --service, --check_metadata or --service_json_path: ESPv1 refused to start without one (exit 3), and ESPv2 needs one too. Add --service=<SERVICE_NAME> (and --version or --rollout_strategy=managed).")
	}
}

// serverlessService: in ESP_ARGS, service and strategy come from the launcher's environment
// (ENDPOINTS_SERVICE_NAME / _VERSION / _PATH); flags here override them because they come last.
func (m *migration) serverlessService(hasSvc, hasVer, hasRo bool) {
	for _, name := range []string{"service", "service_json_path", "check_metadata"} {
		if a, ok := m.last[name]; ok && !m.done[a.Index] {
			m.find(a, ActionKept, SeverityWarning, []string{m.emit(name, a.Value)},
				"the launcher sets this from the ENDPOINTS_SERVICE_* variables; a value in ESPv2_ARGS comes last and wins.")
		}
	}
	if hasVer {
		ver := m.last["version"]
		repl := []string{m.emit("version", ver.Value)}
		msg := "kept; ESPv2's launcher adds --rollout_strategy=managed unless ENDPOINTS_SERVICE_VERSION is set, and managed rejects --version."
		if !hasRo {
			repl = append(repl, m.emit("rollout_strategy", "fixed"))
			msg += " Added --rollout_strategy=fixed so the pair starts."
		}
		m.find(ver, ActionKept, SeverityWarning, repl, "%s", msg)
	}
	if hasRo {
		ro := m.last["rollout_strategy"]
		m.find(ro, ActionKept, SeverityInfo, []string{m.emit("rollout_strategy", ro.Value)}, "comes after the launcher's own --rollout_strategy and wins.")
	}
}

// ports merges --http_port / --http2_port / --ssl_port into ESPv2's single listener
// (flag-migration.md 2.1) and handles the status port and --generate_self_signed_cert.
func (m *migration) ports() {
	type port struct {
		arg Arg
		n   int
	}
	var given []port
	for _, name := range []string{"ssl_port", "http_port", "http2_port"} { // preference order
		a, ok := m.last[name]
		if !ok {
			continue
		}
		n, _ := strconv.Atoi(strings.TrimSpace(a.Value))
		if n == 0 {
			m.find(a, ActionRemoved, SeverityWarning, nil, "port 0 means \"not set\" to ESPv2; dropped.")
			continue
		}
		given = append(given, port{a, n})
	}
	selfSigned, hasSelfSigned := m.last["generate_self_signed_cert"]
	sslEmitted := false

	if m.serverless() {
		for _, p := range given {
			if p.arg.Flag.Name == "http_port" && p.n >= 1024 {
				m.find(p.arg, ActionKept, SeverityWarning, []string{m.emit("http_port", strconv.Itoa(p.n))},
					"overrides the launcher's --http_port=$PORT (the platform sends traffic to $PORT). Drop it unless $PORT is fixed to %d.", p.n)
				continue
			}
			m.find(p.arg, ActionRemoved, SeverityError, nil,
				"not carried into ESPv2_ARGS: the launcher always adds --http_port=$PORT and ESPv2 rejects a second port flag (or a port below 1024). On a serverless platform, TLS and the port are the platform's job.")
		}
	} else {
		for i, p := range given {
			if i > 0 {
				m.find(p.arg, p.arg.Flag.Fate.Action(), SeverityError, nil,
					"ESPv2 has one listener and rejects several port flags; kept %s and dropped this one. One listener cannot serve plaintext and TLS at once: run a second ESPv2 or move the clients to one port.", given[0].arg.Input)
				continue
			}
			if p.n < 1024 {
				m.find(p.arg, p.arg.Flag.Fate.Action(), SeverityError, nil,
					"ESPv2 refuses ports below 1024 (privileged). Pick a port of 1024 or above for --listener_port and map %d to it in the Service / docker run -p.", p.n)
				continue
			}
			repl := []string{m.emit("listener_port", strconv.Itoa(p.n))}
			switch p.arg.Flag.Name {
			case "ssl_port":
				sslEmitted = true
				if hasSelfSigned {
					repl = append(repl, m.emit("generate_self_signed_cert", ""))
					m.find(p.arg, ActionMerged, SeverityInfo, repl, "TLS listener with a self-signed certificate (not --ssl_server_cert_path, which ESPv2 rejects with --generate_self_signed_cert). The listener is TLS-only.")
				} else {
					repl = append(repl, m.emit("ssl_server_cert_path", nginxSSLDir))
					m.find(p.arg, ActionMerged, SeverityInfo, repl,
						"the listener becomes TLS-only. Because the path contains /etc/nginx/ssl, ESPv2 reads nginx.crt and nginx.key, the same files as ESPv1; any other directory must hold server.crt and server.key. Guide: says ESPv2 uses server.crt/server.key; start_proxy.py reads nginx.* under /etc/nginx/ssl.")
				}
			default:
				m.find(p.arg, ActionMerged, SeverityInfo, repl, "ESPv2's one listener serves HTTP/1.x, HTTP/2 (h2c) and gRPC on this port. Guide: replaced by --listener_port.")
			}
		}
	}
	if hasSelfSigned && !m.done[selfSigned.Index] {
		if sslEmitted {
			m.find(selfSigned, ActionKept, SeverityInfo, []string{"--generate_self_signed_cert"}, "merged with --ssl_port. ESPv2 writes server.crt/server.key under its temporary directory.")
		} else {
			m.find(selfSigned, ActionRemoved, SeverityInfo, nil,
				"dropped: ESPv1 used the certificate only with --ssl_port; in ESPv2 the flag would turn the only listener into TLS.")
		}
	}

	if a, ok := m.last["status_port"]; ok {
		m.find(a, ActionReplaced, SeverityWarning, []string{m.emit("status_port", strings.TrimSpace(a.Value))},
			"same spelling, new meaning: ESPv2 opens Envoy's admin interface (unauthenticated) on this port, with no /healthz, /nginx_status or /endpoints_status. If only health checks used it, drop the flag and probe --healthz on the listener port instead.")
	} else if !m.serverless() {
		m.implicit("--status_port", "", ActionRemoved, SeverityInfo, nil,
			"ESPv1 always opened status port 8090 (/nginx_status, /endpoints_status, /healthz); ESPv2 opens no admin port by default. Probes of :8090/healthz must move to the listener port with --healthz.")
	}
}

// backend migrates -a/--backend (flag-migration.md 2.2): the scheme made explicit, ESPv1's
// default made explicit (ESPv2's default port differs), grpc:// + --enable_grpc_backend_ssl
// turned into grpcs://.
func (m *migration) backend() {
	a, given := m.last["backend"]
	value := "127.0.0.1:8081"
	if given {
		value = strings.TrimSpace(a.Value)
	}
	grpcSSL := m.has("enable_grpc_backend_ssl")
	scheme, rest, hasScheme := strings.Cut(value, "://")
	switch {
	case hasScheme && scheme == "grpcs":
		m.find(a, ActionKept, SeverityError, nil,
			"ESPv1 did not know grpcs:// (it became a broken HTTP upstream), so this ESPv1 deployment could not have worked as written. For a TLS gRPC backend use --backend=grpcs://%s in ESPv2 and check the certificate setup.", rest)
		return
	case hasScheme && scheme != "http" && scheme != "https" && scheme != "grpc":
		m.find(a, ActionKept, SeverityError, nil, "unknown scheme %q: ESPv1 treated the whole value as a host name; ESPv2 accepts http, https, grpc and grpcs.", scheme)
		return
	}
	if !hasScheme {
		scheme, rest = "http", value
	}
	switch {
	case scheme == "grpc" && grpcSSL:
		repl := m.emit("backend", "grpcs://"+rest)
		msg := "TLS to the gRPC backend now comes from the grpcs:// scheme."
		if given {
			m.find(a, ActionReplaced, SeverityInfo, []string{repl}, "%s", msg)
		}
		m.findAll("enable_grpc_backend_ssl", ActionReplaced, SeverityInfo, []string{repl},
			"%s ESPv2 still accepts --enable_grpc_backend_ssl, but it only forwards a CA file and turns nothing on. Guide: says replaced by --ssl_backend_client_cert_path.", msg)
	case given:
		repl := m.emit("backend", scheme+"://"+rest)
		msg := ""
		switch scheme {
		case "http":
			if !hasScheme {
				msg = "no scheme meant HTTP/1.x in ESPv1; the scheme is written out."
			}
		case "https":
			msg = "ESPv1 (nginx) did not verify the backend certificate; ESPv2 verifies it against /etc/ssl/certs/ca-certificates.crt unless --ssl_backend_client_root_certs_file says otherwise."
			if !strings.Contains(rest, ":") {
				msg += " A missing port is 443 in both."
			}
		case "grpc":
			msg = "cleartext HTTP/2 in both."
		}
		m.find(a, ActionKept, SeverityInfo, []string{repl}, "%s", msg)
	case !m.serverless():
		repl := m.emit("backend", "http://127.0.0.1:8081")
		m.implicit("--backend", "", ActionKept, SeverityInfo, []string{repl},
			"ESPv1's default backend 127.0.0.1:8081 made explicit: ESPv2's default is http://127.0.0.1:8082, so leaving it out would silently move the backend port.")
	}
	if grpcSSL && !m.done[m.last["enable_grpc_backend_ssl"].Index] {
		m.findAll("enable_grpc_backend_ssl", ActionRemoved, SeverityInfo, nil,
			"dropped: the backend is not grpc://, and ESPv1 used this flag only for gRPC backends.")
	}
}

// grpcBackendTLS reports whether ESPv1 spoke TLS to a gRPC backend (the flag and a grpc:// backend).
func (m *migration) grpcBackendTLS() bool {
	return m.has("enable_grpc_backend_ssl") && strings.HasPrefix(strings.TrimSpace(m.val("backend")), "grpc://")
}

// nonEmpty returns the list, or nil when it holds only empty strings.
func nonEmpty(l ...string) []string {
	var out []string
	for _, s := range l {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

var _ = fmt.Sprint
