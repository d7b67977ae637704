package flags

import (
	"fmt"
	"strings"
	"testing"

	"github.com/espctl/espctl/golden"
)

// Every argv form, parsed against the ESPv1 registry, one line per case in a golden file.
func TestParseESPv1Forms(t *testing.T) {
	cases := [][]string{
		{"--service=SVC", "--version", "CFG"},
		{"-s", "SVC", "-vCFG", "-a=127.0.0.1:8080"},
		{"-tN8091"},
		{"-t", "-N", "8091"},
		{"--service_acc=/k.json", "--log_jwt=sub"},
		{"--http_port=8080", "--http_port=9090"},
		{"--ssl_protocols=TLSv1.2", "--ssl_protocols", "TLSv1.3"},
		{"--client_ip_position", "-1"},
		{"--dns", "8.8.8.8 8.8.4.4"},
		{"--non_gcp=true"},
		{"--nosuch=1", "--other", "value", "stray"},
		{"--", "--service=x"},
		{"--service="},
		{"-R", "managed", "-z", "healthz"},
		{"-q"},
		{"-tq"},
	}
	var b strings.Builder
	for _, c := range cases {
		args, err := ParseESPv1(c)
		fmt.Fprintf(&b, "%q\n", c)
		if err != nil {
			fmt.Fprintf(&b, "  error: %v\n", err)
			continue
		}
		for _, a := range args {
			fmt.Fprintf(&b, "  %-40s known=%-5v input=%q\n", a.String(), a.Known(), a.Input)
		}
	}
	golden.AssertString(t, "testdata/parse_espv1.txt", b.String())
}

func TestParseErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--service"}, "--service: expected one argument"},
		{[]string{"--service", "--version=x"}, "--service: expected one argument"},
		{[]string{"--http_port=abc"}, `--http_port: invalid int value: "abc"`},
		{[]string{"-R", "sometimes"}, `-R: invalid choice: "sometimes" (choose from fixed, managed)`},
		{[]string{"--ssl=1"}, "--ssl: ambiguous option"},
		{[]string{"--non_gcp=maybe"}, `--non_gcp: boolean flag given "maybe"`},
	} {
		_, err := ParseESPv1(c.args)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v, want %q", c.args, err, c.want)
		}
	}
}

func TestParseESPv2Validation(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string // "" = valid
	}{
		{[]string{"--version=2019-11-09r0"}, ""},
		{[]string{}, "--version is required"},
		{[]string{"-R", "managed", "--version=x"}, "--version cannot be used"},
		{[]string{"-R", "managed", "--service_json_path=/s.json"}, "must be fixed with --service_json_path"},
		{[]string{"--service_json_path=/s.json", "-s", "x"}, "--service cannot be used together"},
		{[]string{"--service_json_path=/s.json", "-v", "x"}, "--version cannot be used together"},
		{[]string{"-v", "x", "--non_gcp"}, "--non_gcp is specified"},
		{[]string{"-v", "x", "--non_gcp", "--service_account_key=k", "--enable_application_default_credentials"}, "Only one of"},
		{[]string{"-v", "x", "--access_log_format=%s"}, "has to be used together with --access_log"},
		{[]string{"-v", "x", "--ssl_port=8443", "--ssl_server_cert_path=/c"}, "--ssl_port is going to be deprecated"},
		{[]string{"-v", "x", "-t", "--ssl_backend_client_cert_path=/c"}, "--tls_mutual_auth is going to be deprecated"},
		{[]string{"-v", "x", "--enable_grpc_backend_ssl", "--ssl_client_root_certs_file=/c"}, "--enable_grpc_backend_ssl are going to be deprecated"},
		{[]string{"-v", "x", "--generate_self_signed_cert", "--ssl_server_cert_path=/c"}, "cannot be used simutaneously"},
		{[]string{"-v", "x", "--http_port=8081", "--ssl_port=8443"}, "Multiple port flags --http_port,--ssl_port are not allowed"},
		{[]string{"-v", "x", "--listener_port=80"}, "is a privileged port"},
		{[]string{"-v", "x", "--listener_port=1024"}, ""},
		{[]string{"-v", "x", "--ssl_protocols=TLSv1.2", "--ssl_minimum_protocol=TLSv1.2"}, "--ssl_protocols is going to be deprecated"},
		{[]string{"-v", "x", "--transcoding_ignore_query_parameters=a", "--transcoding_ignore_unknown_query_parameters"}, "cannot be used together with --transcoding_ignore_unknown_query_parameters"},
		{[]string{"-v", "x", "--dns=8.8.8.8", "--dns_resolver_addresses=8.8.8.8"}, "together with together with --dns"},
		{[]string{"-v", "x", "--ssl_client_cert_path=/a", "--ssl_backend_client_cert_path=/b"}, "--ssl_client_cert_path is renamed"},
		{[]string{"-v", "x", "--ssl_client_root_certs_file=/a", "--ssl_backend_client_root_certs_file=/b"}, "--ssl_client_root_certs_file is renamed"},
		{[]string{"-v", "x", "--health_check_grpc_backend"}, "requires the flag --backend to use grpc scheme"},
		{[]string{"-v", "x", "-a", "grpc://h:1", "--health_check_grpc_backend"}, ""},
		{[]string{"-v", "x", "--health_check_grpc_backend_interval=1s"}, "--health_check_grpc_backend_interval requires"},
		{[]string{"-v", "x", "--health_check_grpc_backend_service=s"}, "--health_check_grpc_backend_service requires"},
		{[]string{"-v", "x", "--health_check_grpc_backend_no_traffic_interval=1s"}, "--health_check_grpc_backend_no_traffic_interval requires"},
		{[]string{"-v", "x", "--cors_preset=foo"}, "accepts only basic or cors_with_regex"},
		{[]string{"-v", "x", "--backend=ftp://h"}, "scheme must be"},
		{[]string{"-v", "x", "--dns_resolver_addresses=8.8.8.8 8.8.4.4"}, "not an IP address"},
		{[]string{"-v", "x", "--non_gcp=true"}, "takes no value"},
		{[]string{"-v", "x", "-p", "8080"}, "unrecognized argument"},
		{[]string{"-v", "x", "--ssl_client=/x"}, "ambiguous option"},
		{[]string{"-v", "x", ""}, "unrecognized argument"},
	} {
		_, err := parseESPv2(c.args, noEnv)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%q: unexpected error %v", c.args, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%q: error %v, want %q", c.args, err, c.want)
		}
	}
}

func TestOptionsEffectiveValues(t *testing.T) {
	o, err := parseESPv2([]string{"-v", "x", "-a", "127.0.0.1:9000", "--ssl_port=8443", "-t", "--ssl_protocols=TLSv1.3", "--ssl_protocols=TLSv1.2", "--status=9000", "--log_jwt_payload=sub"}, noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if o.Backend != "http://127.0.0.1:9000" || o.ListenerPort != 8443 || o.SSLServerCertPath != "/etc/nginx/ssl" ||
		o.SSLBackendClientCertPath != "/etc/nginx/ssl" || o.SSLMinimumProtocol != "TLSv1.2" || o.SSLMaximumProtocol != "TLSv1.3" ||
		o.AdminPort != 9000 || o.EnvoyXffNumTrustedHops != 2 || o.HTTPRequestTimeoutS != 30 {
		t.Errorf("unexpected options %+v", o)
	}
	if v, _ := o.Value("log_jwt_payloads"); v != "sub" {
		t.Errorf("log_jwt_payloads = %v", v)
	}
	if v, _ := o.Value("admin_port"); v != 9000 {
		t.Errorf("admin_port = %v", v)
	}
	d := DefaultOptions()
	if d.ListenerPort != 8080 || d.Backend != "http://127.0.0.1:8082" || d.RolloutStrategy != "fixed" || !d.ServiceControlEnableAPIKeyUIDReporting || d.CorsMaxAge.Hours() != 480 {
		t.Errorf("unexpected defaults %+v", d)
	}
	if len(d.Values()) != 112 {
		t.Errorf("DefaultOptions().Values() has %d keys, want 112", len(d.Values()))
	}
}
