package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/api/serviceconfig"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/espctl/espctl/golden"
	"github.com/espctl/espctl/grpcconfig"
	"github.com/espctl/espctl/translate"
)

// TestConfigCorpusGolden pins the normalized config of every corpus service config. gRPC
// configs run with a gRPC --backend, as the corpus deployments do.
func TestConfigCorpusGolden(t *testing.T) {
	c := sharedCorpus(t)
	for name, args := range corpusValidateArgs(c) {
		t.Run(name, func(t *testing.T) {
			full := append([]string{"config", "-o", "json"}, args...)
			if !strings.HasPrefix(name, "esp-v1-service-config") {
				full = append(full, "--backend", "grpc://127.0.0.1:8081")
			}
			r := runCLI(t, "", full...)
			if r.code != exitOK {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			var cfg translate.Config
			if err := json.Unmarshal([]byte(r.stdout), &cfg); err != nil {
				t.Fatal(err)
			}
			golden.AssertString(t, "testdata/config/"+name+".json", r.stdout)
		})
	}
}

func TestConfigLibraryYAML(t *testing.T) {
	r := runCLI(t, "", "config", "../../grpcconfig/testdata/configs/library.yaml", "--proto", libraryProto, "-I", libraryProtos, "--healthz", "/healthz")
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	golden.AssertString(t, "testdata/config/library.yaml", r.stdout)
}

// TestEmitServiceConfigRoundTrips: --emit service-config loads with protojson into
// serviceconfig.Service, carries the descriptors in source_info, and loads again through
// --service_json_path to the same normalized config.
func TestEmitServiceConfigRoundTrips(t *testing.T) {
	args := []string{"../../grpcconfig/testdata/configs/library.yaml", "--proto", libraryProto, "-I", libraryProtos}
	r := runCLI(t, "", append([]string{"config", "--emit", "service-config"}, args...)...)
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	svc := &serviceconfig.Service{}
	if err := (protojson.UnmarshalOptions{Resolver: grpcconfig.Resolver}).Unmarshal([]byte(r.stdout), svc); err != nil {
		t.Fatal(err)
	}
	again, err := protojson.MarshalOptions{Multiline: true, Indent: "  ", Resolver: grpcconfig.Resolver}.Marshal(svc)
	if err != nil {
		t.Fatal(err)
	}
	back := &serviceconfig.Service{}
	if err := (protojson.UnmarshalOptions{Resolver: grpcconfig.Resolver}).Unmarshal(again, back); err != nil {
		t.Fatal(err)
	}
	set, path, err := grpcconfig.DescriptorsFromSourceInfo(back)
	if err != nil || set == nil || path != "api_descriptor.pb" {
		t.Fatalf("source_info: %v %q %v", set == nil, path, err)
	}

	file := filepath.Join(t.TempDir(), "service.json")
	if err := os.WriteFile(file, []byte(r.stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	fromYAML := runCLI(t, "", append([]string{"config", "-o", "json"}, args...)...)
	fromJSON := runCLI(t, "", "config", "-o", "json", "--service_json_path", file)
	if fromJSON.code != exitOK || fromJSON.stdout != fromYAML.stdout {
		t.Errorf("normalized config differs between api_config.yaml and the emitted service config (exit %d, %s):\n%s",
			fromJSON.code, fromJSON.stderr, golden.Diff(fromYAML.stdout, fromJSON.stdout))
	}
}

func TestConfigInvalidExitsOne(t *testing.T) {
	r := runCLI(t, "", "config", rulesDir+"/E120_backend_scheme/api_config.yaml", "--proto", libraryProto, "-I", libraryProtos)
	if r.code != exitInvalid || !strings.Contains(r.stderr, "[E120]") || r.stdout != "" {
		t.Errorf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	r = runCLI(t, "", "config", "--emit", "nonsense", "--service_json_path", "x.json")
	if r.code != exitBadInput {
		t.Errorf("--emit nonsense: exit %d", r.code)
	}
}
