package translate

import (
	"os"
	"path/filepath"
	"testing"

	"google.golang.org/genproto/googleapis/api/serviceconfig"
	"google.golang.org/protobuf/encoding/protojson"
)

// FuzzBuild feeds arbitrary service configs (as JSON) to Build: it may fail, never panic.
func FuzzBuild(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "configs", "*.json"))
	for _, file := range files {
		if data, err := os.ReadFile(file); err == nil {
			f.Add(data, "", "")
		}
	}
	f.Add([]byte(`{"name":"x","apis":[{"name":"a.B","methods":[{"name":"M"}]}],"http":{"rules":[{"selector":"a.B.M","get":"/{x=**}/y:z"}]},"backend":{"rules":[{"selector":"a.B.M","address":"grpc://h:1"}]}}`), "grpc://h:2", "healthz")
	f.Fuzz(func(t *testing.T, data []byte, backend, healthz string) {
		s := &serviceconfig.Service{}
		if err := (protojson.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(data, s); err != nil {
			return
		}
		cfg, err := Build(s, nil, Options{Backend: backend, Healthz: healthz})
		if err == nil && cfg == nil {
			t.Fatal("nil config without an error")
		}
	})
}
