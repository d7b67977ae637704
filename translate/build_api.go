package translate

// The builder's entry point, implemented in build.go:
//
//	func Build(svc *serviceconfig.Service, fds *descriptorpb.FileDescriptorSet, opts Options) (*Config, error)
//
// svc is a compiled google.api.Service (wildcard selectors already expanded, as Service
// Management leaves them); fds the descriptors for gRPC APIs (nil for OpenAPI; when nil and
// svc.source_info holds a FILE_DESCRIPTOR_SET_PROTO file, that one is used).

// DefaultBackend is ESPv2's --backend default.
const DefaultBackend = "http://127.0.0.1:8082"

// Options are the ESPv2 start-up options that change the normalized config.
type Options struct {
	// Backend is --backend (default "http://127.0.0.1:8082"; a value without `://` gets
	// `http://` prepended, as ESPv2's launcher does).
	Backend string
	// Healthz is --healthz, empty for none (a missing leading `/` is added).
	Healthz string
	// EnableBackendAddressOverride is --enable_backend_address_override.
	EnableBackendAddressOverride bool
	// NonGCP is --non_gcp: backend ID-token audiences are dropped.
	NonGCP bool
	// ServiceControlURL is --service_control_url.
	ServiceControlURL string
}
