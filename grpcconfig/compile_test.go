package grpcconfig

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/api/serviceconfig"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/espctl/espctl/golden"
)

func stableJSON(t *testing.T, m proto.Message) []byte {
	t.Helper()
	b, err := protojson.MarshalOptions{Resolver: Resolver}.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, b, "", "  "); err != nil {
		t.Fatal(err)
	}
	buf.WriteByte('\n')
	return buf.Bytes()
}

func compileLibrary(t testing.TB, configs ...string) (*serviceconfig.Service, *Descriptors, string) {
	t.Helper()
	var files []File
	for _, p := range configs {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, File{Path: p, Data: data})
	}
	desc, diags, err := CompileProtos([]string{sharedProto}, []string{sharedImportPath})
	if err != nil {
		t.Fatal(err)
	}
	doc, ds := DecodeConfig(files, DecodeOptions{})
	diags = append(diags, ds...)
	svc, ds := Compile(doc, desc)
	diags = append(diags, ds...)
	return svc, desc, diags.Sort().Text()
}

// TestCompileLibrary compiles the library API (streaming, additional_bindings, nested path
// variables, `**`, `:verb`, maps, oneofs, enums, well-known types) and pins the result.
func TestCompileLibrary(t *testing.T) {
	svc, _, diags := compileLibrary(t, "testdata/configs/library.yaml")
	if diags != "" {
		t.Errorf("diagnostics:\n%s", diags)
	}
	golden.Assert(t, "testdata/golden/library.service.json", stableJSON(t, svc))
}

// TestMergeConfigFiles: a second file adds rules (lists concatenate) and overrides scalars.
func TestMergeConfigFiles(t *testing.T) {
	svc, _, diags := compileLibrary(t, "testdata/configs/library.yaml", "testdata/configs/library_override.yaml")
	if diags != "" {
		t.Errorf("diagnostics:\n%s", diags)
	}
	if svc.GetTitle() != "Library API (staging)" {
		t.Errorf("title %q: the later file should win", svc.GetTitle())
	}
	var chatDeadline float64
	for _, r := range svc.GetBackend().GetRules() {
		if strings.HasSuffix(r.GetSelector(), ".Chat") {
			chatDeadline = r.GetDeadline()
		}
	}
	if chatDeadline != 300 {
		t.Errorf("Chat deadline %v: the last matching rule (from the second file) should win", chatDeadline)
	}
}

// TestEmittedServiceRoundTrips: the service config with source_info loads back with protojson
// into serviceconfig.Service, and its descriptors come back out.
func TestEmittedServiceRoundTrips(t *testing.T) {
	svc, desc, _ := compileLibrary(t, "testdata/configs/library.yaml")
	withInfo, err := WithSourceInfo(svc, desc.Set)
	if err != nil {
		t.Fatal(err)
	}
	data, err := protojson.MarshalOptions{Resolver: Resolver}.Marshal(withInfo)
	if err != nil {
		t.Fatal(err)
	}
	back := &serviceconfig.Service{}
	if err := (protojson.UnmarshalOptions{Resolver: Resolver}).Unmarshal(data, back); err != nil {
		t.Fatal(err)
	}
	if !proto.Equal(back, withInfo) {
		t.Error("service config changed in a protojson round trip")
	}
	set, path, err := DescriptorsFromSourceInfo(back)
	if err != nil || path != "api_descriptor.pb" || !proto.Equal(set, desc.Set) {
		t.Errorf("descriptors from source_info: path %q, err %v, equal %v", path, err, proto.Equal(set, desc.Set))
	}
	// And it decodes as a service config JSON, as ESPv2's --service_json_path reads it.
	doc, diags := DecodeConfig([]File{{Path: "service.json", Data: data}}, DecodeOptions{ServiceJSON: true})
	if len(diags) != 0 || !proto.Equal(doc.Service, withInfo) {
		t.Errorf("service.json decode: %s", diags.Text())
	}
}

// TestProtoNameUnderImportPath: `--proto shelf/v1/library.proto -I testdata/protos` works like
// protoc, though the name is not a file in the working directory.
func TestProtoNameUnderImportPath(t *testing.T) {
	desc, diags, err := CompileProtos([]string{"shelf/v1/library.proto"}, []string{sharedImportPath})
	if err != nil || diags.HasErrors() || desc == nil {
		t.Fatalf("%v\n%s", err, diags.Text())
	}
	if _, _, err := CompileProtos([]string{"shelf/v1/nope.proto"}, []string{sharedImportPath}); err == nil {
		t.Error("a proto that exists nowhere should be an error")
	}
}

// TestMergedPositions: problems in a later file cite that file, with list indexes counted
// across the merged lists.
func TestMergedPositions(t *testing.T) {
	_, _, diags := compileLibrary(t, "testdata/configs/library.yaml", "testdata/merge/second.yaml")
	golden.AssertString(t, "testdata/merge/want.txt", diags)
}
