// Package transcode converts HTTP/JSON requests into gRPC request messages and gRPC responses
// back into JSON, the way ESPv2's gRPC/JSON transcoder (Envoy's grpc_json_transcoder with the
// settings ESPv2 gives it) does, dynamically from descriptors: no generated code.
//
// The proxy uses it in three steps:
//
//  1. At config load: Compile (one method binding) or CompileConfig (every binding of a
//     translate.Config) builds a Method plan: field lookups are resolved once, so a request does
//     no descriptor searching.
//  2. Per request: Method.Request turns path bindings, query and body into the request message
//     in proto wire form (AppendFrame frames it for gRPC); Method.AppendRequestFrames does both
//     and also streams a JSON array to a client-streaming method.
//  3. Per response: Method.Response (unary) or Method.NewStream (server streaming) turns
//     response messages into the HTTP body; a non-OK gRPC status becomes an HTTP status and a
//     google.rpc.Status JSON body with Method.WriteGRPCError; replies the proxy makes itself use
//     WriteLocalReply (`{"code":<HTTP status>,"message":...}`).
//
// gRPC-Web (application/grpc-web and application/grpc-web-text) is converted to and from plain
// gRPC by the GRPCWeb handler wrapper (built on GRPCWebRequestBody and GRPCWebWriter), as
// Envoy's grpc_web filter does.
//
// Facts come from ../shared/reference/proxy-behavior.md section 6 and headers-and-errors.md
// sections 1.3, 1.4, 2.5 and 3.1; docs/transcoding.md explains the mapping with examples.
package transcode

import (
	"errors"
	"net/url"

	"github.com/espctl/espctl/httprule"
)

// Options are ESPv2's --transcoding_* start-up flags. The zero value is ESPv2's default.
type Options struct {
	// PreserveProtoFieldNames (--transcoding_preserve_proto_field_names) prints proto field
	// names (`price_in_usd`) instead of lowerCamelCase JSON names (`priceInUsd`).
	PreserveProtoFieldNames bool
	// AlwaysPrintPrimitiveFields (--transcoding_always_print_primitive_fields) prints
	// default-valued scalars, empty lists and empty maps (`"author":"","priceInUsd":0`).
	AlwaysPrintPrimitiveFields bool
	// AlwaysPrintEnumsAsInts (--transcoding_always_print_enums_as_ints) prints enum numbers.
	AlwaysPrintEnumsAsInts bool
	// StreamNewlineDelimited (--transcoding_stream_newline_delimited) writes server-streamed
	// messages as one JSON object per line instead of one JSON array.
	StreamNewlineDelimited bool
	// CaseInsensitiveEnumParsing (--transcoding_case_insensitive_enum_parsing) accepts enum
	// names in path and query values in any case.
	CaseInsensitiveEnumParsing bool
	// IgnoreQueryParameters are query parameters never mapped to fields and never an error:
	// the API-key and JWT query names (see IgnoredQueryParameters) plus
	// --transcoding_ignore_query_parameters.
	IgnoreQueryParameters []string
	// IgnoreUnknownQueryParameters (--transcoding_ignore_unknown_query_parameters) drops query
	// parameters that name no field instead of refusing to transcode the request.
	IgnoreUnknownQueryParameters bool
	// DisableUnescapePlus (--transcoding_query_parameters_disable_unescape_plus) keeps `+` in
	// query values instead of turning it into a space; it only matters to ParseQuery.
	DisableUnescapePlus bool
	// Resolver finds the types packed in google.protobuf.Any fields of bodies and responses.
	// Nil means the method's own file and its imports plus the types linked into espctl; a
	// proxy that has the config's protoregistry.Files can share dynamicpb.NewTypes(files).
	Resolver Resolver
}

// Request is what the proxy knows about an HTTP request once it is routed.
type Request struct {
	// Bindings are the path variables of the matched template, already percent-decoded as
	// ESPv2 does (proxy-behavior.md section 5). Field paths may use proto or JSON names.
	Bindings []httprule.Binding
	// Query is the decoded query string (ParseQuery honours DisableUnescapePlus).
	Query url.Values
	// Body is the raw HTTP request body; ignored when the binding has no body.
	Body []byte
	// ContentType is the request's Content-Type, stored in google.api.HttpBody bodies.
	ContentType string
}

// Error is a request the transcoder refuses locally. The proxy answers it with
// WriteLocalReply(w, e.Status, e.Message): ESPv2's `{"code":<status>,"message":"..."}`.
type Error struct {
	// Status is the HTTP status (400 for bad JSON or a bad value).
	Status int
	// Message is the text ESPv2 puts in the reply's message, e.g. for bad JSON
	// "Unexpected token.\nNO_BRACES_JSON\n^".
	Message string
}

func (e *Error) Error() string { return e.Message }

// ErrUnknownQueryParameter is returned (wrapped, test with errors.Is) by Method.Request when a
// query parameter names no field and Options.IgnoreUnknownQueryParameters is off. ESPv2 then
// does not transcode at all: it forwards the HTTP/JSON request to the gRPC backend unchanged
// and the gRPC server answers 415. The proxy can do the same, or answer 415 itself.
var ErrUnknownQueryParameter = errors.New("unknown query parameter")

// UnknownQueryParameterError names the offending parameter; it matches
// ErrUnknownQueryParameter with errors.Is.
type UnknownQueryParameterError struct {
	Name string
}

func (e *UnknownQueryParameterError) Error() string {
	return "query parameter " + e.Name + " does not name a field of the request message"
}

// Is makes errors.Is(err, ErrUnknownQueryParameter) true.
func (e *UnknownQueryParameterError) Is(target error) bool { return target == ErrUnknownQueryParameter }

// Content types the transcoder produces.
const (
	// JSONContentType is the Content-Type of transcoded responses and error bodies.
	JSONContentType = "application/json"
	// GRPCContentType is the Content-Type of requests the proxy sends to gRPC backends.
	GRPCContentType = "application/grpc"
)
