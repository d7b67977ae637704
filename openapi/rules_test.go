package openapi

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/espctl/espctl/golden"
)

// TestRules runs one document per rule (testdata/rules/<ID>_<what>.yaml): it must report that
// rule, and its diagnostics, as printed, must equal testdata/rules/<ID>_<what>.diags.
func TestRules(t *testing.T) {
	files, _ := filepath.Glob("testdata/rules/*.yaml")
	covered := map[string]bool{}
	for _, path := range files {
		name := strings.TrimSuffix(filepath.Base(path), ".yaml")
		id, _, _ := strings.Cut(name, "_")
		covered[id] = true
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			_, diags := Load(filepath.Base(path), data)
			found := false
			for _, d := range diags {
				found = found || d.Rule == id
			}
			if !found {
				t.Errorf("rule %s not reported; got:\n%s", id, diags.Text())
			}
			golden.AssertString(t, "testdata/rules/"+name+".diags", diags.Text())
		})
	}
	for _, r := range Rules() {
		if !covered[r.ID] {
			t.Errorf("rule %s has no test document in testdata/rules", r.ID)
		}
	}
}

// TestRulesList pins the registry as `espctl validate --list-rules` shows it.
func TestRulesList(t *testing.T) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	if err := enc.Encode(Rules()); err != nil {
		t.Fatal(err)
	}
	golden.Assert(t, "testdata/rules.json", b.Bytes())
}
