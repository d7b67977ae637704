package transcode

import (
	"io"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"
)

// Response turns one response message (proto wire form, unframed) into the HTTP body and its
// Content-Type: proto3 JSON with the Options' naming and printing, only the response_body
// field when the binding has one, or the raw data of a google.api.HttpBody.
func (m *Method) Response(msg []byte) (body []byte, contentType string, err error) {
	return m.render(nil, msg)
}

// AppendResponse is Response appending to dst, for callers that reuse buffers.
func (m *Method) AppendResponse(dst, msg []byte) (body []byte, contentType string, err error) {
	return m.render(dst, msg)
}

func (m *Method) render(dst, wire []byte) ([]byte, string, error) {
	msg := dynamicpb.NewMessage(m.out)
	if err := (proto.UnmarshalOptions{AllowPartial: true, DiscardUnknown: true}).Unmarshal(wire, msg); err != nil {
		return nil, "", &Error{Status: 500, Message: "failed to parse response message from backend: " + err.Error()}
	}
	var v protoreflect.Message = msg
	var field protoreflect.FieldDescriptor
	if len(m.responsePath) > 0 {
		for _, fd := range m.responsePath[:len(m.responsePath)-1] {
			v = v.Get(fd).Message()
		}
		field = m.responsePath[len(m.responsePath)-1]
	}
	if m.httpBodyResponse {
		if field != nil {
			v = v.Get(field).Message()
		}
		ct, data := httpBodyFields(v.Descriptor())
		contentType := v.Get(ct).String()
		if contentType == "" {
			// Envoy sets application/json before looking at the HttpBody and only
			// replaces it with a non-empty content_type.
			contentType = JSONContentType
		}
		return append(dst, v.Get(data).Bytes()...), contentType, nil
	}
	start := len(dst)
	var out []byte
	var err error
	if field == nil {
		out, err = m.marshal.MarshalAppend(dst, v.Interface())
	} else {
		out, err = m.marshalField(dst, v, field)
	}
	if err != nil {
		return nil, "", &Error{Status: 500, Message: "failed to convert response to JSON: " + err.Error()}
	}
	return compactTail(out, start), JSONContentType, nil
}

// marshalField renders one field's value alone: a message as its JSON object, a scalar or
// list as its JSON value. protojson only marshals messages, so the field is marshalled inside
// a copy of its parent holding just that field and the value is cut out of the object.
func (m *Method) marshalField(dst []byte, parent protoreflect.Message, fd protoreflect.FieldDescriptor) ([]byte, error) {
	if fd.Message() != nil && !fd.IsList() && !fd.IsMap() {
		return m.marshal.MarshalAppend(dst, parent.Get(fd).Message().Interface())
	}
	holder := dynamicpb.NewMessage(parent.Descriptor())
	if parent.Has(fd) {
		holder.Set(fd, parent.Get(fd))
	}
	name := fd.JSONName()
	if m.opts.PreserveProtoFieldNames {
		name = string(fd.Name())
	}
	b, err := m.marshal.Marshal(holder)
	if err != nil {
		return nil, err
	}
	val, ok := extractValue(compactJSON(b), name)
	if !ok {
		// The field is empty, so it was omitted; a selected field is printed anyway, as its
		// default (`[]`, `{}`, `""`, `0`). Only the empty field is set, so nothing else
		// changes by emitting defaults.
		opts := m.marshal
		opts.EmitDefaultValues = true
		if b, err = opts.Marshal(holder); err != nil {
			return nil, err
		}
		if val, ok = extractValue(compactJSON(b), name); !ok {
			val = []byte("null")
		}
	}
	return append(dst, val...), nil
}

// Stream writes a server-streaming response as ESPv2 does: one JSON array whose elements are
// written as messages arrive (`[{...},{...}]`), or one object per line with
// Options.StreamNewlineDelimited; google.api.HttpBody messages are written as raw bytes. Not
// safe for concurrent use.
type Stream struct {
	m       *Method
	w       io.Writer
	started bool
	buf     []byte
	ctype   string
}

// NewStream starts a streamed response body on w.
func (m *Method) NewStream(w io.Writer) *Stream { return &Stream{m: m, w: w} }

// ContentType is the Content-Type to send before the first Send: application/json, or for
// HttpBody streams the content_type of the first message (call after the first Send when
// m streams HttpBody; before that it is empty).
func (s *Stream) ContentType() string {
	if s.m.httpBodyResponse {
		return s.ctype
	}
	return JSONContentType
}

// Send writes one response message (proto wire form, unframed).
func (s *Stream) Send(msg []byte) error {
	s.buf = s.buf[:0]
	switch {
	case s.m.httpBodyResponse:
	case s.m.opts.StreamNewlineDelimited:
	case !s.started:
		s.buf = append(s.buf, '[')
	default:
		s.buf = append(s.buf, ',')
	}
	out, ct, err := s.m.render(s.buf, msg)
	if err != nil {
		return err
	}
	if !s.started {
		s.ctype = ct
	}

	s.started = true
	if s.m.opts.StreamNewlineDelimited && !s.m.httpBodyResponse {
		out = append(out, '\n')
	}
	s.buf = out
	_, err = s.w.Write(out)
	return err
}

// Close ends the body: `]` after the last element, `[]` when nothing was sent (nothing for
// newline-delimited and HttpBody streams). It is also how a stream that ended with a gRPC error
// after the first message is terminated, since the HTTP status has already been sent.
func (s *Stream) Close() error {
	if s.m.httpBodyResponse || s.m.opts.StreamNewlineDelimited {
		return nil
	}
	var err error
	if !s.started {
		_, err = io.WriteString(s.w, "[]")
	} else {
		_, err = io.WriteString(s.w, "]")
	}
	s.started = true
	return err
}

// Started reports whether anything has been written, i.e. whether an error can still be sent
// as a status + JSON error body instead of ending the array.
func (s *Stream) Started() bool { return s.started }
