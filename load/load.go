// Package load is the one place that turns the API-config arguments of a command (config
// files, descriptors, a service config JSON) into a compiled google.api.Service, its
// descriptors and diagnostics. validate, config, run and envoy all call Load, so every command
// accepts the same inputs and reports the same problems.
//
// The input kind is decided by content, never by file name:
//
//   - a top-level `swagger:` or `openapi:` key: an OpenAPI document (package openapi);
//   - `type: google.api.Service` (YAML or JSON): a gRPC API config, compiled with its
//     descriptors by package grpcconfig;
//   - a JSON object without `type`: a full service config as Service Management serves it
//     (and ESPv2 reads with --service_json_path), descriptors taken from its source_info.
package load

import (
	"fmt"
	"os"

	"google.golang.org/genproto/googleapis/api/serviceconfig"
	"google.golang.org/protobuf/types/descriptorpb"

	"github.com/espctl/espctl/diag"
	"github.com/espctl/espctl/grpcconfig"
)

// Inputs are the API-config arguments of a command.
type Inputs struct {
	// ConfigFiles are service config files (merged in order) or one OpenAPI document.
	ConfigFiles []string
	// Descriptor is a FileDescriptorSet file (`protoc --include_imports -o api_descriptor.pb`).
	Descriptor string
	// Protos are .proto files compiled in process; ImportPaths are their -I directories.
	Protos      []string
	ImportPaths []string
	// ServiceJSON is a full service config JSON (--service_json_path).
	ServiceJSON string
}

// Kind names the input kind Load recognised.
type Kind string

const (
	KindGRPC        Kind = "grpc"         // api_config.yaml + descriptors
	KindServiceJSON Kind = "service-json" // a compiled service config
	KindOpenAPI     Kind = "openapi"      // an OpenAPI document
)

// Result is a loaded API config. When Diagnostics holds errors, Service is a best effort
// that must not be served.
type Result struct {
	Kind    Kind
	Service *serviceconfig.Service
	// Descriptors is the complete descriptor set (imports included) for gRPC APIs, nil for
	// an OpenAPI document.
	Descriptors *descriptorpb.FileDescriptorSet
	// Diagnostics is sorted.
	Diagnostics diag.List
}

// usage reports a combination of inputs that cannot work; like an unreadable file it is an
// error, not a diagnostic (exit 2).
func usage(format string, args ...any) error {
	return fmt.Errorf(format, args...)
}

// Load reads and compiles an API config. The error is for input that cannot be used at all
// (a missing file, a contradictory set of flags: exit 2); an input that is read but wrong
// comes back as a Result whose Diagnostics hold errors (exit 1).
func Load(in Inputs) (*Result, error) {
	if len(in.ConfigFiles) == 0 && in.ServiceJSON == "" {
		return nil, usage("no API config given: pass api_config.yaml (with --descriptor or --proto), an OpenAPI document, or --service_json_path")
	}
	if len(in.ConfigFiles) > 0 && in.ServiceJSON != "" {
		return nil, usage("give either config files or --service_json_path, not both")
	}
	if in.Descriptor != "" && len(in.Protos) > 0 {
		return nil, usage("give either --descriptor or --proto, not both")
	}
	paths := in.ConfigFiles
	if in.ServiceJSON != "" {
		paths = []string{in.ServiceJSON}
	}
	files := make([]grpcconfig.File, 0, len(paths))
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		files = append(files, grpcconfig.File{Path: p, Data: data})
	}
	kind := detect(files, in.ServiceJSON != "")
	switch kind {
	case KindOpenAPI:
		if len(files) > 1 {
			return nil, usage("%s is an OpenAPI document; OpenAPI documents are loaded one at a time", files[0].Path)
		}
		if in.Descriptor != "" || len(in.Protos) > 0 {
			return nil, usage("%s is an OpenAPI document; --descriptor and --proto are for gRPC service configs", files[0].Path)
		}
		return loadOpenAPI(files[0])
	case KindServiceJSON:
		return loadServiceJSON(files, in)
	}
	return loadGRPC(files, in)
}

func loadGRPC(files []grpcconfig.File, in Inputs) (*Result, error) {
	desc, diags, err := descriptors(in)
	if err != nil {
		return nil, err
	}
	if desc == nil && !diags.HasErrors() {
		return nil, usage("%s is a gRPC service config: pass its descriptors with --descriptor api_descriptor.pb or --proto your.proto", files[0].Path)
	}
	doc, ds := grpcconfig.DecodeConfig(files, grpcconfig.DecodeOptions{})
	diags = append(diags, ds...)
	if desc == nil {
		// The descriptors did not compile: checks against them would only repeat that.
		return &Result{Kind: KindGRPC, Service: doc.Service, Diagnostics: diags.Sort()}, nil
	}
	return compile(KindGRPC, doc, desc, diags), nil
}

func loadServiceJSON(files []grpcconfig.File, in Inputs) (*Result, error) {
	desc, diags, err := descriptors(in)
	if err != nil {
		return nil, err
	}
	doc, ds := grpcconfig.DecodeConfig(files, grpcconfig.DecodeOptions{ServiceJSON: true})
	diags = append(diags, ds...)
	if desc == nil {
		set, name, err := grpcconfig.DescriptorsFromSourceInfo(doc.Service)
		if err != nil {
			diags.Add(diag.Diagnostic{Pos: doc.Positions.Pos("source_info"), Rule: grpcconfig.RuleBadDescriptor, Severity: diag.Error, Field: "source_info", Message: err.Error()})
		} else if set != nil {
			d, ds := grpcconfig.LinkDescriptorSet(files[0].Path+": source_info "+name, set)
			diags = append(diags, ds...)
			desc = d
		}
	}
	return compile(KindServiceJSON, doc, desc, diags), nil
}

// descriptors loads --descriptor or --proto, nil when neither is given.
func descriptors(in Inputs) (*grpcconfig.Descriptors, diag.List, error) {
	switch {
	case in.Descriptor != "":
		data, err := os.ReadFile(in.Descriptor)
		if err != nil {
			return nil, nil, err
		}
		d, diags := grpcconfig.LoadDescriptorSet(in.Descriptor, data)
		return d, diags, nil
	case len(in.Protos) > 0:
		return grpcconfig.CompileProtos(in.Protos, in.ImportPaths)
	}
	return nil, nil, nil
}

func compile(kind Kind, doc *grpcconfig.Document, desc *grpcconfig.Descriptors, diags diag.List) *Result {
	if doc.Unreadable {
		return &Result{Kind: kind, Service: doc.Service, Diagnostics: diags.Sort()}
	}
	svc, ds := grpcconfig.Compile(doc, desc)
	diags = append(diags, ds...)
	res := &Result{Kind: kind, Service: svc, Diagnostics: diags.Sort()}
	if desc != nil {
		res.Descriptors = desc.Set
	}
	return res
}
