package grpcconfig

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"

	"github.com/bufbuild/protocompile"
	"github.com/bufbuild/protocompile/linker"
	"github.com/bufbuild/protocompile/reporter"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"

	"github.com/espctl/espctl/diag"
)

// CompileProtos compiles .proto files in process (no protoc), with source info so that
// annotations can be cited by line. Imports are looked up in importPaths, then among the
// well-known types and the googleapis files linked into espctl (google/api/*.proto,
// google/rpc/*.proto). A proto that is not under any import path is found through its own
// directory, as `protoc -I $(dirname f) f` would. The error is for files that cannot be read.
func CompileProtos(protos, importPaths []string) (*Descriptors, diag.List, error) {
	var diags diag.List
	paths := append([]string(nil), importPaths...)
	var names []string
	display := map[string]string{}
	for _, p := range protos {
		if _, err := os.Stat(p); err != nil {
			// Like protoc, a name that is not a file here may be a path under an import path
			// (`--proto bookstore.proto -I protos`).
			if !underImportPath(p, paths) {
				return nil, nil, err
			}
			names = append(names, filepath.ToSlash(p))
			display[filepath.ToSlash(p)] = p
			continue
		}
		name, ok := relativeToImportPaths(p, paths)
		if !ok {
			dir := filepath.Dir(p)
			paths = append(paths, dir)
			name = filepath.Base(p)
		}
		names = append(names, name)
		display[name] = p
	}
	if len(paths) == 0 {
		paths = []string{"."}
	}
	bundled := protocompile.ResolverFunc(func(path string) (protocompile.SearchResult, error) {
		fd, err := protoregistry.GlobalFiles.FindFileByPath(path)
		if err != nil {
			return protocompile.SearchResult{}, err
		}
		return protocompile.SearchResult{Desc: fd}, nil
	})
	rep := reporter.NewReporter(func(err reporter.ErrorWithPos) error {
		pos := err.GetPosition()
		file := pos.Filename
		if display[file] != "" {
			file = display[file]
		}
		msg := err.Unwrap().Error()
		diags.Add(diag.Diagnostic{Pos: diag.Pos{File: file, Line: pos.Line, Col: pos.Col}, Rule: RuleProtoCompile, Severity: diag.Error, Message: msg})
		return nil // keep going: report every error
	}, nil)
	c := protocompile.Compiler{
		Resolver:       protocompile.WithStandardImports(protocompile.CompositeResolver{&protocompile.SourceResolver{ImportPaths: paths}, bundled}),
		SourceInfoMode: protocompile.SourceInfoStandard,
		Reporter:       rep,
	}
	files, err := c.Compile(context.Background(), names...)
	if err != nil {
		if len(diags) == 0 {
			diags.Add(diag.Diagnostic{Pos: diag.Pos{File: strings.Join(protos, ",")}, Rule: RuleProtoCompile, Severity: diag.Error, Message: err.Error()})
		}
		var notFound *os.PathError
		if errors.As(err, &notFound) && len(diags) == 0 {
			return nil, nil, err
		}
		return nil, diags, nil
	}
	var fdps []*descriptorpb.FileDescriptorProto
	seen := map[string]bool{}
	var collect func(fd protoreflect.FileDescriptor)
	collect = func(fd protoreflect.FileDescriptor) {
		if seen[fd.Path()] {
			return
		}
		seen[fd.Path()] = true
		imports := fd.Imports()
		for i := 0; i < imports.Len(); i++ {
			collect(imports.Get(i).FileDescriptor)
		}
		var fdp *descriptorpb.FileDescriptorProto
		if r, ok := fd.(linker.Result); ok {
			fdp = r.FileDescriptorProto()
		} else {
			fdp = protodesc.ToFileDescriptorProto(fd)
		}
		fdps = append(fdps, normalizeOptions(fdp))
	}
	for _, f := range files {
		collect(f)
	}
	d, ds := linkSet(strings.Join(protos, ","), fdps, display)
	return d, append(diags, ds...), nil
}

// normalizeOptions re-decodes a file so options set from dynamically resolved extensions
// (google.api.http when annotations.proto comes from the registry) become the generated Go
// types; proto.GetExtension on the dynamic form panics (libraries.md, trap 2).
func normalizeOptions(fdp *descriptorpb.FileDescriptorProto) *descriptorpb.FileDescriptorProto {
	b, err := proto.Marshal(fdp)
	if err != nil {
		return fdp
	}
	out := &descriptorpb.FileDescriptorProto{}
	if err := (proto.UnmarshalOptions{Resolver: protoregistry.GlobalTypes}).Unmarshal(b, out); err != nil {
		return fdp
	}
	return out
}

func relativeToImportPaths(p string, importPaths []string) (string, bool) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", false
	}
	for _, ip := range importPaths {
		ipAbs, err := filepath.Abs(ip)
		if err != nil {
			continue
		}
		if rel, err := filepath.Rel(ipAbs, abs); err == nil && !strings.HasPrefix(rel, "..") {
			return filepath.ToSlash(rel), true
		}
	}
	return "", false
}

func underImportPath(p string, importPaths []string) bool {
	if filepath.IsAbs(p) {
		return false
	}
	for _, ip := range importPaths {
		if st, err := os.Stat(filepath.Join(ip, p)); err == nil && !st.IsDir() {
			return true
		}
	}
	return false
}
