package grpcconfig

import (
	"fmt"

	"google.golang.org/genproto/googleapis/api/serviceconfig"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"
	"google.golang.org/protobuf/types/known/anypb"
)

// Service configs carry their descriptors in source_info.source_files as Any values of type
// google.api.servicemanagement.v1.ConfigFile. That message lives in the Service Management
// API, not in genproto's googleapis/api module, so espctl declares the three fields it needs
// (file_path = 1, file_contents = 3, file_type = 4, as in servicemanagement/v1/resources.proto)
// and registers them in Resolver; protojson needs the type to read or write the Any.

const (
	configFileName       = "google.api.servicemanagement.v1.ConfigFile"
	configFileTypeURL    = "type.googleapis.com/" + configFileName
	fileDescriptorSetPB  = 4 // ConfigFile.FileType FILE_DESCRIPTOR_SET_PROTO
	fileTypeServiceYAML  = 1 // ConfigFile.FileType SERVICE_CONFIG_YAML
	descriptorSetDefault = "api_descriptor.pb"
)

var configFileType = buildConfigFileType()

func buildConfigFileType() protoreflect.MessageType {
	s := proto.String
	fdp := &descriptorpb.FileDescriptorProto{
		Name:    s("google/api/servicemanagement/v1/resources.proto"),
		Package: s("google.api.servicemanagement.v1"),
		Syntax:  s("proto3"),
		MessageType: []*descriptorpb.DescriptorProto{{
			Name: s("ConfigFile"),
			Field: []*descriptorpb.FieldDescriptorProto{
				{Name: s("file_path"), JsonName: s("filePath"), Number: proto.Int32(1), Type: descriptorpb.FieldDescriptorProto_TYPE_STRING.Enum(), Label: descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum()},
				{Name: s("file_contents"), JsonName: s("fileContents"), Number: proto.Int32(3), Type: descriptorpb.FieldDescriptorProto_TYPE_BYTES.Enum(), Label: descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum()},
				{Name: s("file_type"), JsonName: s("fileType"), Number: proto.Int32(4), Type: descriptorpb.FieldDescriptorProto_TYPE_ENUM.Enum(), TypeName: s(".google.api.servicemanagement.v1.ConfigFile.FileType"), Label: descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum()},
			},
			EnumType: []*descriptorpb.EnumDescriptorProto{{
				Name: s("FileType"),
				Value: []*descriptorpb.EnumValueDescriptorProto{
					{Name: s("FILE_TYPE_UNSPECIFIED"), Number: proto.Int32(0)},
					{Name: s("SERVICE_CONFIG_YAML"), Number: proto.Int32(1)},
					{Name: s("OPEN_API_JSON"), Number: proto.Int32(2)},
					{Name: s("OPEN_API_YAML"), Number: proto.Int32(3)},
					{Name: s("FILE_DESCRIPTOR_SET_PROTO"), Number: proto.Int32(4)},
					{Name: s("PROTO_FILE"), Number: proto.Int32(6)},
				},
			}},
		}},
	}
	fd, err := protodesc.NewFile(fdp, protoregistry.GlobalFiles)
	if err != nil {
		panic(fmt.Sprintf("grpcconfig: building ConfigFile descriptor: %v", err)) // a bug in the literal above
	}
	return dynamicpb.NewMessageType(fd.Messages().Get(0))
}

// Resolver resolves every type linked into espctl plus ConfigFile. Pass it to protojson when
// reading or writing a Service that has source_info.
var Resolver interface {
	protoregistry.MessageTypeResolver
	protoregistry.ExtensionTypeResolver
} = resolver{}

type resolver struct{}

func (resolver) FindMessageByName(name protoreflect.FullName) (protoreflect.MessageType, error) {
	if name == configFileName {
		return configFileType, nil
	}
	return protoregistry.GlobalTypes.FindMessageByName(name)
}

func (r resolver) FindMessageByURL(url string) (protoreflect.MessageType, error) {
	if url == configFileTypeURL || url == configFileName {
		return configFileType, nil
	}
	return protoregistry.GlobalTypes.FindMessageByURL(url)
}

func (resolver) FindExtensionByName(field protoreflect.FullName) (protoreflect.ExtensionType, error) {
	return protoregistry.GlobalTypes.FindExtensionByName(field)
}

func (resolver) FindExtensionByNumber(message protoreflect.FullName, field protoreflect.FieldNumber) (protoreflect.ExtensionType, error) {
	return protoregistry.GlobalTypes.FindExtensionByNumber(message, field)
}

// configFile builds one ConfigFile Any.
func configFile(path string, contents []byte, fileType int32) (*anypb.Any, error) {
	m := configFileType.New()
	fields := m.Descriptor().Fields()
	m.Set(fields.ByName("file_path"), protoreflect.ValueOfString(path))
	m.Set(fields.ByName("file_contents"), protoreflect.ValueOfBytes(contents))
	m.Set(fields.ByName("file_type"), protoreflect.ValueOfEnum(protoreflect.EnumNumber(fileType)))
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(m.Interface())
	if err != nil {
		return nil, err
	}
	return &anypb.Any{TypeUrl: configFileTypeURL, Value: b}, nil
}

// WithSourceInfo returns a copy of svc whose source_info holds fds as a
// FILE_DESCRIPTOR_SET_PROTO ConfigFile named api_descriptor.pb, as in the configs Service
// Management generates. ESPv2 reads its transcoding descriptors from there.
func WithSourceInfo(svc *serviceconfig.Service, fds *descriptorpb.FileDescriptorSet) (*serviceconfig.Service, error) {
	out := proto.Clone(svc).(*serviceconfig.Service)
	if fds == nil || len(fds.GetFile()) == 0 {
		return out, nil
	}
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(fds)
	if err != nil {
		return nil, fmt.Errorf("encoding the descriptor set: %w", err)
	}
	cf, err := configFile(descriptorSetDefault, b, fileDescriptorSetPB)
	if err != nil {
		return nil, fmt.Errorf("encoding source_info: %w", err)
	}
	out.SourceInfo = &serviceconfig.SourceInfo{SourceFiles: []*anypb.Any{cf}}
	return out, nil
}

// DescriptorsFromSourceInfo returns the FILE_DESCRIPTOR_SET_PROTO files of source_info, merged
// into one set, and the path of the first; nil when there is none.
func DescriptorsFromSourceInfo(svc *serviceconfig.Service) (*descriptorpb.FileDescriptorSet, string, error) {
	var out *descriptorpb.FileDescriptorSet
	var firstPath string
	for i, a := range svc.GetSourceInfo().GetSourceFiles() {
		if a.GetTypeUrl() != configFileTypeURL {
			continue
		}
		m := configFileType.New()
		if err := proto.Unmarshal(a.GetValue(), m.Interface()); err != nil {
			return nil, "", fmt.Errorf("source_info.source_files[%d]: %s", i, protoErr(err))
		}
		fields := m.Descriptor().Fields()
		if m.Get(fields.ByName("file_type")).Enum() != fileDescriptorSetPB {
			continue
		}
		set := &descriptorpb.FileDescriptorSet{}
		if err := (proto.UnmarshalOptions{Resolver: protoregistry.GlobalTypes}).Unmarshal(m.Get(fields.ByName("file_contents")).Bytes(), set); err != nil {
			return nil, "", fmt.Errorf("source_info.source_files[%d]: not a FileDescriptorSet: %s", i, protoErr(err))
		}
		if out == nil {
			out = set
			firstPath = m.Get(fields.ByName("file_path")).String()
		} else {
			out.File = append(out.File, set.File...)
		}
	}
	return out, firstPath, nil
}
