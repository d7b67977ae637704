package xds

import (
	"regexp"
	"strings"
	"testing"

	rbacfilterv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/rbac/v3"
	hcmv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"

	"github.com/espctl/espctl/translate"
)

func filterNames(t *testing.T, cfg *translate.Config, opts Options) string {
	t.Helper()
	res, err := Generate(cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	var m hcmv3.HttpConnectionManager
	if err := res.Listeners[0].FilterChains[0].Filters[0].GetTypedConfig().UnmarshalTo(&m); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range m.HttpFilters {
		names = append(names, strings.TrimPrefix(f.Name, "envoy.filters.http."))
	}
	return strings.Join(names, ",")
}

// Each filter appears only when its feature is used, always in ESPv2's order.
func TestFilterChain(t *testing.T) {
	cors := DefaultOptions()
	cors.CORS.Preset = "basic"

	grpcAuth := grpcConfig()
	grpcAuth.Healthz = "healthz"
	grpcAuth.Providers = []translate.AuthProvider{{ID: "p", Issuer: "i", JWKSURI: "http://jwks.local:8000/keys"}}
	grpcAuth.Methods[0].Auth = &translate.AuthRequirement{Providers: []translate.ProviderRequirement{{ProviderID: "p"}}}

	noDescriptors := grpcConfig()
	noDescriptors.Descriptors = nil

	for _, tt := range []struct {
		name string
		cfg  *translate.Config
		opts Options
		want string
	}{
		{"openapi", openAPIConfig(), DefaultOptions(), "health_check,jwt_authn,router"},
		{"openapi with cors", openAPIConfig(), cors, "cors,health_check,jwt_authn,router"},
		{"grpc", grpcConfig(), DefaultOptions(), "grpc_web,grpc_json_transcoder,router"},
		{"grpc everything", grpcAuth, cors, "cors,health_check,jwt_authn,grpc_web,grpc_json_transcoder,router"},
		{"grpc without descriptors", noDescriptors, DefaultOptions(), "grpc_web,router"},
		{"empty", &translate.Config{Service: "s"}, DefaultOptions(), "router"},
	} {
		if got := filterNames(t, tt.cfg, tt.opts); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestIgnoredQueryParameters(t *testing.T) {
	p, err := newPlan(grpcConfig(), DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	p.opts.Transcoding.IgnoreQueryParameters = []string{"trace"}
	// SayHello has default key locations, StreamHello a custom `apikey`.
	if got := strings.Join(ignoredQueryParameters(p), ","); got != "api_key,apikey,key,trace" {
		t.Errorf("ignored = %s", got)
	}
}

func TestJWTRequirement(t *testing.T) {
	one := jwtRequirement(&translate.AuthRequirement{Providers: []translate.ProviderRequirement{{ProviderID: "a"}}})
	if one.GetProviderName() != "a" {
		t.Errorf("single provider: %v", one)
	}
	optional := jwtRequirement(&translate.AuthRequirement{Providers: []translate.ProviderRequirement{{ProviderID: "a"}}, AllowWithoutCredential: true})
	if alts := optional.GetRequiresAny().GetRequirements(); len(alts) != 2 || alts[1].GetAllowMissing() == nil {
		t.Errorf("allow without credential: %v", optional)
	}
}

func TestClusters(t *testing.T) {
	cfg := grpcConfig()
	cfg.Methods[0].Backend = translate.Backend{Address: "grpcs://api.example.com", Scheme: "grpcs", Host: "api.example.com", Protocol: "grpc", TLS: true}
	res, err := Generate(cfg, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range res.Clusters {
		names = append(names, c.Name)
		if c.Name == "backend-cluster-api.example.com:443" {
			if c.TransportSocket == nil || c.TypedExtensionProtocolOptions == nil {
				t.Errorf("grpcs cluster without TLS or HTTP/2: %v", c)
			}
		}
	}
	if got := strings.Join(names, ","); got != "backend-cluster-api.example.com:443,backend-cluster-hello.endpoints.example.cloud.goog_local" {
		t.Errorf("clusters = %s", got)
	}
}

// With Service Control on, methods that need an API key reject requests without one (the RBAC
// filter sits where ESPv2's Service Control filter does); the key is looked up in the method's
// locations.
func TestAPIKeyCheck(t *testing.T) {
	cfg := openAPIConfig()
	cfg.ServiceControl = "https://servicecontrol.googleapis.com"
	cfg.Methods[1].APIKey.AllowUnregisteredCalls = true
	cfg.Methods[2].APIKey.Locations = []translate.APIKeyLocation{{Query: "key"}, {Header: "x-api-key"}}
	if got := filterNames(t, cfg, DefaultOptions()); got != "health_check,jwt_authn,rbac,router" {
		t.Fatalf("filters: %s", got)
	}
	p, err := newPlan(cfg, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	if apiKeyPerRoute(p, &cfg.Methods[1]) != nil {
		t.Error("allow_unregistered_calls method got a key check")
	}
	per := apiKeyPerRoute(p, &cfg.Methods[2]).(*rbacfilterv3.RBACPerRoute)
	ids := per.GetRbac().GetRules().GetPolicies()["api-key-present"].GetPrincipals()[0].GetOrIds().GetIds()
	if len(ids) != 2 || ids[1].GetHeader().GetName() != "x-api-key" {
		t.Fatalf("principals: %v", ids)
	}
	re := regexp.MustCompile(ids[0].GetHeader().GetStringMatch().GetSafeRegex().GetRegex())
	for path, want := range map[string]bool{
		"/echo?key=abc": true, "/echo?a=1&key=abc": true, "/echo?mykey=abc": false, "/echo": false, "/key=x": false,
	} {
		if re.MatchString(path) != want {
			t.Errorf("%s: match %v, want %v", path, !want, want)
		}
	}
	// Without Service Control nothing is checked, as in ESPv2.
	if got := filterNames(t, openAPIConfig(), DefaultOptions()); strings.Contains(got, "rbac") {
		t.Errorf("filters without Service Control: %s", got)
	}
}

func TestTLSFiles(t *testing.T) {
	opts := DefaultOptions()
	opts.ServerCertPath = "/etc/nginx/ssl"
	opts.BackendClientCertPath = "/certs"
	cfg := openAPIConfig()
	res, err := Generate(cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := JSON(res.Listeners[0])
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw), "/etc/nginx/ssl/nginx.crt") || !strings.Contains(string(raw), `"h2","http/1.1"`) {
		t.Errorf("listener TLS: %s", raw)
	}
	for _, c := range res.Clusters {
		raw, _ := JSON(c)
		hasClientCert := strings.Contains(string(raw), "/certs/client.crt")
		if want := c.GetName() == "backend-cluster-pets.example.com:443"; hasClientCert != want {
			t.Errorf("%s: client certificate %v, want %v", c.GetName(), hasClientCert, want)
		}
	}
}
