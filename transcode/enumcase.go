package transcode

import (
	"bytes"
	"encoding/json"
	"strings"

	"google.golang.org/protobuf/reflect/protoreflect"
)

// foldEnumNames rewrites enum string values in a JSON body to the enum's declared names,
// matching case-insensitively, for --transcoding_case_insensitive_enum_parsing (which ESPv2
// applies to bodies as well as to path and query values). protojson has no such option, so the
// body is walked beside the message descriptor. ok is false when nothing changed.
func foldEnumNames(body []byte, md protoreflect.MessageDescriptor) (out []byte, ok bool) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return nil, false
	}
	if !foldMessage(v, md) {
		return nil, false
	}
	out, err := json.Marshal(v)
	return out, err == nil
}

func foldMessage(v any, md protoreflect.MessageDescriptor) bool {
	obj, isObj := v.(map[string]any)
	if !isObj || strings.HasPrefix(string(md.FullName()), "google.protobuf.") {
		return false
	}
	changed := false
	for k, val := range obj {
		fd := lookupField(md, k)
		if fd == nil {
			continue
		}
		switch {
		case fd.IsMap():
			if m, isMap := val.(map[string]any); isMap {
				for mk, mv := range m {
					nv, c := foldValue(mv, fd.MapValue())
					m[mk] = nv
					changed = changed || c
				}
			}
		case fd.IsList():
			if list, isList := val.([]any); isList {
				for i, e := range list {
					nv, c := foldValue(e, fd)
					list[i] = nv
					changed = changed || c
				}
			}
		default:
			nv, c := foldValue(val, fd)
			obj[k] = nv
			changed = changed || c
		}
	}
	return changed
}

func foldValue(v any, fd protoreflect.FieldDescriptor) (any, bool) {
	switch {
	case fd.Enum() != nil:
		s, isString := v.(string)
		if !isString || fd.Enum().Values().ByName(protoreflect.Name(s)) != nil {
			return v, false
		}
		values := fd.Enum().Values()
		for i := 0; i < values.Len(); i++ {
			if name := string(values.Get(i).Name()); strings.EqualFold(name, s) {
				return name, true
			}
		}
	case fd.Message() != nil:
		return v, foldMessage(v, fd.Message())
	}
	return v, false
}
