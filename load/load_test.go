package load

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/espctl/espctl/golden"
	"github.com/espctl/espctl/grpcconfig"
)

// corpusDir is ../shared/corpus next to the repository root; tests that need it skip when the
// shared folder is absent.
func corpusDir(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("../../shared/corpus")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("shared corpus not found at %s", dir)
	}
	return "../../shared/corpus"
}

type corpusCase struct {
	name string
	in   func(c string) Inputs
}

var corpusCases = []corpusCase{
	{"getting-started-grpc.pb", func(c string) Inputs {
		return Inputs{ConfigFiles: []string{c + "/getting-started-grpc/api_config.yaml"}, Descriptor: c + "/getting-started-grpc/api_descriptor.pb"}
	}},
	{"getting-started-grpc.proto", func(c string) Inputs {
		return Inputs{ConfigFiles: []string{c + "/getting-started-grpc/api_config.yaml"}, Protos: []string{c + "/getting-started-grpc/protos/helloworld.proto"}}
	}},
	{"bookstore-grpc.api_config", func(c string) Inputs {
		return Inputs{ConfigFiles: []string{c + "/bookstore-grpc/api_config.yaml"}, Protos: []string{c + "/bookstore-grpc/bookstore.proto"}}
	}},
	{"bookstore-grpc.api_config_auth", func(c string) Inputs {
		return Inputs{ConfigFiles: []string{c + "/bookstore-grpc/api_config_auth.yaml"}, Protos: []string{c + "/bookstore-grpc/http_bookstore.proto"}}
	}},
	{"bookstore-grpc.api_config_http", func(c string) Inputs {
		return Inputs{ConfigFiles: []string{c + "/bookstore-grpc/api_config_http.yaml"}, Protos: []string{c + "/bookstore-grpc/bookstore.proto"}}
	}},
	{"bookstore-grpc.api_config_anthos", func(c string) Inputs {
		return Inputs{ConfigFiles: []string{c + "/bookstore-grpc/api_config_anthos.yaml"}, Protos: []string{c + "/bookstore-grpc/bookstore.proto"}}
	}},
	{"bookstore-grpc-transcoding.api_config", func(c string) Inputs {
		return Inputs{ConfigFiles: []string{c + "/bookstore-grpc-transcoding/api_config.yaml"}, Protos: []string{c + "/bookstore-grpc-transcoding/bookstore.proto"}}
	}},
	{"bookstore-grpc-transcoding.api_config_auth", func(c string) Inputs {
		return Inputs{ConfigFiles: []string{c + "/bookstore-grpc-transcoding/api_config_auth.yaml"}, Protos: []string{c + "/bookstore-grpc-transcoding/bookstore.proto"}, ImportPaths: []string{c + "/bookstore-grpc-transcoding"}}
	}},
	{"esp-v1-grpc-transcoding", func(c string) Inputs {
		return Inputs{ConfigFiles: []string{c + "/esp-v1-grpc-transcoding/bookstore-api.yaml"}, Protos: []string{c + "/esp-v1-grpc-transcoding/bookstore.proto"}}
	}},
	{"esp-v1-service-config.service", func(c string) Inputs {
		return Inputs{ServiceJSON: c + "/esp-v1-service-config/service.json"}
	}},
	{"esp-v1-service-config.bookstore", func(c string) Inputs {
		// No --service_json_path: recognised as a service config JSON by content.
		return Inputs{ConfigFiles: []string{c + "/esp-v1-service-config/bookstore.json"}}
	}},
	{"getting-started.openapi", func(c string) Inputs {
		return Inputs{ConfigFiles: []string{c + "/getting-started/openapi.yaml"}}
	}},
	{"esp-v1-openapi.swagger_template", func(c string) Inputs {
		return Inputs{ConfigFiles: []string{c + "/esp-v1-openapi/swagger_template.json"}}
	}},
}

// TestCorpus loads every service config of the shared corpus: each is valid (warnings only),
// and the diagnostics and a summary of the compiled service are pinned.
func TestCorpus(t *testing.T) {
	c := corpusDir(t)
	for _, tc := range corpusCases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Load(tc.in(c))
			if err != nil {
				t.Fatal(err)
			}
			if res.Diagnostics.HasErrors() {
				t.Errorf("corpus config is invalid:\n%s", res.Diagnostics.Text())
			}
			golden.AssertString(t, "testdata/corpus/"+tc.name+".txt", summarize(res)+res.Diagnostics.Text())
		})
	}
}

// summarize lists what a reader checks first: the kind, the methods and their HTTP rules.
func summarize(res *Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "kind: %s\nservice: %s\ndescriptor files: %d\n", res.Kind, res.Service.GetName(), len(res.Descriptors.GetFile()))
	for _, api := range res.Service.GetApis() {
		for _, m := range api.GetMethods() {
			fmt.Fprintf(&b, "method %s.%s\n", api.GetName(), m.GetName())
		}
	}
	for _, r := range res.Service.GetHttp().GetRules() {
		b.WriteString("http " + strings.TrimSpace(strings.ReplaceAll(prototextLine(r), "  ", " ")) + "\n")
	}
	for _, r := range res.Service.GetBackend().GetRules() {
		fmt.Fprintf(&b, "backend %s %s\n", r.GetSelector(), r.GetAddress())
	}
	for _, r := range res.Service.GetUsage().GetRules() {
		fmt.Fprintf(&b, "usage %s allow_unregistered_calls=%v\n", r.GetSelector(), r.GetAllowUnregisteredCalls())
	}
	for _, r := range res.Service.GetAuthentication().GetRules() {
		fmt.Fprintf(&b, "auth %s %d requirements\n", r.GetSelector(), len(r.GetRequirements()))
	}
	b.WriteString("--\n")
	return b.String()
}

func prototextLine(m proto.Message) string {
	data, _ := protojson.Marshal(m)
	var buf bytes.Buffer
	_ = json.Compact(&buf, data)
	return buf.String()
}

// TestDescriptorRoutesAgree: the .pb and the .proto route compile to the same service.
func TestDescriptorRoutesAgree(t *testing.T) {
	c := corpusDir(t)
	pb, err := Load(corpusCases[0].in(c))
	if err != nil {
		t.Fatal(err)
	}
	src, err := Load(corpusCases[1].in(c))
	if err != nil {
		t.Fatal(err)
	}
	if !proto.Equal(pb.Service, src.Service) {
		t.Errorf(".pb and .proto routes differ:\n%s\n%s", prototextLine(pb.Service), prototextLine(src.Service))
	}
}

// TestServiceJSONWithSourceInfo: a service config emitted with source_info loads back,
// descriptors included, as ESPv2 would read it.
func TestServiceJSONWithSourceInfo(t *testing.T) {
	c := corpusDir(t)
	res, err := Load(corpusCases[3].in(c))
	if err != nil {
		t.Fatal(err)
	}
	svc, err := grpcconfig.WithSourceInfo(res.Service, res.Descriptors)
	if err != nil {
		t.Fatal(err)
	}
	data, err := protojson.MarshalOptions{Resolver: grpcconfig.Resolver}.Marshal(svc)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "service.json")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	back, err := Load(Inputs{ServiceJSON: path})
	if err != nil {
		t.Fatal(err)
	}
	if back.Kind != KindServiceJSON || back.Diagnostics.HasErrors() || len(back.Descriptors.GetFile()) != len(res.Descriptors.GetFile()) {
		t.Fatalf("kind %s, %d descriptor files (want %d):\n%s", back.Kind, len(back.Descriptors.GetFile()), len(res.Descriptors.GetFile()), back.Diagnostics.Text())
	}
	want := proto.Clone(svc)
	if !proto.Equal(back.Service, want) {
		t.Errorf("reloaded service differs:\n%s\n%s", prototextLine(back.Service), prototextLine(want))
	}
}

func TestInputErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	grpcYAML := write("api_config.yaml", "type: google.api.Service\nconfig_version: 3\nname: a.example.com\n")
	openapiYAML := write("openapi.yaml", "swagger: \"2.0\"\ninfo: {title: t, version: 1.0.0}\nhost: a.example.com\npaths: {}\n")
	for name, tc := range map[string]struct {
		in   Inputs
		want string
	}{
		"nothing":          {Inputs{}, "no API config given"},
		"both kinds":       {Inputs{ConfigFiles: []string{grpcYAML}, ServiceJSON: grpcYAML}, "not both"},
		"no descriptors":   {Inputs{ConfigFiles: []string{grpcYAML}}, "pass its descriptors"},
		"missing file":     {Inputs{ConfigFiles: []string{filepath.Join(dir, "nope.yaml")}}, "no such file"},
		"missing proto":    {Inputs{ConfigFiles: []string{grpcYAML}, Protos: []string{filepath.Join(dir, "nope.proto")}}, "no such file"},
		"openapi + proto":  {Inputs{ConfigFiles: []string{openapiYAML}, Protos: []string{"x.proto"}}, "OpenAPI document"},
		"two descriptors":  {Inputs{ConfigFiles: []string{grpcYAML}, Descriptor: "a.pb", Protos: []string{"x.proto"}}, "not both"},
		"missing .pb file": {Inputs{ConfigFiles: []string{grpcYAML}, Descriptor: filepath.Join(dir, "nope.pb")}, "no such file"},
	} {
		_, err := Load(tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want it to contain %q", name, err, tc.want)
		}
	}
}

func TestDetect(t *testing.T) {
	for _, tc := range []struct {
		data string
		want Kind
	}{
		{"type: google.api.Service\nname: x\n", KindGRPC},
		{`{"type": "google.api.Service", "name": "x"}`, KindGRPC},
		{`{"name": "x", "apis": []}`, KindServiceJSON},
		{"swagger: '2.0'\n", KindOpenAPI},
		{`{"openapi": "3.0.0"}`, KindOpenAPI},
		{"name: x\n", KindGRPC}, // YAML without type: reported as E103 by the gRPC loader
	} {
		if got := detect([]grpcconfig.File{{Path: "f", Data: []byte(tc.data)}}, false); got != tc.want {
			t.Errorf("detect(%q) = %s, want %s", tc.data, got, tc.want)
		}
	}
}

// TestCorpusDescriptorSetRoute: every corpus config compiled from a descriptor set (made from
// its .proto files, as `protoc --include_imports -o` would) equals the .proto route.
func TestCorpusDescriptorSetRoute(t *testing.T) {
	c := corpusDir(t)
	for _, tc := range corpusCases {
		in := tc.in(c)
		if len(in.Protos) == 0 {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			fromProto, err := Load(in)
			if err != nil {
				t.Fatal(err)
			}
			data, err := proto.Marshal(fromProto.Descriptors)
			if err != nil {
				t.Fatal(err)
			}
			pb := filepath.Join(t.TempDir(), "api_descriptor.pb")
			if err := os.WriteFile(pb, data, 0o644); err != nil {
				t.Fatal(err)
			}
			fromPB, err := Load(Inputs{ConfigFiles: in.ConfigFiles, Descriptor: pb})
			if err != nil {
				t.Fatal(err)
			}
			if fromPB.Diagnostics.HasErrors() || !proto.Equal(fromPB.Service, fromProto.Service) {
				t.Errorf(".pb route differs from .proto route:\n%s", fromPB.Diagnostics.Text())
			}
		})
	}
}
