package xds

import (
	"strings"
	"testing"
)

func TestCheckReferences(t *testing.T) {
	res, err := Generate(openAPIConfig(), DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	var kept []string
	for _, c := range res.Clusters {
		kept = append(kept, c.GetName())
	}
	// Drop the JWKS clusters, then every cluster.
	jwksless := *res
	jwksless.Clusters = res.Clusters[:2]
	if err := jwksless.checkReferences(); err == nil || !strings.Contains(err.Error(), "JWT provider") {
		t.Errorf("without JWKS clusters (kept %v): %v", kept[:2], err)
	}
	empty := *res
	empty.Clusters = nil
	if err := empty.checkReferences(); err == nil || !strings.Contains(err.Error(), "names cluster") {
		t.Errorf("without clusters: %v", err)
	}
}
