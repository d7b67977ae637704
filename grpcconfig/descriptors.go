package grpcconfig

import (
	"fmt"
	"sort"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"

	// Registered so that google/api/*.proto, google/rpc/*.proto and their options resolve
	// without files on disk, both for protocompile and for descriptor sets without imports.
	_ "google.golang.org/genproto/googleapis/api/annotations"
	_ "google.golang.org/genproto/googleapis/api/httpbody"
	_ "google.golang.org/genproto/googleapis/rpc/code"
	_ "google.golang.org/genproto/googleapis/rpc/errdetails"
	_ "google.golang.org/genproto/googleapis/rpc/status"

	"github.com/espctl/espctl/diag"
)

// Descriptors is a complete descriptor set (every import included) and the linked files.
type Descriptors struct {
	// Set holds every file, imports first; options are decoded with the linked-in types, so
	// google.api.http is a real *annotations.HttpRule extension.
	Set   *descriptorpb.FileDescriptorSet
	Files *protoregistry.Files
	// display maps a descriptor file name to the name diagnostics show (the path the user
	// typed for a .proto; the descriptor set's own name otherwise).
	display map[string]string
}

// displayName is the file name diagnostics use for a proto file.
func (d *Descriptors) displayName(name string) string {
	if d != nil && d.display[name] != "" {
		return d.display[name]
	}
	return name
}

// LoadDescriptorSet reads a binary FileDescriptorSet (`protoc -o api_descriptor.pb`). Imports
// missing from the set (no --include_imports) are taken from espctl's bundled well-known and
// googleapis files with a warning; any other missing import is an error that names the file
// and how to regenerate the set.
func LoadDescriptorSet(path string, data []byte) (*Descriptors, diag.List) {
	set := &descriptorpb.FileDescriptorSet{}
	if err := (proto.UnmarshalOptions{Resolver: protoregistry.GlobalTypes}).Unmarshal(data, set); err != nil || len(set.GetFile()) == 0 {
		msg := "not a FileDescriptorSet"
		if err != nil {
			msg += ": " + protoErr(err)
		} else {
			msg += ": it holds no files"
		}
		return nil, diag.List{{Pos: diag.Pos{File: path}, Rule: RuleBadDescriptor, Severity: diag.Error, Message: msg,
			Hint: "generate it with `protoc --include_imports --include_source_info --descriptor_set_out=api_descriptor.pb your.proto`"}}
	}
	return linkSet(path, set.GetFile(), nil)
}

// linkSet completes files with missing imports where espctl has them and links them.
func linkSet(setName string, files []*descriptorpb.FileDescriptorProto, display map[string]string) (*Descriptors, diag.List) {
	var diags diag.List
	byName := map[string]*descriptorpb.FileDescriptorProto{}
	var ordered []*descriptorpb.FileDescriptorProto
	for _, f := range files {
		if _, dup := byName[f.GetName()]; dup {
			continue
		}
		byName[f.GetName()] = f
		ordered = append(ordered, f)
	}
	// Missing imports, in a stable order; bundled ones are added with their own imports.
	var missing []string
	for i := 0; i < len(ordered); i++ {
		f := ordered[i]
		for _, dep := range f.GetDependency() {
			if _, ok := byName[dep]; ok {
				continue
			}
			if fd, err := protoregistry.GlobalFiles.FindFileByPath(dep); err == nil {
				fdp := protodesc.ToFileDescriptorProto(fd)
				byName[dep] = fdp
				ordered = append(ordered, fdp)
				diags.Add(diag.Diagnostic{Pos: diag.Pos{File: setName}, Rule: RuleImportFromBundle, Severity: diag.Warning,
					Message: fmt.Sprintf("%s imports %s, which the descriptor set does not contain; using espctl's bundled copy", f.GetName(), dep),
					Hint:    "ESPv2 needs every import in the set: regenerate it with `protoc --include_imports --include_source_info --descriptor_set_out=" + baseName(setName) + " ...`"})
				continue
			}
			byName[dep] = nil
			missing = append(missing, dep)
			diags.Add(diag.Diagnostic{Pos: diag.Pos{File: setName}, Rule: RuleMissingImport, Severity: diag.Error,
				Message: fmt.Sprintf("%s imports %s, which is not in the descriptor set", f.GetName(), dep),
				Hint:    "regenerate the set with imports: `protoc --include_imports --include_source_info -I <dirs> --descriptor_set_out=" + baseName(setName) + " " + f.GetName() + "`"})
		}
	}
	set := &descriptorpb.FileDescriptorSet{File: topoSort(ordered, byName)}
	reg, err := (protodesc.FileOptions{AllowUnresolvable: len(missing) > 0}).NewFiles(set)
	if err != nil {
		diags.Add(diag.Diagnostic{Pos: diag.Pos{File: setName}, Rule: RuleBadDescriptor, Severity: diag.Error,
			Message: "the descriptor files do not link: " + protoErr(err)})
		return nil, diags
	}
	return &Descriptors{Set: set, Files: reg, display: display}, diags
}

// topoSort orders files so that every file comes after its imports, as protoc writes them.
func topoSort(files []*descriptorpb.FileDescriptorProto, byName map[string]*descriptorpb.FileDescriptorProto) []*descriptorpb.FileDescriptorProto {
	done := map[string]bool{}
	var out []*descriptorpb.FileDescriptorProto
	var visit func(f *descriptorpb.FileDescriptorProto, depth int)
	visit = func(f *descriptorpb.FileDescriptorProto, depth int) {
		if f == nil || done[f.GetName()] || depth > 1000 {
			return
		}
		done[f.GetName()] = true
		deps := append([]string(nil), f.GetDependency()...)
		sort.Strings(deps)
		for _, dep := range deps {
			visit(byName[dep], depth+1)
		}
		out = append(out, f)
	}
	for _, f := range files {
		visit(f, 0)
	}
	return out
}

func baseName(p string) string {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] == '/' {
			return p[i+1:]
		}
	}
	if p == "" {
		return descriptorSetDefault
	}
	return p
}

// services lists the services of the set, in file order, skipping google.* packages
// (imports such as google.longrunning), for configs without an `apis` list.
func (d *Descriptors) services() []protoreflect.ServiceDescriptor {
	var out []protoreflect.ServiceDescriptor
	for _, fdp := range d.Set.GetFile() {
		fd, err := d.Files.FindFileByPath(fdp.GetName())
		if err != nil || len(fd.Package()) >= 7 && fd.Package()[:7] == "google." {
			continue
		}
		for i := 0; i < fd.Services().Len(); i++ {
			out = append(out, fd.Services().Get(i))
		}
	}
	return out
}

// LinkDescriptorSet links a descriptor set already in memory (from a service config's
// source_info), completing missing imports like LoadDescriptorSet.
func LinkDescriptorSet(name string, set *descriptorpb.FileDescriptorSet) (*Descriptors, diag.List) {
	if len(set.GetFile()) == 0 {
		return nil, diag.List{{Pos: diag.Pos{File: name}, Rule: RuleBadDescriptor, Severity: diag.Error, Message: "the descriptor set holds no files"}}
	}
	return linkSet(name, set.GetFile(), nil)
}
