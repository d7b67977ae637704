package load

import (
	"github.com/espctl/espctl/grpcconfig"
	"github.com/espctl/espctl/openapi"
)

// isOpenAPI and loadOpenAPI are the only links to the OpenAPI input.
func isOpenAPI(data []byte) bool { return openapi.IsOpenAPI(data) }

// loadOpenAPI converts the document like Service Management would. The result has no
// descriptors: OpenAPI operations are plain HTTP.
func loadOpenAPI(f grpcconfig.File) (*Result, error) {
	svc, diags := openapi.Load(f.Path, f.Data)
	if svc == nil && !diags.HasErrors() {
		return nil, usage("%s: cannot read the OpenAPI document", f.Path)
	}
	return &Result{Kind: KindOpenAPI, Service: svc, Diagnostics: diags.Sort()}, nil
}
