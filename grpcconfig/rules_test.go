package grpcconfig

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/descriptorpb"

	"github.com/espctl/espctl/diag"
	"github.com/espctl/espctl/golden"
)

const (
	sharedImportPath = "testdata/protos"
	sharedProto      = "testdata/protos/shelf/v1/library.proto"
)

// loadCase compiles a directory the way load.Load would: every *.yaml / service.json in it
// (merged in name order), with the *.proto files of the directory, or the shared library
// proto when it has none.
func loadCase(t *testing.T, dir string) diag.List {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var files []File
	var protos []string
	serviceJSON := false
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		switch {
		case strings.HasSuffix(e.Name(), ".yaml"), e.Name() == "service.json":
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, File{Path: p, Data: data})
			serviceJSON = serviceJSON || e.Name() == "service.json"
		case strings.HasSuffix(e.Name(), ".proto"):
			protos = append(protos, p)
		}
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	imports := []string{dir}
	if len(protos) == 0 {
		protos, imports = []string{sharedProto}, []string{sharedImportPath}
	}
	desc, diags, err := CompileProtos(protos, imports)
	if err != nil {
		t.Fatal(err)
	}
	doc, ds := DecodeConfig(files, DecodeOptions{ServiceJSON: serviceJSON})
	diags = append(diags, ds...)
	if desc != nil && !doc.Unreadable {
		_, ds = Compile(doc, desc)
		diags = append(diags, ds...)
	}
	return diags.Sort()
}

// TestRules runs one small broken input per rule: testdata/rules/<RULE>_<what>/ and compares
// the diagnostics with want.txt. Each case must report its own rule.
func TestRules(t *testing.T) {
	dirs, err := filepath.Glob("testdata/rules/*")
	if err != nil {
		t.Fatal(err)
	}
	covered := map[string]bool{}
	for _, dir := range dirs {
		name := filepath.Base(dir)
		rule := strings.SplitN(name, "_", 2)[0]
		covered[rule] = true
		t.Run(name, func(t *testing.T) {
			diags := loadCase(t, dir)
			found := false
			for _, d := range diags {
				found = found || d.Rule == rule
			}
			if !found {
				t.Errorf("no %s diagnostic; got:\n%s", rule, diags.Text())
			}
			golden.AssertString(t, filepath.Join(dir, "want.txt"), diags.Text())
		})
	}
	covered[RuleMissingImport] = true    // TestDescriptorSetWithoutImports
	covered[RuleImportFromBundle] = true // TestDescriptorSetWithoutImports
	covered[RuleBadDescriptor] = true    // TestBadDescriptorSet
	for _, r := range Rules() {
		if !covered[r.ID] {
			t.Errorf("rule %s has no case under testdata/rules/", r.ID)
		}
	}
}

// TestDescriptorSetWithoutImports: a set made without --include_imports names the file it
// lacks; google/* imports are filled from espctl's bundled copies.
func TestDescriptorSetWithoutImports(t *testing.T) {
	desc, diags, err := CompileProtos([]string{sharedProto}, []string{sharedImportPath})
	if err != nil || diags.HasErrors() {
		t.Fatalf("%v %s", err, diags.Text())
	}
	var only []*descriptorpb.FileDescriptorProto
	for _, f := range desc.Set.File {
		if f.GetName() == "shelf/v1/library.proto" {
			only = append(only, f)
		}
	}
	data, err := proto.Marshal(&descriptorpb.FileDescriptorSet{File: only})
	if err != nil {
		t.Fatal(err)
	}
	_, diags = LoadDescriptorSet("api_descriptor.pb", data)
	golden.AssertString(t, "testdata/descriptors/without_imports.txt", diags.Sort().Text())
}

func TestBadDescriptorSet(t *testing.T) {
	_, diags := LoadDescriptorSet("api_descriptor.pb", []byte("type: google.api.Service\n"))
	golden.AssertString(t, "testdata/descriptors/not_a_set.txt", diags.Text())
}
