package openapi

import (
	"os"
	"slices"
	"strings"
	"testing"
)

// TestDocs keeps docs/openapi.md honest: it names every extension and every rule.
func TestDocs(t *testing.T) {
	data, err := os.ReadFile("../docs/openapi.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	for _, ext := range slices.Concat(topLevelExtensions, operationExtensions, securityExtensions) {
		if !strings.Contains(doc, "`"+ext+"`") {
			t.Errorf("docs/openapi.md does not describe %s", ext)
		}
	}
	for _, r := range Rules() {
		if !strings.Contains(doc, "| "+r.ID+" |") {
			t.Errorf("docs/openapi.md does not list rule %s", r.ID)
		}
	}
}
