package transcode

import (
	"sync"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/dynamicpb"
)

// Resolver finds message and extension types by name; protojson uses it for
// google.protobuf.Any values. *dynamicpb.Types built from the config's protoregistry.Files is
// one.
type Resolver interface {
	protoregistry.MessageTypeResolver
	protoregistry.ExtensionTypeResolver
}

// fileResolver resolves types of the method's file and everything it imports, falling back to
// the types linked into the binary (well-known types, google.rpc). The registry is built on
// first use, so methods that never meet an Any never pay for it.
type fileResolver struct {
	file  protoreflect.FileDescriptor
	once  sync.Once
	types *dynamicpb.Types
}

func (r *fileResolver) load() *dynamicpb.Types {
	r.once.Do(func() {
		files := &protoregistry.Files{}
		var add func(fd protoreflect.FileDescriptor)
		add = func(fd protoreflect.FileDescriptor) {
			if _, err := files.FindFileByPath(fd.Path()); err == nil {
				return
			}
			imports := fd.Imports()
			for i := 0; i < imports.Len(); i++ {
				add(imports.Get(i).FileDescriptor)
			}
			_ = files.RegisterFile(fd) // a conflict keeps the first registration
		}
		add(r.file)
		r.types = dynamicpb.NewTypes(files)
	})
	return r.types
}

func (r *fileResolver) FindMessageByName(name protoreflect.FullName) (protoreflect.MessageType, error) {
	if t, err := protoregistry.GlobalTypes.FindMessageByName(name); err == nil {
		return t, nil
	}
	return r.load().FindMessageByName(name)
}

func (r *fileResolver) FindMessageByURL(url string) (protoreflect.MessageType, error) {
	if t, err := protoregistry.GlobalTypes.FindMessageByURL(url); err == nil {
		return t, nil
	}
	return r.load().FindMessageByURL(url)
}

func (r *fileResolver) FindExtensionByName(name protoreflect.FullName) (protoreflect.ExtensionType, error) {
	if t, err := protoregistry.GlobalTypes.FindExtensionByName(name); err == nil {
		return t, nil
	}
	return r.load().FindExtensionByName(name)
}

func (r *fileResolver) FindExtensionByNumber(message protoreflect.FullName, field protoreflect.FieldNumber) (protoreflect.ExtensionType, error) {
	if t, err := protoregistry.GlobalTypes.FindExtensionByNumber(message, field); err == nil {
		return t, nil
	}
	return r.load().FindExtensionByNumber(message, field)
}
