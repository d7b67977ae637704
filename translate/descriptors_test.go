package translate

import (
	"slices"
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/api/serviceconfig"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/known/anypb"
)

func descriptorSet(names ...string) *descriptorpb.FileDescriptorSet {
	fds := &descriptorpb.FileDescriptorSet{}
	for _, n := range names {
		fds.File = append(fds.File, &descriptorpb.FileDescriptorProto{Name: proto.String(n)})
	}
	return fds
}

func withSourceFiles(t *testing.T, files ...*anypb.Any) *serviceconfig.Service {
	s := svc(t, `{"name": "d", "apis": [{"name": "p.S", "methods": [{"name": "A"}]}]}`)
	s.SourceInfo = &serviceconfig.SourceInfo{SourceFiles: files}
	return s
}

func configFileAny(t *testing.T, path string, fileType uint64, contents []byte) *anypb.Any {
	return &anypb.Any{TypeUrl: ConfigFileTypeURL, Value: EncodeConfigFile(path, fileType, contents)}
}

func TestDescriptorsGiven(t *testing.T) {
	fds := descriptorSet("bookstore.proto", "google/protobuf/empty.proto")
	cfg, err := Build(svc(t, `{"name": "d", "apis": [{"name": "p.S"}]}`), fds, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Descriptors != fds || !slices.Equal(cfg.DescriptorFiles, []string{"bookstore.proto", "google/protobuf/empty.proto"}) {
		t.Errorf("descriptors %v %q", cfg.Descriptors, cfg.DescriptorFiles)
	}
}

func TestDescriptorsFromSourceInfo(t *testing.T) {
	data, err := proto.Marshal(descriptorSet("api.proto"))
	if err != nil {
		t.Fatal(err)
	}
	yaml := configFileAny(t, "api_config.yaml", 1, []byte("type: google.api.Service"))
	pb := configFileAny(t, "api_descriptor.pb", FileDescriptorSetProto, data)
	cfg, err := Build(withSourceFiles(t, yaml, pb), nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Descriptors == nil || !slices.Equal(cfg.DescriptorFiles, []string{"api.proto"}) {
		t.Errorf("descriptor files %q", cfg.DescriptorFiles)
	}

	// Without a descriptor set in source_info there is none (transcoding off).
	cfg, err = Build(withSourceFiles(t, yaml), nil, Options{})
	if err != nil || cfg.Descriptors != nil {
		t.Errorf("no descriptors expected: %v %v", cfg, err)
	}
}

func TestDescriptorsBadSourceInfo(t *testing.T) {
	cases := []struct {
		any  *anypb.Any
		want string
	}{
		{&anypb.Any{TypeUrl: ConfigFileTypeURL, Value: []byte{0x0a, 0xff}}, "source_info: decoding ConfigFile"},
		{configFileAny(t, "api_descriptor.pb", FileDescriptorSetProto, []byte{0x0a, 0x05, 0x01}), "source_info: descriptor set api_descriptor.pb"},
	}
	for _, c := range cases {
		_, err := Build(withSourceFiles(t, c.any), nil, Options{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want %q", err, c.want)
		}
	}
}

func TestConfigFileRoundTrip(t *testing.T) {
	cf, err := decodeConfigFile(EncodeConfigFile("a.pb", 4, []byte("xyz")))
	if err != nil || cf.path != "a.pb" || cf.fileType != 4 || string(cf.contents) != "xyz" {
		t.Errorf("round trip: %+v %v", cf, err)
	}
}
