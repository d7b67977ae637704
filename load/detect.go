package load

import (
	"bytes"

	"go.yaml.in/yaml/v3"

	"github.com/espctl/espctl/grpcconfig"
)

// detect decides the input kind from the files' content.
func detect(files []grpcconfig.File, serviceJSONFlag bool) Kind {
	if serviceJSONFlag {
		return KindServiceJSON
	}
	if len(files) == 1 && isOpenAPI(files[0].Data) {
		return KindOpenAPI
	}
	for _, f := range files {
		if len(files) == 1 && !hasTopKey(f.Data, "type") && bytes.HasPrefix(bytes.TrimSpace(f.Data), []byte("{")) {
			// A JSON object without `type:` is what Service Management serves.
			return KindServiceJSON
		}
	}
	return KindGRPC
}

// hasTopKey reports whether the document's top-level mapping has key.
func hasTopKey(data []byte, key string) bool {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil || len(doc.Content) == 0 {
		return false
	}
	top := doc.Content[0]
	if top.Kind != yaml.MappingNode {
		return false
	}
	for i := 0; i+1 < len(top.Content); i += 2 {
		if top.Content[i].Value == key {
			return true
		}
	}
	return false
}
