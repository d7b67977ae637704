package transcode

import (
	"encoding/base64"
	"math"
	"strconv"
	"strings"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// stringMessage reports whether a message type has a string form that a path or query value
// can carry: the wrapper types and Timestamp, Duration and FieldMask.
func stringMessage(md protoreflect.MessageDescriptor) bool {
	switch md.FullName() {
	case "google.protobuf.DoubleValue", "google.protobuf.FloatValue",
		"google.protobuf.Int64Value", "google.protobuf.UInt64Value",
		"google.protobuf.Int32Value", "google.protobuf.UInt32Value",
		"google.protobuf.BoolValue", "google.protobuf.StringValue", "google.protobuf.BytesValue",
		"google.protobuf.Timestamp", "google.protobuf.Duration", "google.protobuf.FieldMask":
		return true
	}
	return false
}

func isWrapper(md protoreflect.MessageDescriptor) bool {
	return strings.HasSuffix(string(md.FullName()), "Value") && md.FullName().Parent() == "google.protobuf" && md.Fields().Len() == 1
}

// setString assigns the textual value s to the leaf of p inside msg, creating intermediate
// messages. A repeated leaf gets s appended. name is the field path as the client wrote it,
// used in error messages.
func (m *Method) setString(msg protoreflect.Message, p fieldPath, name, s string) error {
	for _, fd := range p[:len(p)-1] {
		msg = msg.Mutable(fd).Message()
	}
	leaf := p[len(p)-1]
	if err := checkSettable(p, name); err != nil {
		return &Error{Status: 400, Message: err.Error()}
	}
	if md := leaf.Message(); md != nil {
		var sub protoreflect.Message
		if leaf.IsList() {
			sub = msg.Mutable(leaf).List().NewElement().Message()
		} else {
			sub = msg.NewField(leaf).Message()
		}
		if err := m.setMessageString(sub, s); err != nil {
			return invalidValue(name, string(md.FullName()), s)
		}
		if leaf.IsList() {
			msg.Mutable(leaf).List().Append(protoreflect.ValueOfMessage(sub))
		} else {
			msg.Set(leaf, protoreflect.ValueOfMessage(sub))
		}
		return nil
	}
	v, ok := m.parseScalar(leaf, s)
	if !ok {
		return invalidValue(name, kindName(leaf.Kind()), s)
	}
	if leaf.IsList() {
		msg.Mutable(leaf).List().Append(v)
	} else {
		msg.Set(leaf, v)
	}
	return nil
}

// setMessageString fills a well-known-type message from its string form.
func (m *Method) setMessageString(sub protoreflect.Message, s string) error {
	md := sub.Descriptor()
	if isWrapper(md) {
		fd := md.Fields().Get(0)
		v, ok := m.parseScalar(fd, s)
		if !ok {
			return errNoField
		}
		sub.Set(fd, v)
		return nil
	}
	quoted := strconv.Quote(s)
	return protojson.Unmarshal([]byte(quoted), sub.Interface())
}

// parseScalar converts s to a value of fd's kind the way ESPv2's converter reads a string:
// decimal integers, floats (also "Infinity", "-Infinity", "NaN"), `true`/`false`, enum names
// (or numbers), base64 bytes (standard or URL alphabet, padding optional).
func (m *Method) parseScalar(fd protoreflect.FieldDescriptor, s string) (protoreflect.Value, bool) {
	switch fd.Kind() {
	case protoreflect.StringKind:
		return protoreflect.ValueOfString(s), true
	case protoreflect.BoolKind:
		switch s {
		case "true":
			return protoreflect.ValueOfBool(true), true
		case "false":
			return protoreflect.ValueOfBool(false), true
		}
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		if n, err := strconv.ParseInt(s, 10, 32); err == nil {
			return protoreflect.ValueOfInt32(int32(n)), true
		}
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return protoreflect.ValueOfInt64(n), true
		}
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		if n, err := strconv.ParseUint(s, 10, 32); err == nil {
			return protoreflect.ValueOfUint32(uint32(n)), true
		}
	case protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		if n, err := strconv.ParseUint(s, 10, 64); err == nil {
			return protoreflect.ValueOfUint64(n), true
		}
	case protoreflect.FloatKind:
		if f, ok := parseFloat(s, 32); ok {
			return protoreflect.ValueOfFloat32(float32(f)), true
		}
	case protoreflect.DoubleKind:
		if f, ok := parseFloat(s, 64); ok {
			return protoreflect.ValueOfFloat64(f), true
		}
	case protoreflect.BytesKind:
		if b, ok := decodeBase64(s); ok {
			return protoreflect.ValueOfBytes(b), true
		}
	case protoreflect.EnumKind:
		if n, ok := m.parseEnum(fd.Enum(), s); ok {
			return protoreflect.ValueOfEnum(n), true
		}
	}
	return protoreflect.Value{}, false
}

func (m *Method) parseEnum(ed protoreflect.EnumDescriptor, s string) (protoreflect.EnumNumber, bool) {
	values := ed.Values()
	if v := values.ByName(protoreflect.Name(s)); v != nil {
		return v.Number(), true
	}
	if m.opts.CaseInsensitiveEnumParsing {
		for i := 0; i < values.Len(); i++ {
			if strings.EqualFold(string(values.Get(i).Name()), s) {
				return values.Get(i).Number(), true
			}
		}
	}
	// A number is accepted too, even one the enum does not define (proto3 enums are open).
	if n, err := strconv.ParseInt(s, 10, 32); err == nil {
		return protoreflect.EnumNumber(n), true
	}
	return 0, false
}

func parseFloat(s string, bits int) (float64, bool) {
	switch s {
	case "Infinity":
		return math.Inf(1), true
	case "-Infinity":
		return math.Inf(-1), true
	case "NaN":
		return math.NaN(), true
	}
	// strconv accepts "inf", "nan" and hex floats, which ESPv2's converter does not.
	if strings.ContainsAny(s, "iInNxXpP_") {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, bits)
	return f, err == nil
}

func decodeBase64(s string) ([]byte, bool) {
	enc := base64.StdEncoding
	if strings.ContainsAny(s, "-_") {
		enc = base64.URLEncoding
	}
	if len(s)%4 != 0 {
		enc = enc.WithPadding(base64.NoPadding)
	}
	b, err := enc.DecodeString(s)
	return b, err == nil
}

// invalidValue is the 400 for a path or query value that does not fit its field. The text
// follows the protobuf converter ESPv2 uses: `<field>: invalid value "<v>" for type <TYPE>`.
func invalidValue(name, typeName, value string) error {
	return &Error{Status: 400, Message: name + ": invalid value " + strconv.Quote(value) + " for type " + typeName}
}

func kindName(k protoreflect.Kind) string {
	return "TYPE_" + strings.ToUpper(k.String())
}
