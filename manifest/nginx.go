package manifest

import (
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/espctl/espctl/flags"
	"github.com/tufanbarisyildirim/gonginx/config"
	"github.com/tufanbarisyildirim/gonginx/parser"
)

// NginxResult is what a custom ESPv1 nginx.conf (`-n/--nginx_config`) maps to: the ESPv2 flags
// that express what could be expressed, and a finding for every directive, so nothing in the
// file is passed over silently.
type NginxResult struct {
	Path     string    `json:"path"`
	Args     []string  `json:"args"`
	Findings []Finding `json:"findings"`
}

// NeedsPerson reports whether a directive could not be mapped.
func (r *NginxResult) NeedsPerson() bool {
	for _, f := range r.Findings {
		if f.Severity == severityError {
			return true
		}
	}
	return false
}

// espNginxDirectives are the ESPv1-specific directives of its nginx template, which the
// parser would otherwise reject as unknown.
var espNginxDirectives = []string{"endpoints", "api", "metadata_server", "on", "off", "google_authentication_secret", "endpoints_resolver", "endpoints_certificates", "server_config", "endpoints_status", "endpoints_block"}

// MigrateNginx reads an nginx config with gonginx (a maintained nginx-config parser; see
// docs/migrate-manifests.md for why) and maps the directives the ESPv1 template produces or
// users commonly add.
func MigrateNginx(p string, data []byte) (*NginxResult, error) {
	cfg, err := parseNginx(data)
	if err != nil {
		return nil, &InputError{Path: p, Msg: "not a valid nginx config: " + err.Error()}
	}
	m := &nginxMigration{res: &NginxResult{Path: p, Findings: []Finding{}}, flags: map[string]string{}}
	m.walk(cfg.Block.GetDirectives())
	m.finish()
	sortFindings(m.res.Findings)
	return m.res, nil
}

// parseNginx turns the parser's panics on malformed input (if any) into an error.
func parseNginx(data []byte) (cfg *config.Config, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	pr := parser.NewStringParser(string(data), parser.WithSkipValidDirectivesErr(), parser.WithCustomDirectives(espNginxDirectives...), parser.WithSkipComments())
	return pr.Parse()
}

type nginxMigration struct {
	res     *NginxResult
	flags   map[string]string
	listens []nginxListen
	certDir string
	certs   []string
}

type nginxListen struct {
	port      int
	ssl, h2   bool
	line      int
	raw       string
	isDefault bool
}

func (m *nginxMigration) add(line int, sev flags.Severity, msg string) {
	m.res.Findings = append(m.res.Findings, Finding{Line: line, Severity: sev, Topic: "nginx", Message: msg})
}

func params(d config.IDirective) []string {
	var out []string
	for _, p := range d.GetParameters() {
		out = append(out, p.Value)
	}
	return out
}

// walk visits every directive, blocks included.
func (m *nginxMigration) walk(ds []config.IDirective) {
	for _, d := range ds {
		m.directive(d)
		if b := d.GetBlock(); b != nil {
			m.walk(b.GetDirectives())
		}
	}
}

// containerDirectives only group others; they need no mapping of their own.
var containerDirectives = map[string]bool{"http": true, "server": true, "events": true, "upstream": true, "location": true, "endpoints": true}

// ignoredDirectives have no effect on what ESPv2 must do: process, file and log plumbing that
// Envoy does its own way.
var ignoredDirectives = map[string]string{
	"worker_processes": "Envoy sizes its workers itself", "pid": "no pid file in ESPv2", "daemon": "", "user": "",
	"worker_connections": "", "include": "", "default_type": "", "sendfile": "", "tcp_nopush": "", "tcp_nodelay": "",
	"error_log": "ESPv2 logs to stderr", "access_log": "ESPv2's access log is --access_log / --access_log_format",
	"server_name": "ESPv2 serves every host", "root": "", "index": "", "types": "", "gzip": "use --enable_response_compression",
	"proxy_set_header": "ESPv2 sets X-Forwarded-For, x-request-id and Host itself; see --add_request_header", "proxy_http_version": "ESPv2 picks the backend protocol from the backend scheme",
	"grpc_set_header": "", "proxy_redirect": "", "proxy_buffering": "", "client_body_buffer_size": "Envoy buffers by --envoy_connection_buffer_limit_bytes",
	"ssl_session_cache": "", "ssl_session_timeout": "", "ssl_prefer_server_ciphers": "", "http2_max_concurrent_streams": "",
	"real_ip_recursive": "covered by --envoy_xff_num_trusted_hops",
}

func (m *nginxMigration) directive(d config.IDirective) {
	name, args, line := d.GetName(), params(d), d.GetLine()
	switch name {
	case "listen":
		m.listen(args, line)
	case "ssl_certificate", "ssl_certificate_key":
		if len(args) > 0 {
			m.certs = append(m.certs, args[0])
			if m.certDir == "" {
				m.certDir = path.Dir(args[0])
			}
		}
	case "ssl_protocols":
		m.sslProtocols(args, line)
	case "ssl_ciphers":
		m.set("ssl_server_cipher_suites", strings.Join(strings.Split(strings.Join(args, ""), ":"), ","), line, "ssl_ciphers -> --ssl_server_cipher_suites (check the cipher names: Envoy uses BoringSSL names)")
	case "resolver":
		var addrs []string
		for _, a := range args {
			if !strings.Contains(a, "=") {
				addrs = append(addrs, a)
			}
		}
		m.set("dns_resolver_addresses", strings.Join(addrs, ";"), line, "resolver -> --dns_resolver_addresses")
	case "set_real_ip_from":
		m.add(line, severityWarning, "set_real_ip_from "+strings.Join(args, " ")+": ESPv2 trusts X-Forwarded-For by hop count, not by address; --envoy_xff_num_trusted_hops is set from real_ip_header")
	case "real_ip_header":
		if len(args) > 0 && strings.EqualFold(args[0], "X-Forwarded-For") {
			m.set("envoy_xff_num_trusted_hops", "1", line, "real_ip_header X-Forwarded-For -> --envoy_xff_num_trusted_hops=1 (one trusted proxy in front; raise it for more)")
		} else {
			m.add(line, severityError, "real_ip_header "+strings.Join(args, " ")+": ESPv2 reads the client IP only from X-Forwarded-For (or the connection with --envoy_use_remote_address)")
		}
	case "underscores_in_headers":
		if len(args) > 0 && args[0] == "on" {
			m.set("underscores_in_headers", "", line, "underscores_in_headers on -> --underscores_in_headers")
		}
	case "client_max_body_size", "large_client_header_buffers", "keepalive_timeout", "client_header_timeout", "client_body_timeout", "send_timeout":
		m.add(line, severityError, name+" "+strings.Join(args, " ")+": ESPv2 has no start-up flag for it (Envoy's defaults apply: 60 KiB headers, no body limit, 1 h idle connections); if it matters, add it with --envoy_extra_config_yaml or in front of ESPv2")
	case "proxy_read_timeout", "grpc_read_timeout", "proxy_send_timeout", "proxy_connect_timeout":
		m.add(line, severityWarning, name+" "+strings.Join(args, " ")+": ESPv2 takes backend deadlines from the service config (backend rules' deadline, default 15 s) and --http_request_timeout_s for the whole request")
	case "proxy_pass", "grpc_pass":
		m.backend(name, args, line)
	case "rewrite":
		m.add(line, severityError, "rewrite "+strings.Join(args, " ")+": ESPv2 has no rewrite; express it as a backend rule's path_translation (x-google-backend in OpenAPI) or change the backend")
	case "return", "add_header", "if", "set", "deny", "allow", "auth_basic", "limit_req", "limit_conn":
		m.add(line, severityError, name+" "+strings.Join(args, " ")+": no ESPv2 equivalent; it must move to the backend or to a proxy in front of ESPv2")
	case "api", "metadata_server", "on", "off", "google_authentication_secret", "endpoints_resolver", "endpoints_certificates", "server_config", "endpoints_status":
		m.add(line, severityInfo, name+": ESPv1's endpoints module setting; ESPv2 takes the service config from --service/--version/--rollout_strategy or --service_json_path")
	default:
		if containerDirectives[name] {
			if name == "location" {
				m.add(line, severityInfo, "location "+strings.Join(args, " ")+": ESPv2 routes by the service config's HTTP rules, not by location blocks")
			}
			return
		}
		if why, ok := ignoredDirectives[name]; ok {
			msg := name + ": not needed in ESPv2"
			if why != "" {
				msg += " (" + why + ")"
			}
			m.add(line, severityInfo, msg)
			return
		}
		m.add(line, severityError, name+" "+strings.Join(args, " ")+": directive not understood by espctl; check by hand whether ESPv2 needs an equivalent")
	}
}

func (m *nginxMigration) set(flag, value string, line int, msg string) {
	if value == "" {
		m.flags[flag] = "\x00"
	} else {
		m.flags[flag] = value
	}
	m.add(line, severityInfo, msg)
}

func (m *nginxMigration) listen(args []string, line int) {
	if len(args) == 0 {
		return
	}
	l := nginxListen{line: line, raw: strings.Join(args, " ")}
	addr := args[0]
	if i := strings.LastIndex(addr, ":"); i >= 0 {
		addr = addr[i+1:]
	}
	port, err := strconv.Atoi(addr)
	if err != nil {
		m.add(line, severityError, "listen "+l.raw+": cannot read the port")
		return
	}
	l.port = port
	for _, a := range args[1:] {
		switch a {
		case "ssl":
			l.ssl = true
		case "http2":
			l.h2 = true
		case "default_server", "default":
			l.isDefault = true
		}
	}
	m.listens = append(m.listens, l)
}

func (m *nginxMigration) sslProtocols(args []string, line int) {
	order := map[string]int{"TLSv1": 0, "TLSv1.1": 1, "TLSv1.2": 2, "TLSv1.3": 3}
	names := []string{"TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"}
	lo, hi := 4, -1
	for _, a := range args {
		v, ok := order[a]
		if !ok {
			m.add(line, severityError, "ssl_protocols: unknown protocol "+a)
			continue
		}
		lo, hi = min(lo, v), max(hi, v)
	}
	if hi < 0 {
		return
	}
	m.set("ssl_minimum_protocol", names[lo], line, "ssl_protocols -> --ssl_minimum_protocol/--ssl_maximum_protocol")
	m.flags["ssl_maximum_protocol"] = names[hi]
}

func (m *nginxMigration) backend(name string, args []string, line int) {
	if len(args) == 0 {
		return
	}
	target := args[0]
	if strings.Contains(target, "$") {
		m.add(line, severityError, name+" "+target+": a variable target cannot be a fixed --backend; use backend rules in the service config")
		return
	}
	if _, seen := m.flags["backend"]; seen && m.flags["backend"] != target {
		m.add(line, severityError, name+" "+target+": a second backend; ESPv2 has one --backend, other backends go in the service config's backend rules")
		return
	}
	if !strings.Contains(target, "://") {
		target = "http://" + target // an upstream name: resolve it by hand
		m.add(line, severityWarning, name+" "+args[0]+": an upstream name; --backend needs host:port")
	}
	m.set("backend", target, line, name+" -> --backend="+target)
}

// finish turns the listens and certificates into the listener flags.
func (m *nginxMigration) finish() {
	switch len(m.listens) {
	case 0:
	case 1:
		l := m.listens[0]
		m.flags["listener_port"] = strconv.Itoa(l.port)
		msg := fmt.Sprintf("listen %s -> --listener_port=%d (ESPv2 serves HTTP/1.1 and HTTP/2 on it)", l.raw, l.port)
		if l.ssl {
			m.flags["ssl_server_cert_path"] = m.certDir
			msg += "; ssl -> --ssl_server_cert_path=" + m.certDir
			if m.certDir == "" {
				m.add(l.line, severityError, "listen ssl without ssl_certificate: set --ssl_server_cert_path to a directory holding server.crt and server.key")
			}
		}
		m.add(l.line, severityInfo, msg)
		if l.port < 1024 {
			m.add(l.line, severityError, fmt.Sprintf("port %d is below 1024, which ESPv2 rejects; listen on 8080 and map the port outside the container", l.port))
		}
	default:
		var ports []string
		for _, l := range m.listens {
			ports = append(ports, strconv.Itoa(l.port))
		}
		m.add(m.listens[0].line, severityError, "several listen ports ("+strings.Join(ports, ", ")+"): ESPv2 has one listener; pick one port for --listener_port")
	}
	if m.certDir != "" {
		for _, c := range m.certs {
			base := path.Base(c)
			if base != "server.crt" && base != "server.key" && !strings.Contains(m.certDir, "/etc/nginx/ssl") {
				m.add(0, severityWarning, "certificate "+c+": ESPv2 reads server.crt and server.key from --ssl_server_cert_path; rename the files")
			}
		}
	}
	names := make([]string, 0, len(m.flags))
	for k := range m.flags {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if v := m.flags[k]; v == "\x00" {
			m.res.Args = append(m.res.Args, "--"+k)
		} else {
			m.res.Args = append(m.res.Args, "--"+k+"="+v)
		}
	}
}
