package main

import (
	"strings"
	"testing"

	bootstrapv3 "github.com/envoyproxy/go-control-plane/envoy/config/bootstrap/v3"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/espctl/espctl/golden"
)

// envoyCorpusArgs are every corpus API config, OpenAPI included, with its descriptors.
func envoyCorpusArgs(c string) map[string][]string {
	grpc := []string{"--backend", "grpc://127.0.0.1:8081"}
	return map[string][]string{
		"getting-started.openapi":                    {c + "/getting-started/openapi.yaml"},
		"getting-started.openapi-appengine":          {c + "/getting-started/openapi-appengine.yaml"},
		"esp-v1-openapi.swagger":                     {c + "/esp-v1-openapi/swagger.yaml"},
		"esp-v1-openapi.swagger_template":            {c + "/esp-v1-openapi/swagger_template.json"},
		"getting-started-grpc":                       append([]string{c + "/getting-started-grpc/api_config.yaml", "--descriptor", c + "/getting-started-grpc/api_descriptor.pb"}, grpc...),
		"bookstore-grpc.api_config":                  append([]string{c + "/bookstore-grpc/api_config.yaml", "--proto", c + "/bookstore-grpc/bookstore.proto"}, grpc...),
		"bookstore-grpc.api_config_auth":             append([]string{c + "/bookstore-grpc/api_config_auth.yaml", "--proto", c + "/bookstore-grpc/http_bookstore.proto"}, grpc...),
		"bookstore-grpc.api_config_http":             append([]string{c + "/bookstore-grpc/api_config_http.yaml", "--proto", c + "/bookstore-grpc/bookstore.proto"}, grpc...),
		"bookstore-grpc.api_config_anthos":           append([]string{c + "/bookstore-grpc/api_config_anthos.yaml", "--proto", c + "/bookstore-grpc/bookstore.proto"}, grpc...),
		"bookstore-grpc-transcoding.api_config":      append([]string{c + "/bookstore-grpc-transcoding/api_config.yaml", "--proto", c + "/bookstore-grpc-transcoding/bookstore.proto"}, grpc...),
		"bookstore-grpc-transcoding.api_config_auth": append([]string{c + "/bookstore-grpc-transcoding/api_config_auth.yaml", "-I", c + "/bookstore-grpc-transcoding", "--proto", c + "/bookstore-grpc-transcoding/bookstore.proto"}, grpc...),
		"esp-v1-grpc-transcoding":                    append([]string{c + "/esp-v1-grpc-transcoding/bookstore-api.yaml", "--proto", c + "/esp-v1-grpc-transcoding/bookstore.proto"}, grpc...),
		"esp-v1-service-config.service":              append([]string{"--service_json_path", c + "/esp-v1-service-config/service.json"}, grpc...),
		"esp-v1-service-config.bookstore":            {c + "/esp-v1-service-config/bookstore.json"},
	}
}

// TestEnvoyCorpusGolden pins the bootstrap of every corpus config, and checks that the printed
// JSON loads back into a Bootstrap that passes Envoy's validation rules.
func TestEnvoyCorpusGolden(t *testing.T) {
	c := sharedCorpus(t)
	for name, args := range envoyCorpusArgs(c) {
		t.Run(name, func(t *testing.T) {
			r := runCLI(t, "", append([]string{"envoy", "-o", "json"}, args...)...)
			if r.code != exitOK {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			var b bootstrapv3.Bootstrap
			if err := protojson.Unmarshal([]byte(r.stdout), &b); err != nil {
				t.Fatalf("output does not load as a Bootstrap: %v", err)
			}
			if err := b.ValidateAll(); err != nil {
				t.Fatalf("output does not validate: %v", err)
			}
			golden.AssertString(t, "testdata/envoy/"+name+".json", r.stdout)
		})
	}
}

// The same inputs print the same bytes, in YAML too.
func TestEnvoyDeterministicYAML(t *testing.T) {
	c := sharedCorpus(t)
	args := append([]string{"envoy"}, envoyCorpusArgs(c)["getting-started.openapi"]...)
	args = append(args, "--cors_preset", "cors_with_regex", "--cors_allow_origin_regex", `https://.*\.example\.com`, "--healthz", "healthz", "--admin_port", "9901")
	first := runCLI(t, "", args...)
	if first.code != exitOK {
		t.Fatalf("exit %d: %s", first.code, first.stderr)
	}
	if again := runCLI(t, "", args...); again.stdout != first.stdout {
		t.Fatal("two runs printed different bytes")
	}
	golden.AssertString(t, "testdata/envoy/getting-started.openapi.cors.yaml", first.stdout)
}

func TestEnvoyBadFlags(t *testing.T) {
	c := sharedCorpus(t)
	spec := c + "/getting-started/openapi.yaml"
	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--cors_preset", "fancy"}, exitBadInput, `cors_preset must be either "basic" or "cors_with_regex"`},
		{[]string{"--cors_preset", "cors_with_regex"}, exitBadInput, "cors_allow_origin_regex cannot be empty"},
		{[]string{"--cluster_connect_timeout", "soon"}, exitBadInput, "--cluster_connect_timeout"},
		{[]string{"--backend_retry_on_status_codes", "700"}, exitBadInput, "not an HTTP status code"},
		{[]string{"--backend_dns_lookup_family", "v5"}, exitInvalid, "unknown DNS lookup family"},
	} {
		r := runCLI(t, "", append([]string{"envoy", spec}, tt.args...)...)
		if r.code != tt.code || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", tt.args, r.code, r.stderr, tt.code, tt.want)
		}
	}
	if r := runCLI(t, "", "envoy", "/nonexistent/api_config.yaml"); r.code != exitBadInput {
		t.Errorf("missing file: exit %d, want %d", r.code, exitBadInput)
	}
}

// The help of envoy and the xds commands is pinned, so a flag change shows as a diff.
func TestEnvoyAndXDSHelpGolden(t *testing.T) {
	for file, args := range map[string][]string{
		"testdata/envoy/help.txt":         {"envoy", "--help"},
		"testdata/xds/help.txt":           {"xds", "--help"},
		"testdata/xds/serve-help.txt":     {"xds", "serve", "--help"},
		"testdata/xds/bootstrap-help.txt": {"xds", "bootstrap", "--help"},
	} {
		r := runCLI(t, "", args...)
		if r.code != exitOK {
			t.Fatalf("%v: exit %d: %s", args, r.code, r.stderr)
		}
		golden.AssertString(t, file, r.stdout)
	}
}
