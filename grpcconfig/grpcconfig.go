// Package grpcconfig reads a gRPC Endpoints API config offline: one or more service config
// files (`api_config.yaml`, `type: google.api.Service`, YAML or JSON) plus the API's protobuf
// descriptors (a FileDescriptorSet `.pb`, or `.proto` files compiled in process), and compiles
// them the way Google Service Management does into a google.api.Service and a complete
// descriptor set, reporting every problem as a diag.Diagnostic with file:line:col and a rule id.
//
// The steps, each in its own file:
//
//	DecodeConfig       config_files.go, decode.go: YAML/JSON -> Service, strict, with Positions
//	LoadDescriptorSet  descriptors.go: .pb -> Descriptors (missing imports named)
//	CompileProtos      protos.go: .proto -> Descriptors with protocompile
//	Compile            compile.go, types.go, http.go, selectors.go, checks.go
//	WithSourceInfo     source_info.go: the descriptors inside the Service, as ESPv2 reads them
//
// Rules() is the catalogue of checks (rules.go, docs/rules.md).
package grpcconfig
