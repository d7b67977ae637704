package apikey

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/espctl/espctl/golden"
	"github.com/espctl/espctl/load"
	"github.com/espctl/espctl/translate"
)

// corpusConfig loads a corpus bookstore config with its proto through load and translate, as
// `espctl run` does.
func corpusConfig(t *testing.T, file string) *translate.Config {
	t.Helper()
	dir := filepath.Join("..", "..", "shared", "corpus", "bookstore-grpc")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("corpus %s not present: %v", dir, err)
	}
	res, err := load.Load(load.Inputs{
		ConfigFiles: []string{filepath.Join(dir, file)},
		Protos:      []string{filepath.Join(dir, "bookstore.proto")},
		ImportPaths: []string{dir},
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Diagnostics.HasErrors() {
		t.Fatalf("diagnostics: %v", res.Diagnostics)
	}
	cfg, err := translate.Build(res.Service, res.Descriptors, translate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// TestCorpusBookstore: the gRPC sample's usage rules (only ListShelves callable without a key;
// api_config_auth.yaml: every method) against a store written by the test, through a file.
func TestCorpusBookstore(t *testing.T) {
	good, _, _ := NewKey()
	other, _, _ := NewKey()
	path := filepath.Join(t.TempDir(), "keys.yaml")
	for _, e := range []*Entry{
		{ID: "bookstore", Hash: HashKey(good), ProjectID: "shop", ProjectNumber: "1001", APIs: []string{"endpoints.examples.bookstore.Bookstore"}},
		{ID: "elsewhere", Hash: HashKey(other), ProjectID: "other", ProjectNumber: "1002", APIs: []string{"some.other.Api"}},
	} {
		if err := AddKey(path, e); err != nil {
			t.Fatal(err)
		}
	}
	ch, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	for _, file := range []string{"api_config.yaml", "api_config_auth.yaml"} {
		cfg := corpusConfig(t, file)
		fmt.Fprintf(&out, "# %s\n", file)
		for i := range cfg.Methods {
			m := &cfg.Methods[i]
			var results []string
			for _, key := range []string{"", good, other} {
				target := "/v1/shelves"
				if key != "" {
					target += "?key=" + key
				}
				c, rej := ch.Check(httptest.NewRequest(http.MethodGet, target, nil), m, "", clientIP)
				switch {
				case rej != nil:
					results = append(results, fmt.Sprint(rej.Status))
				case c != nil:
					results = append(results, fmt.Sprintf("%s(checked=%v)", c.KeyID, c.Checked))
				default:
					results = append(results, "anonymous")
				}
			}
			fmt.Fprintf(&out, "%-12s no key: %-9s good key: %-24s other API's key: %s\n", m.Name, results[0], results[1], results[2])
		}
	}
	golden.AssertString(t, "testdata/corpus_bookstore.golden", out.String())
}
