package transcode

import (
	"errors"
	"fmt"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"
)

// Request builds the gRPC request message for r and returns it in proto wire form, ready for
// AppendFrame. The order is ESPv2's: the body first, then path variables and query parameters
// on top (a bound scalar overrides the same field from the body; repeated fields append).
//
// Errors: *Error (400: malformed JSON, a value that does not fit its field) to answer locally;
// an error matching ErrUnknownQueryParameter when a query parameter names no field.
func (m *Method) Request(r Request) ([]byte, error) {
	msg := dynamicpb.NewMessage(m.in)
	if err := m.decodeBody(msg, r); err != nil {
		return nil, err
	}
	for _, b := range r.Bindings {
		p, ok := m.pathFields[b.FieldPath]
		if !ok {
			var err error
			if p, err = resolvePath(m.in, b.FieldPath); err != nil {
				return nil, &Error{Status: 400, Message: b.FieldPath + ": Cannot find field."}
			}
		}
		if err := m.setString(msg, p, b.FieldPath, b.Value); err != nil {
			return nil, err
		}
	}
	if err := m.applyQuery(msg, r); err != nil {
		return nil, err
	}
	out, err := proto.MarshalOptions{AllowPartial: true}.Marshal(msg)
	if err != nil {
		return nil, &Error{Status: 400, Message: err.Error()}
	}
	return out, nil
}

// applyQuery maps query parameters onto msg. Ignored names (API keys, JWTs, configured ones)
// are skipped first, as ESPv2 removes them before looking fields up.
func (m *Method) applyQuery(msg protoreflect.Message, r Request) error {
	for name, values := range r.Query {
		if m.ignore[name] || name == "" {
			continue
		}
		p, err := m.queryPath(name)
		if err != nil {
			if m.opts.IgnoreUnknownQueryParameters {
				continue
			}
			return &UnknownQueryParameterError{Name: name}
		}
		if m.httpBodyRequest && m.boundByBody(p) {
			// Envoy's transcoder passes an HttpBody body as-is: query parameters that would
			// land inside it are dropped. Everywhere else (body "*" included) they are
			// woven into the message on top of the body.
			continue
		}
		leaf := p[len(p)-1]
		if !leaf.IsList() && len(values) > 1 {
			// A repeated parameter for a singular field: the last value wins, as when the
			// converter writes the same field twice.
			values = values[len(values)-1:]
		}
		for _, v := range values {
			if err := m.setString(msg, p, name, v); err != nil {
				return err
			}
		}
	}
	return nil
}

// boundByBody reports whether field path p lies inside what the HTTP body supplies.
func (m *Method) boundByBody(p fieldPath) bool {
	switch m.bodyKind {
	case bodyWhole:
		return true
	case bodyField:
		if len(p) < len(m.bodyPath) {
			return false
		}
		for i, fd := range m.bodyPath {
			if p[i] != fd {
				return false
			}
		}
		return true
	}
	return false
}

// ErrorStatus turns an error from Request into the HTTP status and message the proxy sends,
// for callers that do not handle the unknown-query-parameter passthrough themselves (415, as
// the gRPC server ESPv2 forwards the request to answers).
func ErrorStatus(err error) (status int, message string) {
	var te *Error
	switch {
	case errors.As(err, &te):
		return te.Status, te.Message
	case errors.Is(err, ErrUnknownQueryParameter):
		return 415, "Unsupported Media Type"
	default:
		return 500, fmt.Sprint(err)
	}
}
