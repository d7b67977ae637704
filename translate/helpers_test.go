package translate

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/api/serviceconfig"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/espctl/espctl/golden"
	"github.com/espctl/espctl/output"
)

// svc decodes a service config written as JSON, as ESPv2 does (unknown keys ignored).
func svc(t testing.TB, js string) *serviceconfig.Service {
	t.Helper()
	s := &serviceconfig.Service{}
	if err := (protojson.UnmarshalOptions{DiscardUnknown: true}).Unmarshal([]byte(js), s); err != nil {
		t.Fatalf("bad test service config: %v", err)
	}
	return s
}

// build runs Build and fails the test on error.
func build(t testing.TB, s *serviceconfig.Service, opts Options) *Config {
	t.Helper()
	cfg, err := Build(s, nil, opts)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return cfg
}

// buildErr runs Build and returns its error text, failing when it succeeds.
func buildErr(t testing.TB, s *serviceconfig.Service, opts Options) string {
	t.Helper()
	_, err := Build(s, nil, opts)
	if err == nil {
		t.Fatal("Build succeeded, want an error")
	}
	return err.Error()
}

// wantErr checks that Build fails with a message containing want.
func wantErr(t testing.TB, s *serviceconfig.Service, opts Options, want string) {
	t.Helper()
	if got := buildErr(t, s, opts); !strings.Contains(got, want) {
		t.Errorf("error = %q\nwant it to contain %q", got, want)
	}
}

// methodOf returns the named method of cfg.
func methodOf(t testing.TB, cfg *Config, selector string) Method {
	t.Helper()
	for _, m := range cfg.Methods {
		if m.Selector == selector {
			return m
		}
	}
	t.Fatalf("no method %s", selector)
	return Method{}
}

// routeList renders routes as `METHOD pattern` strings in order.
func routeList(cfg *Config) []string {
	var out []string
	for _, r := range cfg.Routes {
		out = append(out, r.Method+" "+r.Pattern)
	}
	return out
}

// assertJSON compares cfg printed as JSON with a golden file.
func assertJSON(t *testing.T, path string, cfg *Config) {
	t.Helper()
	var buf bytes.Buffer
	if err := output.WriteJSON(&buf, cfg); err != nil {
		t.Fatal(err)
	}
	golden.Assert(t, path, buf.Bytes())
}

// readServiceFile loads a service config JSON file.
func readServiceFile(t testing.TB, path string) *serviceconfig.Service {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return svc(t, string(data))
}

// sharedDir returns ../shared from the repository root, skipping the test when absent.
func sharedDir(t testing.TB) string {
	t.Helper()
	dir := filepath.Join("..", "..", "shared")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("shared folder %s not present: %v", dir, err)
	}
	return dir
}
