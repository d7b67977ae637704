package transcode

import (
	"errors"
	"fmt"
	"strings"

	"google.golang.org/protobuf/reflect/protoreflect"
)

// fieldPath is a resolved dotted field path: every element but the last is a singular
// message field.
type fieldPath []protoreflect.FieldDescriptor

// errNoField means a path component names no field; for query parameters this is ESPv2's
// "unknown query parameter" case.
var errNoField = errors.New("no such field")

// maxQueryCache bounds the per-method cache of resolved query-parameter names.
const maxQueryCache = 256

// resolvePath resolves a dotted path. Each component may be the proto field name
// (`price_in_usd`) or its JSON name (`priceInUsd`), as ESPv2 accepts both: ESPv2 itself
// rewrites top-level path variables to JSON names (config-and-openapi.md A.4).
func resolvePath(md protoreflect.MessageDescriptor, path string) (fieldPath, error) {
	if path == "" {
		return nil, fmt.Errorf("empty field path: %w", errNoField)
	}
	var p fieldPath
	cur := md
	rest := path
	for {
		name, tail, more := strings.Cut(rest, ".")
		if cur == nil {
			return nil, fmt.Errorf("%q is not a message field, so %q cannot be reached: %w", p[len(p)-1].Name(), path, errNoField)
		}
		fd := lookupField(cur, name)
		if fd == nil {
			return nil, fmt.Errorf("%s has no field %q: %w", cur.FullName(), name, errNoField)
		}
		p = append(p, fd)
		if !more {
			return p, nil
		}
		if fd.Message() == nil || fd.IsList() || fd.IsMap() {
			cur = nil
		} else {
			cur = fd.Message()
		}
		rest = tail
	}
}

func lookupField(md protoreflect.MessageDescriptor, name string) protoreflect.FieldDescriptor {
	fields := md.Fields()
	if fd := fields.ByName(protoreflect.Name(name)); fd != nil {
		return fd
	}
	return fields.ByJSONName(name)
}

// checkSettable reports whether a string value can be assigned to the path's leaf: scalars,
// enums, repeated scalars and the well-known types with a string JSON form. Maps and other
// messages cannot be set from a path or query value.
func checkSettable(p fieldPath, name string) error {
	leaf := p[len(p)-1]
	if leaf.IsMap() {
		return fmt.Errorf("%s is a map field and cannot be set from a path or query value", name)
	}
	if md := leaf.Message(); md != nil && !stringMessage(md) {
		return fmt.Errorf("%s is a message field (%s) and cannot be set from a path or query value", name, md.FullName())
	}
	return nil
}

// queryPath resolves a query parameter name through the method's cache.
func (m *Method) queryPath(name string) (fieldPath, error) {
	if v, ok := m.queryFields.Load(name); ok {
		if p, _ := v.(fieldPath); p != nil {
			return p, nil
		}
		return nil, errNoField
	}
	p, err := resolvePath(m.in, name)
	m.queryMu.Lock()
	if m.queryCount < maxQueryCache {
		m.queryCount++
		m.queryFields.Store(name, p)
	}
	m.queryMu.Unlock()
	return p, err
}
