package transcode

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/bufbuild/protocompile"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"

	_ "github.com/espctl/espctl/golden" // defines -update for `go test ./... -update`
	"github.com/espctl/espctl/httprule"
	"github.com/espctl/espctl/translate"
)

var (
	libraryOnce sync.Once
	libraryDesc protoreflect.ServiceDescriptor
	libraryErr  error
)

// library compiles testdata/library.proto once per test binary.
func library(tb testing.TB) protoreflect.ServiceDescriptor {
	tb.Helper()
	libraryOnce.Do(func() {
		c := protocompile.Compiler{Resolver: protocompile.WithStandardImports(&protocompile.SourceResolver{ImportPaths: []string{"testdata"}})}
		files, err := c.Compile(context.Background(), "library.proto")
		if err != nil {
			libraryErr = err
			return
		}
		// Rebuild the descriptors from a FileDescriptorSet, as the proxy gets them from the
		// config (protocompile's own descriptor types are slower to walk).
		set := &descriptorpb.FileDescriptorSet{}
		seen := map[string]bool{}
		var add func(fd protoreflect.FileDescriptor)
		add = func(fd protoreflect.FileDescriptor) {
			if seen[fd.Path()] {
				return
			}
			seen[fd.Path()] = true
			for i := 0; i < fd.Imports().Len(); i++ {
				add(fd.Imports().Get(i).FileDescriptor)
			}
			set.File = append(set.File, protodesc.ToFileDescriptorProto(fd))
		}
		add(files[0])
		reg, err := protodesc.NewFiles(set)
		if err != nil {
			libraryErr = err
			return
		}
		d, err := reg.FindDescriptorByName("espctl.test.v1.Library")
		if err != nil {
			libraryErr = err
			return
		}
		libraryDesc = d.(protoreflect.ServiceDescriptor)
	})
	if libraryErr != nil {
		tb.Fatal(libraryErr)
	}
	return libraryDesc
}

// binding builds an HTTPBinding; vars are the template's variable field paths.
func binding(body, responseBody string, vars ...string) translate.HTTPBinding {
	b := translate.HTTPBinding{Method: "POST", Body: body, ResponseBody: responseBody}
	for _, v := range vars {
		b.Template.Variables = append(b.Template.Variables, httprule.Variable{FieldPath: v})
	}
	return b
}

func compile(tb testing.TB, method string, b translate.HTTPBinding, opts Options) *Method {
	tb.Helper()
	md := library(tb).Methods().ByName(protoreflect.Name(method))
	if md == nil {
		tb.Fatalf("no method %s", method)
	}
	m, err := Compile(md, b, opts)
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

// wireToJSON decodes wire bytes of md for readable assertions, with proto field names and
// stable (compact) output.
func wireToJSON(tb testing.TB, md protoreflect.MessageDescriptor, wire []byte) string {
	tb.Helper()
	msg := dynamicpb.NewMessage(md)
	if err := proto.Unmarshal(wire, msg); err != nil {
		tb.Fatal(err)
	}
	b, err := protojson.MarshalOptions{UseProtoNames: true, Resolver: &fileResolver{file: md.ParentFile()}}.Marshal(msg)
	if err != nil {
		tb.Fatal(err)
	}
	return string(compactJSON(b))
}

// jsonToWire builds wire bytes of md from protojson text.
func jsonToWire(tb testing.TB, md protoreflect.MessageDescriptor, js string) []byte {
	tb.Helper()
	return jsonToWireWith(tb, md, js, nil)
}

func jsonToWireWith(tb testing.TB, md protoreflect.MessageDescriptor, js string, r Resolver) []byte {
	tb.Helper()
	msg := dynamicpb.NewMessage(md)
	opts := protojson.UnmarshalOptions{}
	if r != nil {
		opts.Resolver = r
	}
	if err := opts.Unmarshal([]byte(js), msg); err != nil {
		tb.Fatalf("%s: %v", js, err)
	}
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(msg)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func bindings(pairs ...string) []httprule.Binding {
	var out []httprule.Binding
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, httprule.Binding{FieldPath: pairs[i], Value: pairs[i+1]})
	}
	return out
}

func oneLine(s string) string { return strings.ReplaceAll(s, "\n", `\n`) }
