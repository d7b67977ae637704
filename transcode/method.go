package transcode

import (
	"fmt"
	"sync"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/espctl/espctl/translate"
)

// Method is the compiled transcoding plan of one HTTP binding of one gRPC method. It is
// immutable after Compile and safe for concurrent use; build it once per config load.
type Method struct {
	desc    protoreflect.MethodDescriptor
	in, out protoreflect.MessageDescriptor
	binding translate.HTTPBinding
	opts    Options

	// bodyKind says where the HTTP body goes; bodyPath is the field for bodyField.
	bodyKind bodyKind
	bodyPath fieldPath
	// httpBodyRequest is set when the body target is a google.api.HttpBody: the raw bytes
	// go into its data field instead of being parsed as JSON.
	httpBodyRequest bool

	// responsePath is the response_body field (nil: the whole message).
	responsePath fieldPath
	// httpBodyResponse is set when what is returned is a google.api.HttpBody: its data is
	// the HTTP body and its content_type the Content-Type.
	httpBodyResponse bool

	// pathFields holds the field paths of the template's variables, resolved at compile time.
	pathFields map[string]fieldPath
	// queryFields caches query-parameter names resolved on first use (nil entries are
	// unknown names); bounded so unknown names sent by clients cannot grow it forever.
	queryFields sync.Map
	queryCount  int
	queryMu     sync.Mutex

	ignore map[string]bool

	marshal   protojson.MarshalOptions
	unmarshal protojson.UnmarshalOptions
}

type bodyKind uint8

const (
	bodyNone  bodyKind = iota // no body: fields come from path and query only
	bodyWhole                 // body "*": the body is the request message
	bodyField                 // body "<field>": the body is that field
)

// Compile builds the plan for method md reached through HTTP binding b. It fails when the
// binding names fields the request or response message does not have (the config validators
// report these earlier; Compile re-checks so the proxy never serves a half-valid plan).
func Compile(md protoreflect.MethodDescriptor, b translate.HTTPBinding, opts Options) (*Method, error) {
	if md == nil {
		return nil, fmt.Errorf("transcode: nil method descriptor")
	}
	m := &Method{
		desc:       md,
		in:         md.Input(),
		out:        md.Output(),
		binding:    b,
		opts:       opts,
		pathFields: map[string]fieldPath{},
		ignore:     map[string]bool{},
		unmarshal:  protojson.UnmarshalOptions{AllowPartial: true},
		marshal: protojson.MarshalOptions{
			AllowPartial:      true,
			UseProtoNames:     opts.PreserveProtoFieldNames,
			EmitDefaultValues: opts.AlwaysPrintPrimitiveFields,
			UseEnumNumbers:    opts.AlwaysPrintEnumsAsInts,
		},
	}
	var resolver Resolver = opts.Resolver
	if resolver == nil {
		resolver = &fileResolver{file: md.ParentFile()}
	}
	m.unmarshal.Resolver = resolver
	m.marshal.Resolver = resolver
	for _, name := range opts.IgnoreQueryParameters {
		m.ignore[name] = true
	}
	switch b.Body {
	case "":
		m.bodyKind = bodyNone
	case "*":
		m.bodyKind = bodyWhole
		m.httpBodyRequest = isHTTPBody(m.in)
	default:
		p, err := resolvePath(m.in, b.Body)
		if err != nil {
			return nil, fmt.Errorf("transcode: %s: body %q: %w", md.FullName(), b.Body, err)
		}
		m.bodyKind = bodyField
		m.bodyPath = p
		last := p[len(p)-1]
		m.httpBodyRequest = last.Message() != nil && !last.IsList() && !last.IsMap() && isHTTPBody(last.Message())
	}
	if b.ResponseBody != "" {
		p, err := resolvePath(m.out, b.ResponseBody)
		if err != nil {
			return nil, fmt.Errorf("transcode: %s: response_body %q: %w", md.FullName(), b.ResponseBody, err)
		}
		m.responsePath = p
		last := p[len(p)-1]
		m.httpBodyResponse = last.Message() != nil && !last.IsList() && !last.IsMap() && isHTTPBody(last.Message())
	} else {
		m.httpBodyResponse = isHTTPBody(m.out)
	}
	for _, v := range b.Template.Variables {
		p, err := resolvePath(m.in, v.FieldPath)
		if err != nil {
			return nil, fmt.Errorf("transcode: %s: path variable %q: %w", md.FullName(), v.FieldPath, err)
		}
		if err := checkSettable(p, v.FieldPath); err != nil {
			return nil, fmt.Errorf("transcode: %s: path variable: %w", md.FullName(), err)
		}
		m.pathFields[v.FieldPath] = p
	}
	return m, nil
}

// Descriptor is the gRPC method the plan calls.
func (m *Method) Descriptor() protoreflect.MethodDescriptor { return m.desc }

// Binding is the HTTP binding the plan was compiled for.
func (m *Method) Binding() translate.HTTPBinding { return m.binding }

// GRPCPath is the HTTP/2 path of the gRPC call: `/<package.Service>/<Method>`.
func (m *Method) GRPCPath() string {
	return "/" + string(m.desc.Parent().FullName()) + "/" + string(m.desc.Name())
}

// ServerStreaming reports whether responses are written with NewStream.
func (m *Method) ServerStreaming() bool { return m.desc.IsStreamingServer() }

// ClientStreaming reports whether the method takes a stream of requests; Request still builds
// one message (the whole body), which is what a JSON client can send in one request.
func (m *Method) ClientStreaming() bool { return m.desc.IsStreamingClient() }

// isHTTPBody reports whether md is google.api.HttpBody, whose messages carry raw bytes instead
// of JSON.
func isHTTPBody(md protoreflect.MessageDescriptor) bool {
	return md != nil && md.FullName() == "google.api.HttpBody"
}

// httpBodyFields returns HttpBody's content_type and data fields.
func httpBodyFields(md protoreflect.MessageDescriptor) (contentType, data protoreflect.FieldDescriptor) {
	f := md.Fields()
	return f.ByName("content_type"), f.ByName("data")
}
