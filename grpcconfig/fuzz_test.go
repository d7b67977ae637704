package grpcconfig

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzDecodeConfig: no YAML or JSON input makes the loader or the compiler panic.
func FuzzDecodeConfig(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/rules/*/*.yaml")
	seeds = append(seeds, "testdata/configs/library.yaml")
	for _, p := range seeds {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("a: &a [*a, *a]\n"))
	f.Add([]byte(`{"name": "x", "apis": [{"name": "a", "methods": [{"name": "M"}]}], "http": {"rules": [{"selector": "a.M", "get": "/{x=**}/y"}]}}`))
	desc, _, err := CompileProtos([]string{sharedProto}, []string{sharedImportPath})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, opts := range []DecodeOptions{{}, {ServiceJSON: true}} {
			doc, _ := DecodeConfig([]File{{Path: "fuzz.yaml", Data: data}}, opts)
			if doc.Unreadable {
				continue
			}
			Compile(doc, desc)
			Compile(doc, nil)
		}
	})
}
