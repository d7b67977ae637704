package transcode

import (
	"bytes"
	"strings"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"
)

// decodeBody puts the HTTP body into msg according to the binding's body rule.
func (m *Method) decodeBody(msg protoreflect.Message, r Request) error {
	if m.bodyKind == bodyNone {
		return nil
	}
	if m.httpBodyRequest {
		target := msg
		if m.bodyKind == bodyField {
			for _, fd := range m.bodyPath {
				target = target.Mutable(fd).Message()
			}
		}
		ct, data := httpBodyFields(target.Descriptor())
		if ct != nil && r.ContentType != "" {
			target.Set(ct, protoreflect.ValueOfString(r.ContentType))
		}
		if data != nil && len(r.Body) > 0 {
			target.Set(data, protoreflect.ValueOfBytes(r.Body))
		}
		return nil
	}
	body := bytes.TrimSpace(r.Body)
	if len(body) == 0 {
		// An empty body is an empty message, as in ESPv2.
		return nil
	}
	if err := checkJSON(body); err != nil {
		return err
	}
	if m.bodyKind == bodyWhole {
		return m.unmarshalJSON(body, msg)
	}
	// body "<field>": parse into a fresh parent carrying only that field, then move it.
	parent := msg
	for _, fd := range m.bodyPath[:len(m.bodyPath)-1] {
		parent = parent.Mutable(fd).Message()
	}
	leaf := m.bodyPath[len(m.bodyPath)-1]
	if md := leaf.Message(); md != nil && !leaf.IsList() && !leaf.IsMap() {
		sub := parent.NewField(leaf).Message()
		if err := m.unmarshalJSON(body, sub); err != nil {
			return err
		}
		parent.Set(leaf, protoreflect.ValueOfMessage(sub))
		return nil
	}
	// A scalar, repeated or map body field: wrap the body as that field of the parent type.
	tmp := dynamicpb.NewMessage(parent.Descriptor())
	wrapped := make([]byte, 0, len(body)+len(leaf.Name())+4)
	wrapped = append(wrapped, `{"`...)
	wrapped = append(wrapped, leaf.Name()...)
	wrapped = append(wrapped, `":`...)
	wrapped = append(wrapped, body...)
	wrapped = append(wrapped, '}')
	if err := m.unmarshalJSON(wrapped, tmp); err != nil {
		return err
	}
	if tmp.Has(leaf) {
		parent.Set(leaf, tmp.Get(leaf))
	}
	return nil
}

// unmarshalJSON decodes syntactically valid JSON into msg; what fails now is a mismatch with
// the message (unknown field, wrong type), answered with 400 and the decoder's reason.
//
// ESPv2 accepts lenient JSON (single quotes, bare keys, trailing commas); protojson does not,
// so on failure the body is rewritten strictly and decoded once more. Strict bodies never pay
// for the rewrite.
func (m *Method) unmarshalJSON(body []byte, msg protoreflect.Message) error {
	err := m.unmarshal.Unmarshal(body, msg.Interface())
	if err == nil {
		return nil
	}
	strict := strictJSON(body)
	if !bytes.Equal(strict, body) {
		if m.unmarshal.Unmarshal(strict, msg.Interface()) == nil {
			return nil
		}
	}
	if m.opts.CaseInsensitiveEnumParsing {
		if folded, ok := foldEnumNames(strict, msg.Descriptor()); ok {
			if m.unmarshal.Unmarshal(folded, msg.Interface()) == nil {
				return nil
			}
		}
	}
	return &Error{Status: 400, Message: cleanProtoError(err.Error())}
}

// cleanProtoError drops the Go library's "proto: " prefix and its non-breaking-space quirk.
func cleanProtoError(s string) string {
	s = strings.TrimPrefix(s, "proto:")
	s = strings.ReplaceAll(s, "\u00a0", " ")
	return strings.TrimSpace(s)
}
