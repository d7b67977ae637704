package grpcconfig

import (
	"fmt"
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/api/annotations"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/types/descriptorpb"
)

// generatedAPI builds a descriptor set with one service of n methods, each with its own
// request message and a google.api.http annotation, plus a config with a YAML http rule for
// every tenth method (they replace annotations) and wildcard backend/usage rules.
func generatedAPI(tb testing.TB, n int) ([]byte, []byte) {
	tb.Helper()
	s := proto.String
	file := &descriptorpb.FileDescriptorProto{
		Name:       s("gen/v1/gen.proto"),
		Package:    s("gen.v1"),
		Syntax:     s("proto3"),
		Dependency: []string{"google/api/annotations.proto"},
	}
	svc := &descriptorpb.ServiceDescriptorProto{Name: s("Gen")}
	for i := 0; i < n; i++ {
		req := fmt.Sprintf("Req%d", i)
		file.MessageType = append(file.MessageType, &descriptorpb.DescriptorProto{
			Name: s(req),
			Field: []*descriptorpb.FieldDescriptorProto{
				{Name: s("id"), JsonName: s("id"), Number: proto.Int32(1), Type: descriptorpb.FieldDescriptorProto_TYPE_STRING.Enum(), Label: descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum()},
				{Name: s("body"), JsonName: s("body"), Number: proto.Int32(2), Type: descriptorpb.FieldDescriptorProto_TYPE_MESSAGE.Enum(), TypeName: s(".gen.v1.Req0"), Label: descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum()},
			},
		})
		opts := &descriptorpb.MethodOptions{}
		proto.SetExtension(opts, annotations.E_Http, &annotations.HttpRule{Pattern: &annotations.HttpRule_Post{Post: fmt.Sprintf("/v1/items%d/{id}:run", i)}, Body: "body"})
		svc.Method = append(svc.Method, &descriptorpb.MethodDescriptorProto{
			Name: s(fmt.Sprintf("M%d", i)), InputType: s(".gen.v1." + req), OutputType: s(".gen.v1.Req0"), Options: opts,
		})
	}
	file.Service = []*descriptorpb.ServiceDescriptorProto{svc}
	annotationsFile := protodesc.ToFileDescriptorProto(annotations.File_google_api_annotations_proto)
	httpFile := protodesc.ToFileDescriptorProto(annotations.File_google_api_http_proto)
	descriptorFile := protodesc.ToFileDescriptorProto(descriptorpb.File_google_protobuf_descriptor_proto)
	data, err := proto.Marshal(&descriptorpb.FileDescriptorSet{File: []*descriptorpb.FileDescriptorProto{descriptorFile, httpFile, annotationsFile, file}})
	if err != nil {
		tb.Fatal(err)
	}
	var cfg strings.Builder
	cfg.WriteString("type: google.api.Service\nconfig_version: 3\nname: gen.endpoints.example.cloud.goog\napis:\n- name: gen.v1.Gen\nhttp:\n  rules:\n")
	for i := 0; i < n; i += 10 {
		fmt.Fprintf(&cfg, "  - selector: gen.v1.Gen.M%d\n    get: /v2/items%d/{id}\n", i, i)
	}
	cfg.WriteString("backend:\n  rules:\n  - selector: \"*\"\n    address: grpcs://gen.example.com\n  - selector: gen.v1.Gen.M1, gen.v1.Gen.M2\n    deadline: 30\nusage:\n  rules:\n  - selector: gen.v1.Gen.*\n    allow_unregistered_calls: true\n")
	return data, []byte(cfg.String())
}

func TestGeneratedAPIIsValid(t *testing.T) {
	pb, cfg := generatedAPI(t, 50)
	desc, diags := LoadDescriptorSet("gen.pb", pb)
	doc, ds := DecodeConfig([]File{{Path: "gen.yaml", Data: cfg}}, DecodeOptions{})
	diags = append(diags, ds...)
	svc, ds := Compile(doc, desc)
	diags = append(diags, ds...)
	if len(diags) != 0 {
		t.Fatalf("diagnostics:\n%s", diags.Text())
	}
	if got := len(svc.GetHttp().GetRules()); got != 50 {
		t.Errorf("%d http rules, want 50", got)
	}
	if got := len(svc.GetBackend().GetRules()); got != 50 {
		t.Errorf("%d backend rules, want 50", got)
	}
}

// BenchmarkValidate10kMethods reads, links and validates a descriptor set with 10,000
// methods and HTTP rules (docs/performance.md records the numbers).
func BenchmarkValidate10kMethods(b *testing.B) {
	pb, cfg := generatedAPI(b, 10_000)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		desc, diags := LoadDescriptorSet("gen.pb", pb)
		doc, ds := DecodeConfig([]File{{Path: "gen.yaml", Data: cfg}}, DecodeOptions{})
		diags = append(diags, ds...)
		_, ds = Compile(doc, desc)
		if diags = append(diags, ds...); len(diags) != 0 {
			b.Fatal(diags.Text())
		}
	}
}
