package openapi

import (
	"slices"

	"go.yaml.in/yaml/v3"
	"google.golang.org/protobuf/types/known/sourcecontextpb"
	"google.golang.org/protobuf/types/known/typepb"
)

const typeURLPrefix = "type.googleapis.com/"

// typeBuilder collects the `types` Service Management generates: one per definition, one
// request type per operation with parameters, and the google.protobuf types they use. The
// proxy reads only the request types' name/json_name pairs (they name the query parameters
// of CONSTANT_ADDRESS translation), but the whole list is kept to match a deployed config.
type typeBuilder struct {
	c       *converter
	defined map[string]bool
	types   []*typepb.Type
	wkt     map[string]bool // google.protobuf types in use
}

func (c *converter) newTypeBuilder() *typeBuilder {
	t := &typeBuilder{c: c, defined: map[string]bool{}, wkt: map[string]bool{}}
	for _, e := range c.doc.definitions {
		t.defined[e.key.Value] = true
	}
	for _, e := range c.doc.definitions {
		typ := &typepb.Type{Name: upperFirst(e.key.Value)}
		schema := c.resolve(e.value, "definitions")
		for i, p := range entries(get(schema, "properties")) {
			typ.Fields = append(typ.Fields, t.field(int32(i+1), p.key.Value, p.value))
		}
		t.types = append(t.types, typ)
	}
	return t
}

// methodTypes returns the request and response type names of an operation, adding the
// request type when the operation has parameters.
func (t *typeBuilder) methodTypes(op *operation) (req, resp string) {
	req = "google.protobuf.Empty"
	if len(op.params) == 0 {
		t.wkt["google.protobuf.Empty"] = true
	} else {
		req = op.methodNm + "Request"
		typ := &typepb.Type{Name: req}
		for i, p := range op.params {
			typ.Fields = append(typ.Fields, t.field(int32(i+1), p.name, p.schema))
		}
		t.types = append(t.types, typ)
	}
	if op.generated {
		return req, "google.protobuf.Empty"
	}
	if name := t.c.refName(op.response); name != "" && t.defined[name] {
		return req, upperFirst(name)
	}
	t.useValue()
	return req, "google.protobuf.Value"
}

func (t *typeBuilder) useValue() {
	for _, n := range []string{"google.protobuf.Value", "google.protobuf.Struct", "google.protobuf.Struct.FieldsEntry", "google.protobuf.ListValue"} {
		t.wkt[n] = true
	}
}

// field is one message field: name snake-cased, json name as written.
func (t *typeBuilder) field(number int32, name string, schema *yaml.Node) *typepb.Field {
	f := &typepb.Field{Number: number, Name: snakeCase(name), JsonName: name, Cardinality: typepb.Field_CARDINALITY_OPTIONAL}
	if schemaType(schema) == "array" {
		f.Cardinality = typepb.Field_CARDINALITY_REPEATED
		schema = get(schema, "items")
	}
	f.Kind, f.TypeUrl = t.kind(schema)
	return f
}

func (t *typeBuilder) kind(schema *yaml.Node) (typepb.Field_Kind, string) {
	if ref := scalar(get(schema, "$ref")); ref != "" {
		if name := t.c.refName(schema); name != "" && t.defined[name] {
			return typepb.Field_TYPE_MESSAGE, typeURLPrefix + upperFirst(name)
		}
		t.useValue()
		return typepb.Field_TYPE_MESSAGE, typeURLPrefix + "google.protobuf.Value"
	}
	format := scalar(get(schema, "format"))
	switch schemaType(schema) {
	case "string":
		return typepb.Field_TYPE_STRING, ""
	case "integer":
		switch format {
		case "int64":
			return typepb.Field_TYPE_INT64, ""
		case "uint64":
			return typepb.Field_TYPE_UINT64, ""
		case "uint32":
			return typepb.Field_TYPE_UINT32, ""
		}
		return typepb.Field_TYPE_INT32, ""
	case "number":
		if format == "float" {
			return typepb.Field_TYPE_FLOAT, ""
		}
		return typepb.Field_TYPE_DOUBLE, ""
	case "boolean":
		return typepb.Field_TYPE_BOOL, ""
	case "object":
		t.useValue()
		return typepb.Field_TYPE_MESSAGE, typeURLPrefix + "google.protobuf.Struct"
	}
	t.useValue()
	return typepb.Field_TYPE_MESSAGE, typeURLPrefix + "google.protobuf.Value"
}

// schemaType is the schema's `type`; for 3.1's list form the first non-null entry.
func schemaType(schema *yaml.Node) string {
	n := get(schema, "type")
	if s := scalar(n); s != "" {
		return s
	}
	for _, it := range items(n) {
		if s := scalar(it); s != "null" {
			return s
		}
	}
	return ""
}

// result returns the types (definitions, request types, then google.protobuf ones sorted by
// name, as in generated configs) and the enums they need.
func (t *typeBuilder) result() ([]*typepb.Type, []*typepb.Enum) {
	out := slices.Clone(t.types)
	var wkt []string
	for n := range t.wkt {
		wkt = append(wkt, n)
	}
	slices.Sort(wkt)
	for _, n := range wkt {
		out = append(out, wellKnownTypes()[n])
	}
	var enums []*typepb.Enum
	if t.wkt["google.protobuf.Value"] {
		enums = append(enums, &typepb.Enum{
			Name:          "google.protobuf.NullValue",
			Enumvalue:     []*typepb.EnumValue{{Name: "NULL_VALUE"}},
			SourceContext: structProto(),
		})
	}
	return out, enums
}

func structProto() *sourcecontextpb.SourceContext {
	return &sourcecontextpb.SourceContext{FileName: "struct.proto"}
}

// wellKnownTypes are the google.protobuf types as Service Management writes them.
func wellKnownTypes() map[string]*typepb.Type {
	opt := typepb.Field_CARDINALITY_OPTIONAL
	rep := typepb.Field_CARDINALITY_REPEATED
	msg := func(num int32, card typepb.Field_Cardinality, name, json, url string) *typepb.Field {
		return &typepb.Field{Number: num, Cardinality: card, Name: name, JsonName: json, Kind: typepb.Field_TYPE_MESSAGE, TypeUrl: typeURLPrefix + url}
	}
	scalarField := func(num int32, name, json string, kind typepb.Field_Kind) *typepb.Field {
		return &typepb.Field{Number: num, Cardinality: opt, Name: name, JsonName: json, Kind: kind}
	}
	return map[string]*typepb.Type{
		"google.protobuf.Empty": {Name: "google.protobuf.Empty", SourceContext: structProto()},
		"google.protobuf.ListValue": {Name: "google.protobuf.ListValue", SourceContext: structProto(), Fields: []*typepb.Field{
			msg(1, rep, "values", "values", "google.protobuf.Value"),
		}},
		"google.protobuf.Struct": {Name: "google.protobuf.Struct", SourceContext: structProto(), Fields: []*typepb.Field{
			msg(1, rep, "fields", "fields", "google.protobuf.Struct.FieldsEntry"),
		}},
		"google.protobuf.Struct.FieldsEntry": {Name: "google.protobuf.Struct.FieldsEntry", SourceContext: structProto(), Fields: []*typepb.Field{
			scalarField(1, "key", "key", typepb.Field_TYPE_STRING),
			msg(2, opt, "value", "value", "google.protobuf.Value"),
		}},
		"google.protobuf.Value": {Name: "google.protobuf.Value", SourceContext: structProto(), Fields: []*typepb.Field{
			{Number: 1, Cardinality: opt, Name: "null_value", JsonName: "nullValue", Kind: typepb.Field_TYPE_ENUM, TypeUrl: typeURLPrefix + "google.protobuf.NullValue"},
			scalarField(2, "number_value", "numberValue", typepb.Field_TYPE_DOUBLE),
			scalarField(3, "string_value", "stringValue", typepb.Field_TYPE_STRING),
			scalarField(4, "bool_value", "boolValue", typepb.Field_TYPE_BOOL),
			msg(5, opt, "struct_value", "structValue", "google.protobuf.Struct"),
			msg(6, opt, "list_value", "listValue", "google.protobuf.ListValue"),
		}},
	}
}
