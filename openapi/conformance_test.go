package openapi

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/api/serviceconfig"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/espctl/espctl/golden"
)

// corpusDir is ../shared/corpus relative to the repository root.
const corpusDir = "../../shared/corpus"

// TestCorpus converts every OpenAPI file of the shared corpus: no errors, and the printed
// service config loads back into google.api.Service. The outputs are golden files too, so a
// change in the conversion shows as a diff.
func TestCorpus(t *testing.T) {
	if _, err := os.Stat(corpusDir); err != nil {
		t.Skip("shared corpus not present:", err)
	}
	var files []string
	err := filepath.WalkDir(corpusDir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		switch filepath.Ext(path) {
		case ".yaml", ".yml", ".json":
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			if IsOpenAPI(data) {
				files = append(files, path)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no OpenAPI file found in the corpus")
	}
	for _, path := range files {
		rel, _ := filepath.Rel(corpusDir, path)
		t.Run(rel, func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			svc, diags := Load(rel, data)
			if diags.HasErrors() {
				t.Fatalf("errors:\n%s", diags.Text())
			}
			out := marshal(t, svc)
			var back serviceconfig.Service
			if err := protojson.Unmarshal(out, &back); err != nil {
				t.Fatalf("output does not load back: %v", err)
			}
			name := strings.NewReplacer("/", "_", ".", "_").Replace(rel)
			golden.Assert(t, "testdata/corpus/"+name+".json", out)
			golden.AssertString(t, "testdata/corpus/"+name+".diags", diags.Text())
		})
	}
}
