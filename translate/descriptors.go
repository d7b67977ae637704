package translate

import (
	"fmt"
	"strings"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/descriptorpb"
)

// ConfigFileTypeURL is the Any type URL of `source_info.source_files[]` entries.
const ConfigFileTypeURL = "type.googleapis.com/google.api.servicemanagement.v1.ConfigFile"

// FileDescriptorSetProto is the ConfigFile.FileType value FILE_DESCRIPTOR_SET_PROTO.
const FileDescriptorSetProto = 4

// buildDescriptors records the descriptor set used for transcoding: fds when given, else the
// FILE_DESCRIPTOR_SET_PROTO file that Service Management stores in `source_info` (as ESPv2
// reads it).
func (b *builder) buildDescriptors(fds *descriptorpb.FileDescriptorSet) func() error {
	return func() error {
		if fds == nil {
			var err error
			if fds, err = b.sourceInfoDescriptors(); err != nil {
				return err
			}
		}
		if fds == nil {
			return nil
		}
		b.cfg.Descriptors = fds
		for _, f := range fds.GetFile() {
			b.cfg.DescriptorFiles = append(b.cfg.DescriptorFiles, f.GetName())
		}
		return nil
	}
}

// sourceInfoDescriptors returns the first descriptor set found in source_info, or nil.
//
// ConfigFile (google.api.servicemanagement.v1) is decoded by hand from its three fields
// (file_path = 1, file_contents = 3, file_type = 4) so that espctl does not need the whole
// Service Management API module for one message.
func (b *builder) sourceInfoDescriptors() (*descriptorpb.FileDescriptorSet, error) {
	for _, file := range b.svc.GetSourceInfo().GetSourceFiles() {
		if file.GetTypeUrl() != ConfigFileTypeURL && !strings.HasSuffix(file.GetTypeUrl(), "/google.api.servicemanagement.v1.ConfigFile") {
			continue
		}
		cf, err := decodeConfigFile(file.GetValue())
		if err != nil {
			return nil, fmt.Errorf("source_info: decoding ConfigFile: %w", err)
		}
		if cf.fileType != FileDescriptorSetProto {
			continue
		}
		fds := &descriptorpb.FileDescriptorSet{}
		if err := proto.Unmarshal(cf.contents, fds); err != nil {
			return nil, fmt.Errorf("source_info: descriptor set %s: %w", cf.path, err)
		}
		return fds, nil
	}
	return nil, nil
}

type configFile struct {
	path     string
	contents []byte
	fileType uint64
}

func decodeConfigFile(b []byte) (configFile, error) {
	var cf configFile
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return cf, protowire.ParseError(n)
		}
		b = b[n:]
		switch {
		case num == 1 && typ == protowire.BytesType:
			v, n := protowire.ConsumeBytes(b)
			if n < 0 {
				return cf, protowire.ParseError(n)
			}
			cf.path, b = string(v), b[n:]
		case num == 3 && typ == protowire.BytesType:
			v, n := protowire.ConsumeBytes(b)
			if n < 0 {
				return cf, protowire.ParseError(n)
			}
			cf.contents, b = v, b[n:]
		case num == 4 && typ == protowire.VarintType:
			v, n := protowire.ConsumeVarint(b)
			if n < 0 {
				return cf, protowire.ParseError(n)
			}
			cf.fileType, b = v, b[n:]
		default:
			n := protowire.ConsumeFieldValue(num, typ, b)
			if n < 0 {
				return cf, protowire.ParseError(n)
			}
			b = b[n:]
		}
	}
	return cf, nil
}

// EncodeConfigFile is the inverse of the decoder above, for tests and for tools that write a
// service config with an embedded descriptor set (`--emit service-config`).
func EncodeConfigFile(path string, fileType uint64, contents []byte) []byte {
	var b []byte
	b = protowire.AppendTag(b, 1, protowire.BytesType)
	b = protowire.AppendString(b, path)
	b = protowire.AppendTag(b, 3, protowire.BytesType)
	b = protowire.AppendBytes(b, contents)
	b = protowire.AppendTag(b, 4, protowire.VarintType)
	b = protowire.AppendVarint(b, fileType)
	return b
}
