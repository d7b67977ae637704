package grpcconfig

import (
	"fmt"
	"strings"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/sourcecontextpb"
	"google.golang.org/protobuf/types/known/typepb"
)

// fillTypes lists, like Service Management, every message and enum reachable from the API
// methods (well-known and imported ones included), then those the config names under
// `types:` and `enums:`. A compiled service config without descriptors keeps its own lists.
func (c *compiler) fillTypes() {
	if c.desc == nil {
		return
	}
	w := typeWalker{seenMsg: map[protoreflect.FullName]bool{}, seenEnum: map[protoreflect.FullName]bool{}}
	for _, m := range c.order {
		if m.input != nil {
			w.message(m.input)
		}
		if m.output != nil {
			w.message(m.output)
		}
	}
	for i, t := range c.svc.GetTypes() {
		d, err := c.desc.Files.FindDescriptorByName(protoreflect.FullName(t.GetName()))
		md, ok := d.(protoreflect.MessageDescriptor)
		if err != nil || !ok {
			c.report(RuleUnknownType, fmt.Sprintf("types[%d].name", i), "types are full message names (package.Message) from the descriptors", "type %q is not a message in the descriptors", t.GetName())
			continue
		}
		w.message(md)
	}
	for i, e := range c.svc.GetEnums() {
		d, err := c.desc.Files.FindDescriptorByName(protoreflect.FullName(e.GetName()))
		ed, ok := d.(protoreflect.EnumDescriptor)
		if err != nil || !ok {
			c.report(RuleUnknownType, fmt.Sprintf("enums[%d].name", i), "enums are full enum names (package.Enum) from the descriptors", "enum %q is not in the descriptors", e.GetName())
			continue
		}
		w.enum(ed)
	}
	c.checkTypeURLs(w)
	c.svc.Types, c.svc.Enums = w.types, w.enums
}

// checkTypeURLs checks the request/response type URLs of APIs taken from a compiled config.
func (c *compiler) checkTypeURLs(w typeWalker) {
	for i, api := range c.svc.GetApis() {
		for j, m := range api.GetMethods() {
			for field, url := range map[string]string{"request_type_url": m.GetRequestTypeUrl(), "response_type_url": m.GetResponseTypeUrl()} {
				name := protoreflect.FullName(url[strings.LastIndexByte(url, '/')+1:])
				if url == "" || w.seenMsg[name] || c.message(url) != nil {
					continue
				}
				c.report(RuleUnknownType, fmt.Sprintf("apis[%d].methods[%d].%s", i, j, field), "the descriptors must define every request and response type", "type URL %q names no message in the descriptors", url)
			}
		}
	}
}

type typeWalker struct {
	seenMsg  map[protoreflect.FullName]bool
	seenEnum map[protoreflect.FullName]bool
	types    []*typepb.Type
	enums    []*typepb.Enum
}

func (w *typeWalker) message(md protoreflect.MessageDescriptor) {
	// An explicit stack instead of recursion: deep message graphs cannot exhaust the stack.
	stack := []protoreflect.MessageDescriptor{md}
	for len(stack) > 0 {
		md := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if w.seenMsg[md.FullName()] {
			continue
		}
		w.seenMsg[md.FullName()] = true
		w.types = append(w.types, typeOf(md))
		fields := md.Fields()
		var next []protoreflect.MessageDescriptor
		for i := 0; i < fields.Len(); i++ {
			f := fields.Get(i)
			switch f.Kind() {
			case protoreflect.MessageKind, protoreflect.GroupKind:
				next = append(next, f.Message())
			case protoreflect.EnumKind:
				w.enum(f.Enum())
			}
		}
		for i := len(next) - 1; i >= 0; i-- { // keep field order when popping
			stack = append(stack, next[i])
		}
	}
}

func (w *typeWalker) enum(ed protoreflect.EnumDescriptor) {
	if w.seenEnum[ed.FullName()] {
		return
	}
	w.seenEnum[ed.FullName()] = true
	e := &typepb.Enum{
		Name:          string(ed.FullName()),
		SourceContext: &sourcecontextpb.SourceContext{FileName: ed.ParentFile().Path()},
		Syntax:        syntaxOf(ed.ParentFile()),
	}
	vals := ed.Values()
	for i := 0; i < vals.Len(); i++ {
		v := vals.Get(i)
		e.Enumvalue = append(e.Enumvalue, &typepb.EnumValue{Name: string(v.Name()), Number: int32(v.Number())})
	}
	w.enums = append(w.enums, e)
}

func typeOf(md protoreflect.MessageDescriptor) *typepb.Type {
	t := &typepb.Type{
		Name:          string(md.FullName()),
		SourceContext: &sourcecontextpb.SourceContext{FileName: md.ParentFile().Path()},
		Syntax:        syntaxOf(md.ParentFile()),
	}
	oneofIndex := map[protoreflect.FullName]int32{}
	oneofs := md.Oneofs()
	for i := 0; i < oneofs.Len(); i++ {
		if od := oneofs.Get(i); !od.IsSynthetic() {
			t.Oneofs = append(t.Oneofs, string(od.Name()))
			oneofIndex[od.FullName()] = int32(len(t.Oneofs)) // 1-based, 0 = none
		}
	}
	fields := md.Fields()
	for i := 0; i < fields.Len(); i++ {
		f := fields.Get(i)
		tf := &typepb.Field{
			Kind:        typepb.Field_Kind(f.Kind()),
			Cardinality: typepb.Field_Cardinality(f.Cardinality()),
			Number:      int32(f.Number()),
			Name:        string(f.Name()),
			JsonName:    f.JSONName(),
			Packed:      f.IsPacked(),
		}
		switch f.Kind() {
		case protoreflect.MessageKind, protoreflect.GroupKind:
			tf.TypeUrl = typeURL(f.Message().FullName())
		case protoreflect.EnumKind:
			tf.TypeUrl = typeURL(f.Enum().FullName())
		}
		if od := f.ContainingOneof(); od != nil && !od.IsSynthetic() {
			tf.OneofIndex = oneofIndex[od.FullName()]
		}
		t.Fields = append(t.Fields, tf)
	}
	return t
}
