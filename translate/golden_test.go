package translate

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// testOptions are read from the `x-test-options` key of a test config (which protojson, with
// unknown keys discarded, ignores): one file holds the input and its options.
type testOptions struct {
	Options struct {
		Backend                      string `json:"backend"`
		Healthz                      string `json:"healthz"`
		EnableBackendAddressOverride bool   `json:"enable_backend_address_override"`
		NonGCP                       bool   `json:"non_gcp"`
		ServiceControlURL            string `json:"service_control_url"`
	} `json:"x-test-options"`
}

// TestGoldenConfigs builds every testdata/configs/*.json and compares the normalized config
// with the .golden file beside it.
func TestGoldenConfigs(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "configs", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no test configs: %v", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var to testOptions
			if err := json.Unmarshal(data, &to); err != nil {
				t.Fatal(err)
			}
			o := to.Options
			cfg := build(t, svc(t, string(data)), Options{
				Backend: o.Backend, Healthz: o.Healthz, EnableBackendAddressOverride: o.EnableBackendAddressOverride,
				NonGCP: o.NonGCP, ServiceControlURL: o.ServiceControlURL,
			})
			assertJSON(t, strings.TrimSuffix(file, ".json")+".golden", cfg)
		})
	}
}

// TestBuildDeterministic builds the same input twice and expects the same bytes.
func TestBuildDeterministic(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "configs", "grpc_bookstore.json"))
	if err != nil {
		t.Fatal(err)
	}
	first := jsonOf(t, build(t, svc(t, string(data)), Options{Healthz: "healthz"}))
	for i := 0; i < 5; i++ {
		if again := jsonOf(t, build(t, svc(t, string(data)), Options{Healthz: "healthz"})); again != first {
			t.Fatal("two builds of the same input differ")
		}
	}
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
