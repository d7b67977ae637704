package openapi

import (
	"os"
	"path/filepath"
	"testing"

	"go.yaml.in/yaml/v3"
	"google.golang.org/genproto/googleapis/api/serviceconfig"

	"github.com/espctl/espctl/golden"
)

// seeds adds every test document as a seed, so fuzzing starts from real shapes.
func seeds(f *testing.F) {
	for _, pattern := range []string{"testdata/convert/*.yaml", "testdata/convert/*.json.in", "testdata/rules/*.yaml"} {
		files, _ := filepath.Glob(pattern)
		for _, path := range files {
			if data, err := os.ReadFile(path); err == nil {
				f.Add(data)
			}
		}
	}
}

// FuzzLoad: no input makes Load or IsOpenAPI panic, and a result without errors has a name.
func FuzzLoad(f *testing.F) {
	seeds(f)
	f.Add([]byte("swagger: \"2.0\"\npaths: {\"/a\": {get: &x {x-google-backend: *x}}}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		IsOpenAPI(data)
		svc, diags := Load("fuzz.yaml", data)
		if svc == nil && !diags.HasErrors() {
			t.Fatalf("no service and no error")
		}
	})
}

// extensionConverter is a converter over one extension value, for fuzzing the parsers alone.
func extensionConverter(t *testing.T, data []byte) (*converter, *yaml.Node) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil || len(doc.Content) == 0 {
		t.Skip()
	}
	c := &converter{src: &source{file: "fuzz.yaml", root: doc.Content[0], index: map[string]*yaml.Node{}}}
	c.doc = &document{root: doc.Content[0], refPrefix: "#/definitions/"}
	return c, deref(doc.Content[0])
}

// FuzzBackendExtension feeds x-google-backend values to its parser.
func FuzzBackendExtension(f *testing.F) {
	f.Add([]byte("address: https://a.example.com/x\npath_translation: CONSTANT_ADDRESS\ndeadline: 7.5"))
	f.Add([]byte("address: grpc://[::1]:99999\nprotocol: h2\ndisable_auth: maybe"))
	f.Add([]byte("{jwt_audience: [1], deadline: {}}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, n := extensionConverter(t, data)
		c.parseBackend(n, "x-google-backend", serviceconfig.BackendRule_CONSTANT_ADDRESS)
	})
}

// FuzzSecurityExtensions feeds a security definition with x-google-* fields to the provider
// parser (issuer, jwks_uri, audiences, jwt-locations).
func FuzzSecurityExtensions(f *testing.F) {
	f.Add([]byte("type: oauth2\nx-google-issuer: a\nx-google-audiences: [a, b]\nx-google-jwt-locations: [{header: h, value_prefix: p}, {query: q, value_prefix: x}]"))
	f.Add([]byte("type: apiKey\nin: cookie"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, n := extensionConverter(t, data)
		k := &yaml.Node{Kind: yaml.ScalarNode, Value: "def"}
		c.provider(c.readSecDef(entry{key: k, value: n}, "securityDefinitions.def"))
	})
}

// FuzzManagementExtensions feeds top-level documents holding x-google-management,
// x-google-endpoints, x-google-allow and x-google-api-name to their parsers.
func FuzzManagementExtensions(f *testing.F) {
	f.Add([]byte("x-google-management: {metrics: [{name: m, value_type: INT64}], quota: {limits: [{name: l, metric: m, unit: 1/min/{project}, values: {STANDARD: x}}]}}\nx-google-endpoints: [{name: a, allowCors: yes}]\nx-google-allow: all\nx-google-api-name: Bad-Name"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, _ := extensionConverter(t, data)
		svc := &serviceconfig.Service{}
		c.management(svc)
		c.endpoints("svc.example.com")
		c.addAllowAll("1.api")
		c.apiName("svc.example.com", "1.0")
	})
}

// TestAliasBomb: nested YAML aliases are refused before any walk expands them.
func TestAliasBomb(t *testing.T) {
	doc := "swagger: \"2.0\"\na: &a [x, x, x, x, x, x, x, x, x, x]\n"
	prev := "a"
	for i := 0; i < 12; i++ {
		name := string(rune('b' + i))
		doc += name + ": &" + name + " [*" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + "]\n"
		prev = name
	}
	_, diags := Load("bomb.yaml", []byte(doc))
	golden.AssertString(t, "testdata/alias_bomb.diags", diags.Text())
}
