package grpcconfig

import (
	"errors"
	"fmt"
	"strings"

	"google.golang.org/genproto/googleapis/api/annotations"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"

	"github.com/espctl/espctl/diag"
	"github.com/espctl/espctl/httprule"
)

// httpSource is one HTTP rule with where it came from, so problems cite the YAML key or the
// proto option.
type httpSource struct {
	rule *annotations.HttpRule
	// field is the YAML path (`http.rules[3]`), empty for a proto annotation.
	field string
	// method is the annotated method (annotations only); the option's position is looked up
	// only when a problem is reported, which keeps big clean APIs fast.
	method protoreflect.MethodDescriptor
}

func (s httpSource) pos(c *compiler, sub string) diag.Pos {
	if s.field == "" {
		return c.optionPos(s.method)
	}
	return c.pos.Pos(join(s.field, sub))
}

// name is how diagnostics name the rule: its YAML path, or the proto option.
func (s httpSource) name() string {
	if s.field == "" {
		return "(google.api.http)"
	}
	return s.field
}

// firstBinding remembers who bound a duplicate key first, for the hint.
type firstBinding struct {
	src      httpSource
	sub, key string
	selector string
}

// compileHTTP merges the google.api.http annotations with the YAML http.rules (a YAML rule
// replaces the annotation of the same method, as Service Management documents), checks every
// binding, and writes the merged rules in method order.
func (c *compiler) compileHTTP() {
	final := make(map[string]httpSource, len(c.order))
	for _, m := range c.order {
		if r, ok := c.annotation(m); ok {
			final[m.selector] = httpSource{rule: r, method: m.desc}
		}
	}
	for i, r := range c.svc.GetHttp().GetRules() {
		field := fmt.Sprintf("http.rules[%d]", i)
		sel := r.GetSelector()
		if _, ok := c.methods[sel]; !ok {
			if strings.ContainsAny(sel, "*,") {
				c.report(RuleBadSelector, join(field, "selector"), "write one rule per method: each binding maps one HTTP route to one method", "http rule selector %q must name exactly one method", sel)
			} else {
				c.unknownSelector(join(field, "selector"), sel)
			}
			continue
		}
		final[sel] = httpSource{rule: r, field: field}
	}
	dups := make(map[string]firstBinding, len(final))
	rules := make([]*annotations.HttpRule, 0, len(final))
	for _, m := range c.order {
		src, ok := final[m.selector]
		if !ok {
			continue
		}
		c.checkBinding(m, src, src.rule, "", dups)
		for j, ab := range src.rule.GetAdditionalBindings() {
			sub := fmt.Sprintf("additional_bindings[%d]", j)
			c.checkBinding(m, src, ab, sub, dups)
			if len(ab.GetAdditionalBindings()) > 0 {
				c.reportAt(src.pos(c, join(sub, "additional_bindings")), RuleNestedBindings, join(src.name(), sub), "move them up into the rule's own additional_bindings", "additional_bindings may not contain additional_bindings")
			}
		}
		r := proto.Clone(src.rule).(*annotations.HttpRule)
		r.Selector = m.selector
		rules = append(rules, r)
	}
	if len(rules) > 0 || c.svc.Http != nil {
		if c.svc.Http == nil {
			c.svc.Http = &annotations.Http{}
		}
		c.svc.Http.Rules = rules
	}
}

// annotation returns the method's google.api.http option.
func (c *compiler) annotation(m *method) (*annotations.HttpRule, bool) {
	if m.desc == nil {
		return nil, false
	}
	opts, ok := m.desc.Options().(*descriptorpb.MethodOptions)
	if !ok || opts == nil || !proto.HasExtension(opts, annotations.E_Http) {
		return nil, false
	}
	r, ok := proto.GetExtension(opts, annotations.E_Http).(*annotations.HttpRule)
	return r, ok && r != nil
}

// optionPos finds the `option (google.api.http)` of a method in the proto's source info,
// falling back to the rpc, then to the file.
func (c *compiler) optionPos(md protoreflect.MethodDescriptor) diag.Pos {
	fd := md.ParentFile()
	pos := diag.Pos{File: c.desc.displayName(fd.Path())}
	sd := md.Parent().(protoreflect.ServiceDescriptor)
	base := protoreflect.SourcePath{6, int32(sd.Index()), 2, int32(md.Index())}
	locs := fd.SourceLocations()
	for _, p := range []protoreflect.SourcePath{append(append(protoreflect.SourcePath{}, base...), 4, 72295728), base} {
		if loc := locs.ByPath(p); loc.StartLine != 0 || loc.StartColumn != 0 || loc.EndLine != 0 {
			pos.Line, pos.Col = loc.StartLine+1, loc.StartColumn+1
			return pos
		}
	}
	return pos
}

func httpPattern(r *annotations.HttpRule) (verb, tmpl, key string) {
	switch p := r.GetPattern().(type) {
	case *annotations.HttpRule_Get:
		return "GET", p.Get, "get"
	case *annotations.HttpRule_Put:
		return "PUT", p.Put, "put"
	case *annotations.HttpRule_Post:
		return "POST", p.Post, "post"
	case *annotations.HttpRule_Delete:
		return "DELETE", p.Delete, "delete"
	case *annotations.HttpRule_Patch:
		return "PATCH", p.Patch, "patch"
	case *annotations.HttpRule_Custom:
		return p.Custom.GetKind(), p.Custom.GetPath(), "custom.path"
	}
	return "", "", ""
}

// checkBinding checks one binding (a rule or one of its additional bindings).
func (c *compiler) checkBinding(m *method, src httpSource, r *annotations.HttpRule, sub string, dups map[string]firstBinding) {
	field := join(src.name(), sub)
	verb, tmpl, key := httpPattern(r)
	if verb == "" {
		c.reportAt(src.pos(c, sub), RuleNoPattern, field, "add one of get, put, post, delete, patch or custom {kind, path}", "http rule for %s has no pattern", m.selector)
		return
	}
	t, err := parseTemplate(tmpl)
	if err != nil {
		var pe *httprule.ParseError
		pos := src.pos(c, join(sub, key))
		msg := err.Error()
		if errors.As(err, &pe) {
			if src.field != "" {
				pos = c.pos.Inside(join(field, key), pe.Col)
			}
			msg = fmt.Sprintf("invalid uri template %q: %s (column %d of the template)", tmpl, pe.Msg, pe.Col)
		}
		c.reportAt(pos, RuleBadTemplate, join(field, key), "templates look like /v1/shelves/{shelf}/books/{book=*}:verb", "%s", msg)
		return
	}
	for _, v := range t.Variables {
		c.checkPathVariable(m, src, sub, key, v.FieldPath)
	}
	if b := r.GetBody(); b != "" && b != "*" && m.input != nil && fieldByPath(m.input, b) == nil {
		c.reportAt(src.pos(c, join(sub, "body")), RuleUnknownBody, join(field, "body"), fieldHint(m.input, b), "body %q is not a field of %s", b, m.input.FullName())
	}
	if b := r.GetResponseBody(); b != "" && m.output != nil && fieldByPath(m.output, b) == nil {
		c.reportAt(src.pos(c, join(sub, "response_body")), RuleUnknownRespBody, join(field, "response_body"), fieldHint(m.output, b), "response_body %q is not a field of %s", b, m.output.FullName())
	}
	// Variables count as their wildcard and a verb as one more segment (ESPv2's rule); the
	// proxy's router uses the same key.
	k := t.DuplicateKey(verb)
	if first, dup := dups[k]; dup {
		hint := fmt.Sprintf("the first binding is %s of %s at %s; change one of the templates or verbs", join(first.src.name(), first.sub), first.selector, first.src.pos(c, join(first.sub, first.key)))
		c.reportAt(src.pos(c, join(sub, key)), RuleDuplicatePattern, join(field, key), hint,
			"%s has duplicate http pattern `%s %s`", m.selector, verb, tmpl)
		return
	}
	dups[k] = firstBinding{src: src, sub: sub, key: key, selector: m.selector}
}

func (c *compiler) checkPathVariable(m *method, src httpSource, sub, key, path string) {
	if m.input == nil {
		return
	}
	field := join(join(src.name(), sub), key)
	md := m.input
	parts := strings.Split(path, ".")
	for i, part := range parts {
		fd := lookupProtoField(md, part)
		if fd == nil {
			c.reportAt(src.pos(c, join(sub, key)), RuleUnknownPathVar, field, fieldHint(md, part),
				"path variable {%s} of %s: %q is not a field of %s", path, m.selector, part, md.FullName())
			return
		}
		last := i == len(parts)-1
		switch {
		case fd.IsList() || fd.IsMap():
			c.reportAt(src.pos(c, join(sub, key)), RuleBadPathVarField, field, "bind path variables to singular scalar fields",
				"path variable {%s} of %s is repeated field %s", path, m.selector, fd.FullName())
			return
		case last && fd.Message() != nil && wrapperKind(fd.Message()) == 0:
			c.reportAt(src.pos(c, join(sub, key)), RuleBadPathVarField, field, "bind path variables to scalar fields (use a sub-field: {"+path+".id})",
				"path variable {%s} of %s is message field %s", path, m.selector, fd.FullName())
			return
		case !last && fd.Message() == nil:
			c.reportAt(src.pos(c, join(sub, key)), RuleUnknownPathVar, field, "only message fields have sub-fields",
				"path variable {%s} of %s: %s is not a message", path, m.selector, fd.FullName())
			return
		}
		md = fd.Message()
	}
}

// lookupProtoField finds a field by proto name, or by JSON name as the transcoder also does.
func lookupProtoField(md protoreflect.MessageDescriptor, name string) protoreflect.FieldDescriptor {
	if fd := md.Fields().ByName(protoreflect.Name(name)); fd != nil {
		return fd
	}
	return md.Fields().ByJSONName(name)
}

func fieldByPath(md protoreflect.MessageDescriptor, path string) protoreflect.FieldDescriptor {
	var fd protoreflect.FieldDescriptor
	for _, part := range strings.Split(path, ".") {
		if md == nil {
			return nil
		}
		if fd = lookupProtoField(md, part); fd == nil {
			return nil
		}
		md = fd.Message()
	}
	return fd
}

func fieldHint(md protoreflect.MessageDescriptor, name string) string {
	names := fieldNames(md)
	if s := suggest(name, names); s != "" {
		return fmt.Sprintf("did you mean %q?", s)
	}
	if len(names) == 0 {
		return fmt.Sprintf("%s has no fields", md.FullName())
	}
	if len(names) > 8 {
		names = append(names[:8], "...")
	}
	return fmt.Sprintf("%s has fields: %s", md.FullName(), strings.Join(names, ", "))
}

// parseTemplate is the one place that parses a template, so tests and the benchmark measure
// the same parser the proxy uses.
func parseTemplate(s string) (*httprule.Template, error) { return httprule.Parse(s) }
