package translate

import (
	"path/filepath"
	"testing"
)

// TestCorpusServiceConfigs builds the full service configs of ../shared/corpus (as served by
// Service Management) and compares the normalized config with goldens.
func TestCorpusServiceConfigs(t *testing.T) {
	dir := filepath.Join(sharedDir(t), "corpus", "esp-v1-service-config")
	cases := []struct {
		file string
		opts Options
	}{
		{"bookstore.json", Options{}},
		{"service.json", Options{Backend: "grpc://127.0.0.1:8081", Healthz: "healthz"}},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			cfg := build(t, readServiceFile(t, filepath.Join(dir, c.file)), c.opts)
			assertJSON(t, filepath.Join("testdata", "corpus", c.file+".golden"), cfg)
		})
	}
}
