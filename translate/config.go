// Package translate turns a compiled google.api.Service, its descriptors and the ESPv2 start-up
// options into Config: the one normalized config that every consumer reads (the bundled proxy,
// the Envoy/xDS generator, `espctl config -o json|yaml`).
//
// Config never refers back to its inputs (no YAML, OpenAPI or service-config types), and its
// ordering is stable, so printing the same inputs twice gives the same bytes. Every field is
// documented in docs/config-reference.md.
package translate

import (
	"google.golang.org/protobuf/types/descriptorpb"

	"github.com/espctl/espctl/httprule"
)

// Config is the normalized API config.
type Config struct {
	// Service is the service name (`bookstore.endpoints.my-project.cloud.goog`); it is also the
	// default JWT audience `https://<service>`.
	Service string `json:"service"`
	// ConfigID is the service config id (`2024-01-01r0`), empty when the input had none.
	ConfigID string `json:"config_id,omitempty"`
	Title    string `json:"title,omitempty"`
	// APIs lists the APIs (gRPC services, or the one OpenAPI API) in input order.
	APIs []API `json:"apis"`
	// Methods lists every operation, sorted by Selector.
	Methods []Method `json:"methods"`
	// Routes is every HTTP binding of every method (plus the gRPC paths and the health route),
	// in ESPv2's route precedence order: the first route that matches a request wins.
	Routes []Route `json:"routes"`
	// Providers are the JWT providers, sorted by ID.
	Providers []AuthProvider `json:"auth_providers,omitempty"`
	// QuotaLimits are the quota limits, sorted by Name.
	QuotaLimits []QuotaLimit `json:"quota_limits,omitempty"`
	// Metrics are the quota metrics, sorted: those named by a limit or a method's cost, plus
	// the service's own `metrics[]` (not the standard serviceruntime.googleapis.com ones).
	Metrics []string `json:"metrics,omitempty"`
	// AllowCORS is set when `endpoints[].allow_cors` is true for the service: OPTIONS requests
	// are passed to the backend without auth checks (Routes of Kind "cors").
	AllowCORS bool `json:"allow_cors,omitempty"`
	// ServiceControl is the Service Control URL (`https://servicecontrol.googleapis.com`): the
	// `control.environment` of the config with `https://` assumed, replaced by
	// --service_control_url when set. Empty when the config has no `control.environment`: then
	// Service Control is off (no API-key checks, no quota, no reports), whatever the flag says.
	ServiceControl string `json:"service_control,omitempty"`
	// GRPCBackend is ESPv2's "some backend is gRPC" decision (the --backend scheme, or the first
	// backend rule that decides it): when true, every method of every API is also routed at
	// `POST /<api>/<method>`, and gRPC-Web and JSON transcoding are on.
	GRPCBackend bool `json:"grpc_backend,omitempty"`
	// LocalBackend is the default backend (`--backend`) for methods without a backend address.
	LocalBackend Backend `json:"local_backend"`
	// Healthz is the health-check path from `--healthz`, empty when off.
	Healthz string `json:"healthz,omitempty"`
	// Descriptors is the protobuf descriptor set used for gRPC/JSON transcoding (nil for
	// OpenAPI-only configs). It is not printed; DescriptorFiles names its files.
	Descriptors     *descriptorpb.FileDescriptorSet `json:"-"`
	DescriptorFiles []string                        `json:"descriptor_files,omitempty"`
}

// API is one API of the service.
type API struct {
	// Name is the API name: the gRPC service full name, or `1.<host>` for OpenAPI.
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
	// GRPC is true when the API is a gRPC service with methods at `/<name>/<method>`.
	GRPC bool `json:"grpc,omitempty"`
}

// Method is one operation with everything the proxy enforces for it.
type Method struct {
	// Selector is the operation name: `<api>.<method>` (`endpoints.examples.bookstore.Bookstore.ListShelves`).
	Selector string `json:"selector"`
	API      string `json:"api"`
	Name     string `json:"name"`
	// GRPCPath is `/<api>/<method>` for gRPC methods, empty for OpenAPI operations.
	GRPCPath          string `json:"grpc_path,omitempty"`
	RequestType       string `json:"request_type,omitempty"`
	ResponseType      string `json:"response_type,omitempty"`
	RequestStreaming  bool   `json:"request_streaming,omitempty"`
	ResponseStreaming bool   `json:"response_streaming,omitempty"`
	// HTTP lists the method's HTTP bindings: the primary rule first, then additional bindings.
	HTTP    []HTTPBinding `json:"http,omitempty"`
	Backend Backend       `json:"backend"`
	// HTTPBackend, when set, replaces Backend for plain HTTP requests (not gRPC, not transcoded):
	// the backend rule's `overrides_by_request_protocol["http"]`. ESPv2 turns transcoding off
	// for such a method.
	HTTPBackend *Backend `json:"http_backend,omitempty"`
	// Auth is nil when the method needs no JWT.
	Auth   *AuthRequirement `json:"auth,omitempty"`
	APIKey APIKeyRule       `json:"api_key"`
	// QuotaCosts maps a metric name to the cost one call of this method charges.
	QuotaCosts map[string]int64 `json:"quota_costs,omitempty"`
}

// HTTPBinding is one HTTP verb + path template that reaches a method.
type HTTPBinding struct {
	// Method is the HTTP method (`GET`, ..., or a custom kind); `*` matches every method.
	Method string `json:"method"`
	// Pattern is the path template as written.
	Pattern  string            `json:"pattern"`
	Template httprule.Template `json:"template"`
	// Body is the request field the HTTP body maps to (`*` for the whole message, empty for none).
	Body         string `json:"body,omitempty"`
	ResponseBody string `json:"response_body,omitempty"`
}

// Backend says where and how a method's requests are sent.
type Backend struct {
	// Address is the backend URL as configured; empty for the local backend.
	Address string `json:"address,omitempty"`
	// Scheme is http, https, grpc or grpcs.
	Scheme string `json:"scheme,omitempty"`
	Host   string `json:"host,omitempty"`
	Port   int    `json:"port,omitempty"`
	// Path is the address's path part, used by path translation (no trailing slash).
	Path string `json:"path,omitempty"`
	// Protocol is "http/1.1", "h2" or "grpc".
	Protocol string `json:"protocol,omitempty"`
	TLS      bool   `json:"tls,omitempty"`
	// DeadlineSeconds is the response deadline of a unary method: the rule's `deadline` rounded
	// to the millisecond, 15 when unset, zero or negative. Streaming methods have no response
	// deadline (see IdleTimeoutSeconds).
	DeadlineSeconds float64 `json:"deadline_s,omitempty"`
	// IdleTimeoutSeconds is the stream idle timeout: unary max(deadline+1, 300); streaming the
	// rule's deadline when set, else 300.
	IdleTimeoutSeconds float64 `json:"idle_timeout_s,omitempty"`
	// PathTranslation is "", "CONSTANT_ADDRESS" or "APPEND_PATH_TO_ADDRESS".
	PathTranslation string `json:"path_translation,omitempty"`
	// JWTAudience is the audience of the ID token sent to the backend, empty for none.
	JWTAudience string `json:"jwt_audience,omitempty"`
	DisableAuth bool   `json:"disable_auth,omitempty"`
	// Local is true when the method uses the default backend (`--backend`).
	Local bool `json:"local,omitempty"`
}

// AuthRequirement says which JWT providers a method accepts (any one of them).
type AuthRequirement struct {
	Providers []ProviderRequirement `json:"providers"`
	// AllowWithoutCredential lets requests without a token through (a bad token still fails).
	AllowWithoutCredential bool `json:"allow_without_credential,omitempty"`
}

// ProviderRequirement names a provider and, when set, the audiences that replace the
// provider's own for this method.
type ProviderRequirement struct {
	ProviderID string   `json:"provider_id"`
	Audiences  []string `json:"audiences,omitempty"`
}

// AuthProvider is a JWT issuer.
type AuthProvider struct {
	ID      string `json:"id"`
	Issuer  string `json:"issuer"`
	JWKSURI string `json:"jwks_uri,omitempty"`
	// Audiences accepted; empty means the default `https://<service>`.
	Audiences []string `json:"audiences,omitempty"`
	// Locations where the token is looked for, in order. Build fills ESPv2's defaults when the
	// config has none (Authorization: Bearer, X-Goog-Iap-Jwt-Assertion, ?access_token) and
	// sets DefaultLocations.
	Locations        []JWTLocation `json:"jwt_locations,omitempty"`
	DefaultLocations bool          `json:"default_jwt_locations,omitempty"`
}

// JWTLocation is one place a JWT is read from: a header (with an optional value prefix) or a
// query parameter.
type JWTLocation struct {
	Header      string `json:"header,omitempty"`
	Query       string `json:"query,omitempty"`
	Cookie      string `json:"cookie,omitempty"`
	ValuePrefix string `json:"value_prefix,omitempty"`
}

// APIKeyRule says whether a method needs an API key and where it is read from.
type APIKeyRule struct {
	// AllowUnregisteredCalls lets calls without an API key through.
	AllowUnregisteredCalls bool `json:"allow_unregistered_calls,omitempty"`
	SkipServiceControl     bool `json:"skip_service_control,omitempty"`
	// Locations are tried in order, the first present wins. Build fills ESPv2's defaults
	// (?key, ?api_key, x-api-key header) when the config names none, and sets DefaultLocations.
	Locations        []APIKeyLocation `json:"locations,omitempty"`
	DefaultLocations bool             `json:"default_locations,omitempty"`
}

// APIKeyLocation is a header or query parameter holding an API key.
type APIKeyLocation struct {
	Header string `json:"header,omitempty"`
	Query  string `json:"query,omitempty"`
}

// QuotaLimit is a limit on a metric per consumer and unit of time.
type QuotaLimit struct {
	Name   string `json:"name"`
	Metric string `json:"metric"`
	// Unit as written (`1/min/{project}`).
	Unit string `json:"unit"`
	// Values maps a tier to its limit (`STANDARD: 1000`).
	Values map[string]int64 `json:"values"`
}

// Route is one entry of the route table, in precedence order.
type Route struct {
	// Method is the HTTP method or `*`.
	Method   string            `json:"method"`
	Pattern  string            `json:"pattern"`
	Template httprule.Template `json:"-"`
	// Selector is the operation the route reaches; empty for the health route.
	Selector string `json:"selector,omitempty"`
	// Operation is the operation name ESPv2 reports to Service Control for this route when it
	// differs from Selector: `<api>.ESPv2_Autogenerated_CORS_<method>` for "cors" routes,
	// `espv2_deployment.ESPv2_Autogenerated_HealthCheck` for the health route.
	Operation string `json:"operation,omitempty"`
	// Kind is "http" (an HTTP binding), "grpc" (the native gRPC path, `POST /<api>/<method>`,
	// gRPC passthrough or JSON with body "*"), "cors" (an `allow_cors` OPTIONS route: proxied
	// to Selector's backend without JWT or API-key checks) or "healthz".
	Kind string `json:"kind"`
	// Binding indexes Method.HTTP for Kind "http" (and for "cors" routes made from one).
	Binding int `json:"binding,omitempty"`
}

// Route kinds.
const (
	RouteHTTP    = "http"
	RouteGRPC    = "grpc"
	RouteCORS    = "cors"
	RouteHealthz = "healthz"
)
