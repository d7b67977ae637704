package openapi

import (
	"bytes"
	"encoding/json"
	"testing"

	"google.golang.org/genproto/googleapis/api/serviceconfig"
	"google.golang.org/protobuf/encoding/protojson"
)

// marshal prints a Service as indented protojson with a stable layout (protojson randomizes
// whitespace, so the output is re-indented by encoding/json).
func marshal(t testing.TB, svc *serviceconfig.Service) []byte {
	t.Helper()
	b, err := protojson.Marshal(svc)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := json.Indent(&out, b, "", "  "); err != nil {
		t.Fatal(err)
	}
	out.WriteByte('\n')
	return out.Bytes()
}
