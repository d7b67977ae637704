package load

import (
	"github.com/espctl/espctl/grpcconfig"
)

// isOpenAPI and loadOpenAPI are the only links to the OpenAPI input.
//
// TODO(openapi): once package openapi exposes Load and IsOpenAPI, make these
// `openapi.IsOpenAPI(data)` and `svc, diags := openapi.Load(f.Path, f.Data)`.
func isOpenAPI(data []byte) bool {
	return hasTopKey(data, "swagger") || hasTopKey(data, "openapi")
}

func loadOpenAPI(f grpcconfig.File) (*Result, error) {
	return nil, usage("%s is an OpenAPI document; reading OpenAPI is not supported yet", f.Path)
}
