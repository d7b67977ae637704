package grpcconfig

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
	"google.golang.org/genproto/googleapis/api/serviceconfig"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/espctl/espctl/diag"
)

// decoder turns yaml.v3 nodes into the protojson form of a message, checking every key and
// value against the message's descriptor on the way. Doing the schema walk ourselves (rather
// than letting protojson reject the document) is what gives each problem a file:line:col and
// a did-you-mean, and what fills the Positions index.
type decoder struct {
	fileOf map[*yaml.Node]string
	pos    *Positions
	diags  diag.List
	// lenient makes unknown keys warnings (W103) instead of errors: a full service config
	// JSON from Service Management carries fields newer or older than our google.api.Service,
	// and ESPv2 itself discards unknown fields.
	lenient bool
	// budget bounds the nodes visited, so alias bombs (`&a [*b, *b, ...]`) cannot blow up.
	budget int
}

const nodeBudget = 2_000_000

func (d *decoder) at(n *yaml.Node) diag.Pos {
	return diag.Pos{File: d.fileOf[n], Line: n.Line, Col: n.Column}
}

func (d *decoder) report(rule string, n *yaml.Node, field, hint, format string, args ...any) {
	d.diags.Add(diag.Diagnostic{
		Pos:      d.at(n),
		Rule:     rule,
		Severity: severityOf(rule),
		Field:    field,
		Message:  fmt.Sprintf(format, args...),
		Hint:     hint,
	})
}

// resolve follows aliases and spends budget; nil means "stop here".
func (d *decoder) resolve(n *yaml.Node, depth int) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		if n.Alias == nil {
			return nil
		}
		n = n.Alias
	}
	d.budget--
	if d.budget < 0 || depth > 200 {
		if d.budget == -1 || depth == 201 {
			d.report(RuleSyntax, n, "", "", "document too deeply nested or too many aliased nodes")
		}
		return nil
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if isNull(n) {
			return "null"
		}
		return fmt.Sprintf("the scalar %q", n.Value)
	}
	return "a node"
}

func join(path, key string) string {
	if key == "" {
		return path
	}
	if path == "" {
		return key
	}
	return path + "." + key
}

// message decodes a mapping into protojson's map form for md. It returns nil when n is not a
// mapping (after reporting).
func (d *decoder) message(n *yaml.Node, md protoreflect.MessageDescriptor, path string, depth int) map[string]any {
	if n.Kind != yaml.MappingNode {
		d.report(RuleBadValue, n, path, "", "expected a mapping (a %s), got %s", md.Name(), kindName(n))
		return nil
	}
	out := make(map[string]any, len(n.Content)/2)
	seen := map[string]*yaml.Node{}
	oneofs := map[protoreflect.FullName]string{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := d.resolve(n.Content[i], depth+1)
		v := d.resolve(n.Content[i+1], depth+1)
		if k == nil || v == nil {
			return out
		}
		key := k.Value
		fd := lookupField(md, key)
		if fd == nil {
			rule, hint := RuleUnknownField, ""
			if d.lenient {
				rule = RuleIgnoredField
				hint = "ESPv2 ignores it"
			}
			if s := suggest(key, fieldNames(md)); s != "" {
				hint = fmt.Sprintf("did you mean %q?", s)
			}
			d.report(rule, k, join(path, key), hint, "unknown field %q in %s", key, md.FullName())
			continue
		}
		name := string(fd.Name())
		fpath := join(path, name)
		if prev, dup := seen[name]; dup {
			d.report(RuleBadValue, k, fpath, fmt.Sprintf("the first one is at line %d", prev.Line), "duplicate key %q", key)
			continue
		}
		seen[name] = k
		if isNull(v) {
			continue
		}
		if od := fd.ContainingOneof(); od != nil && !od.IsSynthetic() {
			if other, ok := oneofs[od.FullName()]; ok {
				rule := RuleBadValue
				if od.FullName() == "google.api.JwtLocation.in" {
					rule = RuleJWTLocationBoth // the check users look for; the decoder sees it first
				}
				d.report(rule, k, fpath, "keep only one of them", "%q and %q cannot both be set (they are alternatives, oneof %s)", other, name, od.Name())
				continue
			}
			oneofs[od.FullName()] = name
		}
		d.pos.set(fpath, d.at(v))
		if v.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
			d.pos.quoted[fpath] = true
		}
		if val, ok := d.field(v, fd, fpath, depth+1); ok {
			out[fd.JSONName()] = val
		}
	}
	return out
}

func (d *decoder) field(n *yaml.Node, fd protoreflect.FieldDescriptor, path string, depth int) (any, bool) {
	switch {
	case fd.IsMap():
		if n.Kind != yaml.MappingNode {
			d.report(RuleBadValue, n, path, "", "expected a mapping, got %s", kindName(n))
			return nil, false
		}
		m := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := d.resolve(n.Content[i], depth+1)
			v := d.resolve(n.Content[i+1], depth+1)
			if k == nil || v == nil {
				return m, true
			}
			ep := join(path, k.Value)
			d.pos.set(ep, d.at(v))
			if val, ok := d.single(v, fd.MapValue(), ep, depth+1); ok {
				m[k.Value] = val
			}
		}
		return m, true
	case fd.IsList():
		if n.Kind != yaml.SequenceNode {
			d.report(RuleBadValue, n, path, "write it as a list (`- ...`)", "expected a list, got %s", kindName(n))
			return nil, false
		}
		list := make([]any, 0, len(n.Content))
		for i, c := range n.Content {
			c = d.resolve(c, depth+1)
			if c == nil {
				return list, true
			}
			ep := fmt.Sprintf("%s[%d]", path, i)
			d.pos.set(ep, d.at(c))
			if val, ok := d.single(c, fd, ep, depth+1); ok {
				list = append(list, val)
			} else {
				list = append(list, zeroJSON(fd))
			}
		}
		return list, true
	}
	return d.single(n, fd, path, depth)
}

// zeroJSON keeps list indexes aligned with the positions index when one element is bad.
func zeroJSON(fd protoreflect.FieldDescriptor) any {
	switch fd.Kind() {
	case protoreflect.MessageKind, protoreflect.GroupKind:
		if fd.Message().FullName() == "google.protobuf.Value" {
			return nil
		}
		if wrapperKind(fd.Message()) != 0 {
			return nil
		}
		return map[string]any{}
	case protoreflect.BoolKind:
		return false
	case protoreflect.StringKind, protoreflect.BytesKind:
		return ""
	case protoreflect.EnumKind:
		return 0
	}
	return 0
}

func (d *decoder) single(n *yaml.Node, fd protoreflect.FieldDescriptor, path string, depth int) (any, bool) {
	if fd.Kind() == protoreflect.MessageKind || fd.Kind() == protoreflect.GroupKind {
		md := fd.Message()
		if k := wrapperKind(md); k != 0 {
			return d.scalar(n, k, nil, path)
		}
		if isFreeForm(md) {
			return d.generic(n, depth), true
		}
		m := d.message(n, md, path, depth)
		return m, m != nil
	}
	var ed protoreflect.EnumDescriptor
	if fd.Kind() == protoreflect.EnumKind {
		ed = fd.Enum()
	}
	return d.scalar(n, fd.Kind(), ed, path)
}

// scalar checks a scalar against a proto kind and returns its protojson value.
func (d *decoder) scalar(n *yaml.Node, kind protoreflect.Kind, ed protoreflect.EnumDescriptor, path string) (any, bool) {
	if n.Kind != yaml.ScalarNode {
		d.report(RuleBadValue, n, path, "", "expected a %s value, got %s", kindLabel(kind), kindName(n))
		return nil, false
	}
	s := n.Value
	bad := func(hint string) (any, bool) {
		d.report(RuleBadValue, n, path, hint, "%q is not a valid %s", s, kindLabel(kind))
		return nil, false
	}
	switch kind {
	case protoreflect.BoolKind:
		b, err := strconv.ParseBool(s)
		if err != nil || (s != "true" && s != "false") {
			return bad("use true or false")
		}
		return b, true
	case protoreflect.StringKind:
		return s, true
	case protoreflect.BytesKind:
		if _, err := base64.StdEncoding.DecodeString(s); err != nil {
			if _, err2 := base64.URLEncoding.DecodeString(s); err2 != nil {
				return bad("bytes are written in base64")
			}
		}
		return s, true
	case protoreflect.EnumKind:
		if ed.Values().ByName(protoreflect.Name(s)) != nil {
			return s, true
		}
		if i, err := strconv.ParseInt(s, 10, 32); err == nil {
			return i, true
		}
		var names []string
		vals := ed.Values()
		for i := 0; i < vals.Len(); i++ {
			names = append(names, string(vals.Get(i).Name()))
		}
		hint := "one of " + strings.Join(names, ", ")
		if sg := suggest(s, names); sg != "" {
			hint = fmt.Sprintf("did you mean %q?", sg)
		}
		return bad(hint)
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		i, err := strconv.ParseInt(s, 10, 32)
		if err != nil {
			return bad("")
		}
		return i, true
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		i, err := strconv.ParseUint(s, 10, 32)
		if err != nil {
			return bad("")
		}
		return i, true
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		if _, err := strconv.ParseInt(s, 10, 64); err != nil {
			return bad("")
		}
		return s, true
	case protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		if _, err := strconv.ParseUint(s, 10, 64); err != nil {
			return bad("")
		}
		return s, true
	case protoreflect.FloatKind, protoreflect.DoubleKind:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return bad("")
		}
		return f, true
	}
	return bad("")
}

func kindLabel(k protoreflect.Kind) string {
	switch k {
	case protoreflect.BoolKind:
		return "boolean"
	case protoreflect.StringKind:
		return "string"
	case protoreflect.BytesKind:
		return "bytes (base64)"
	case protoreflect.EnumKind:
		return "enum value"
	case protoreflect.FloatKind, protoreflect.DoubleKind:
		return "number"
	}
	return "integer"
}

// wrapperKind returns the scalar kind of a google.protobuf wrapper message, 0 otherwise.
func wrapperKind(md protoreflect.MessageDescriptor) protoreflect.Kind {
	switch md.FullName() {
	case "google.protobuf.DoubleValue":
		return protoreflect.DoubleKind
	case "google.protobuf.FloatValue":
		return protoreflect.FloatKind
	case "google.protobuf.Int64Value":
		return protoreflect.Int64Kind
	case "google.protobuf.UInt64Value":
		return protoreflect.Uint64Kind
	case "google.protobuf.Int32Value":
		return protoreflect.Int32Kind
	case "google.protobuf.UInt32Value":
		return protoreflect.Uint32Kind
	case "google.protobuf.BoolValue":
		return protoreflect.BoolKind
	case "google.protobuf.StringValue":
		return protoreflect.StringKind
	case "google.protobuf.BytesValue":
		return protoreflect.BytesKind
	}
	return 0
}

// isFreeForm reports well-known types whose JSON form is not a field mapping; they are passed
// to protojson as written and protojson checks them.
func isFreeForm(md protoreflect.MessageDescriptor) bool {
	switch md.FullName() {
	case "google.protobuf.Any", "google.protobuf.Struct", "google.protobuf.Value", "google.protobuf.ListValue",
		"google.protobuf.Duration", "google.protobuf.Timestamp", "google.protobuf.FieldMask", "google.protobuf.Empty":
		return true
	}
	return false
}

// generic converts a node to plain JSON values using the YAML tags.
func (d *decoder) generic(n *yaml.Node, depth int) any {
	switch n.Kind {
	case yaml.MappingNode:
		m := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := d.resolve(n.Content[i], depth+1)
			v := d.resolve(n.Content[i+1], depth+1)
			if k == nil || v == nil {
				return m
			}
			m[k.Value] = d.generic(v, depth+1)
		}
		return m
	case yaml.SequenceNode:
		l := []any{}
		for _, c := range n.Content {
			if c = d.resolve(c, depth+1); c == nil {
				return l
			}
			l = append(l, d.generic(c, depth+1))
		}
		return l
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!null":
			return nil
		case "!!bool":
			b, _ := strconv.ParseBool(n.Value)
			return b
		case "!!int", "!!float":
			if f, err := strconv.ParseFloat(n.Value, 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
				return json.Number(n.Value)
			}
		}
		return n.Value
	}
	return nil
}

func lookupField(md protoreflect.MessageDescriptor, key string) protoreflect.FieldDescriptor {
	fields := md.Fields()
	if fd := fields.ByName(protoreflect.Name(key)); fd != nil {
		return fd
	}
	return fields.ByJSONName(key)
}

func fieldNames(md protoreflect.MessageDescriptor) []string {
	fields := md.Fields()
	names := make([]string, 0, fields.Len())
	for i := 0; i < fields.Len(); i++ {
		names = append(names, string(fields.Get(i).Name()))
	}
	return names
}

var serviceDescriptor = (&serviceconfig.Service{}).ProtoReflect().Descriptor()

// unmarshalService hands the checked JSON form to protojson. The decoder has checked every
// key and scalar, so a failure here is rare (a bad Any or Duration) and is reported at the
// top of the file.
func unmarshalService(m map[string]any, file string) (*serviceconfig.Service, diag.List) {
	data, err := json.Marshal(m)
	if err != nil {
		return &serviceconfig.Service{}, diag.List{{Pos: diag.Pos{File: file, Line: 1, Col: 1}, Rule: RuleBadValue, Severity: diag.Error, Message: protoErr(err)}}
	}
	svc := &serviceconfig.Service{}
	if err := (protojson.UnmarshalOptions{Resolver: Resolver}).Unmarshal(data, svc); err != nil {
		svc = &serviceconfig.Service{}
		_ = (protojson.UnmarshalOptions{Resolver: Resolver, DiscardUnknown: true}).Unmarshal(data, svc)
		return svc, diag.List{{Pos: diag.Pos{File: file, Line: 1, Col: 1}, Rule: RuleBadValue, Severity: diag.Error, Message: protoErr(err)}}
	}
	return svc, nil
}
