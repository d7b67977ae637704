package flags

import (
	"strings"
	"testing"
)

// espctl run migrates ESPv1 flags while the API config comes from --config: no service flag
// is needed then, and nothing may need a person for a plain port flag.
func TestMigrateServiceFromElsewhere(t *testing.T) {
	r, err := Migrate([]string{"-p", "8080", "-a", "grpc://127.0.0.1:9000"}, MigrateOptions{ServiceFromElsewhere: true})
	if err != nil {
		t.Fatal(err)
	}
	if r.NeedsPerson() {
		t.Errorf("needs a person: %+v", r.Findings)
	}
	r, _ = Migrate([]string{"-p", "8080"}, MigrateOptions{})
	if !r.NeedsPerson() {
		t.Error("without a service source the migration must need a person")
	}
}

// The worked examples of flag-migration.md section 5, byte for byte. The reference leaves out
// the explicit default backend in two rows that its own rule 2.2 adds (flag-decisions.md).
func TestReferenceWorkedExamples(t *testing.T) {
	for _, c := range []struct {
		in, want string
		opts     MigrateOptions
	}{
		{"-p 8080 -a 127.0.0.1:8081 -s SERVICE_NAME -v SERVICE_VERSION -k /etc/nginx/creds/service-account-creds.json",
			"--listener_port=8080 --backend=http://127.0.0.1:8081 --service=SERVICE_NAME --version=SERVICE_VERSION --service_account_key=/etc/nginx/creds/service-account-creds.json", MigrateOptions{}},
		{"--http_port=8081 --backend=127.0.0.1:8080 --service=SERVICE_NAME --rollout_strategy=managed",
			"--listener_port=8081 --backend=http://127.0.0.1:8080 --service=SERVICE_NAME --rollout_strategy=managed", MigrateOptions{}},
		{"--service=SVC --rollout_strategy=managed --ssl_port=8443 --http_port=8080 --enable_websocket",
			"--service=SVC --rollout_strategy=managed --listener_port=8443 --ssl_server_cert_path=/etc/nginx/ssl --backend=http://127.0.0.1:8081", MigrateOptions{}},
		{"-s SVC -v CFG --ssl_protocols=TLSv1.2 --ssl_protocols=TLSv1.3 -S 8443 --dns=8.8.8.8",
			"--service=SVC --version=CFG --ssl_minimum_protocol=TLSv1.2 --ssl_maximum_protocol=TLSv1.3 --listener_port=8443 --ssl_server_cert_path=/etc/nginx/ssl --dns_resolver_addresses=8.8.8.8 --backend=http://127.0.0.1:8081", MigrateOptions{}},
	} {
		r, err := Migrate(strings.Fields(c.in), c.opts)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(r.Args, " "); got != c.want {
			t.Errorf("%s\n got: %s\nwant: %s", c.in, got, c.want)
		}
	}
	for _, c := range []struct {
		espArgs, corsPreset, want string
	}{
		{"^++^--cors_allow_methods=GET,POST++--cors_allow_credentials", "basic", "^++^--cors_preset=basic++--cors_allow_methods=GET,POST++--cors_allow_credentials"},
		{"--log_request_headers=x-user,--jwks_cache_duration_in_s=600,--enable_api_key_uid_reporting=false", "", "--log_request_headers=x-user,--jwks_cache_duration_in_s=600,--no-service_control_enable_api_key_uid_reporting"},
	} {
		items, _ := SplitESPArgs(c.espArgs)
		env := map[string]string{}
		if c.corsPreset != "" {
			env["CORS_PRESET"] = c.corsPreset
		}
		r, err := Migrate(items, MigrateOptions{Input: FromESPArgs, Env: env})
		if err != nil {
			t.Fatal(err)
		}
		if got := r.Env["ESPv2_ARGS"]; got != c.want {
			t.Errorf("ESP_ARGS=%s\n got: %s\nwant: %s", c.espArgs, got, c.want)
		}
	}
	r, _ := Migrate([]string{"--rewrite=^/v1/(.*) /$1"}, MigrateOptions{Input: FromESPArgs})
	if r.Env != nil || !r.NeedsPerson() {
		t.Errorf("--rewrite in ESP_ARGS: env %v, needs a person %v", r.Env, r.NeedsPerson())
	}
}
