// Package demo is the bookstore-style gRPC service `espctl run` serves when it is given no API
// config: bookstore.proto (our own, embedded) is compiled at start-up, the service is
// implemented over dynamic messages (no generated code, no protoc), and gRPC server reflection
// is on so grpcurl works without the .proto file.
//
// The demo is a normal input to the proxy: Service and Descriptors are what `espctl run
// --service_json_path` and `--descriptor` would give, so the proxy in front of it runs the same
// code paths as for any user config.
package demo

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"io"

	"github.com/bufbuild/protocompile"
	_ "google.golang.org/genproto/googleapis/api/annotations" // registers google/api/annotations.proto
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
	_ "google.golang.org/protobuf/types/known/emptypb" // registers google/protobuf/empty.proto
)

//go:embed bookstore.proto
var bookstoreProto []byte

// ProtoFile is the embedded file's import path.
const ProtoFile = "espctl/demo/v1/bookstore.proto"

// ServiceName is the gRPC service of the demo.
const ServiceName = "espctl.demo.v1.Library"

// Proto returns the demo's .proto source.
func Proto() []byte { return bytes.Clone(bookstoreProto) }

// compile compiles the embedded proto; imports come from the descriptors compiled into espctl.
func compile() (protoreflect.FileDescriptor, error) {
	c := protocompile.Compiler{
		Resolver: protocompile.ResolverFunc(func(path string) (protocompile.SearchResult, error) {
			if path == ProtoFile {
				return protocompile.SearchResult{Source: io.NopCloser(bytes.NewReader(bookstoreProto))}, nil
			}
			fd, err := protoregistry.GlobalFiles.FindFileByPath(path)
			if err != nil {
				return protocompile.SearchResult{}, fmt.Errorf("%s: %w", path, err)
			}
			return protocompile.SearchResult{Desc: fd}, nil
		}),
		SourceInfoMode: protocompile.SourceInfoStandard,
	}
	files, err := c.Compile(context.Background(), ProtoFile)
	if err != nil {
		return nil, fmt.Errorf("compiling the demo proto: %w", err)
	}
	return files[0], nil
}

// descriptorSet returns fd and everything it imports, dependencies first, as a descriptor set
// (what `protoc --include_imports -o` writes).
func descriptorSet(fds ...protoreflect.FileDescriptor) *descriptorpb.FileDescriptorSet {
	set := &descriptorpb.FileDescriptorSet{}
	seen := map[string]bool{}
	var add func(fd protoreflect.FileDescriptor)
	add = func(fd protoreflect.FileDescriptor) {
		if seen[fd.Path()] {
			return
		}
		seen[fd.Path()] = true
		imps := fd.Imports()
		for i := 0; i < imps.Len(); i++ {
			add(imps.Get(i).FileDescriptor)
		}
		set.File = append(set.File, protodesc.ToFileDescriptorProto(fd))
	}
	for _, fd := range fds {
		add(fd)
	}
	return set
}
