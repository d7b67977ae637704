package openapi

import (
	"encoding/json"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

// resolve follows an internal `$ref` (`#/parameters/shelf`) to the node it names, up to a few
// hops; a node without `$ref` is returned as is. Bad refs are reported once by checkRefs, so
// resolve stays quiet and returns the node itself.
func (c *converter) resolve(n *yaml.Node, field string) *yaml.Node {
	for i := 0; i < 8; i++ {
		ref := scalar(get(n, "$ref"))
		if !strings.HasPrefix(ref, "#/") {
			return n
		}
		target, ok := c.src.index[unescapePointer(ref[1:])]
		if !ok || target == n {
			return n
		}
		n = target
	}
	return n
}

// refName is the definition name a schema `$ref` points to ("" when n is not such a ref).
func (c *converter) refName(n *yaml.Node) string {
	ref := scalar(get(n, "$ref"))
	if name, ok := strings.CutPrefix(ref, c.doc.refPrefix); ok {
		return unescapePointer(name)
	}
	return ""
}

// checkRefs reports every `$ref` that points outside the document or to nothing; field is
// the dotted path of n as the user reads it.
func (c *converter) checkRefs(ptr string, n *yaml.Node, depth int) {
	n = deref(n)
	if n == nil || depth > maxDepth {
		return
	}
	switch n.Kind {
	case yaml.MappingNode:
		for _, e := range entries(n) {
			if e.key.Value == "$ref" && isScalar(e.value) {
				c.checkRef(joinField(ptr, "$ref"), e.value)
				continue
			}
			c.checkRefs(joinField(ptr, e.key.Value), e.value, depth+1)
		}
	case yaml.SequenceNode:
		for i, it := range n.Content {
			c.checkRefs(ptr+"["+itoa(i)+"]", it, depth+1)
		}
	}
}

func (c *converter) checkRef(field string, v *yaml.Node) {
	ref := v.Value
	if !strings.HasPrefix(ref, "#") {
		c.report(ruleExternalRef, v, field, "external reference `"+ref+"` is not supported: Service Management reads one self-contained document", "copy the referenced object into this file (under `definitions` or `parameters`) and point to it with `#/...`")
		return
	}
	if _, ok := c.src.index[unescapePointer(strings.TrimPrefix(ref, "#"))]; ok {
		return
	}
	if strings.HasPrefix(ref, c.doc.refPrefix) {
		c.report(ruleMissingDefinition, v, field, "`"+ref+"` names no definition; Service Management types it as google.protobuf.Value", "add the definition or fix the name")
		return
	}
	c.report(ruleUnresolvedRef, v, field, "`"+ref+"` points to nothing in this document", "")
}

// checkShape decodes the document with kin-openapi's model; a decoding error means a field
// has the wrong shape (a string where a list is expected, ...). kin-openapi gives no
// position, so the error is placed at the field it names when that can be found.
func (c *converter) checkShape(decode func([]byte) error, what string) {
	b, err := json.Marshal(toJSONValue(c.src.root, 0))
	if err != nil {
		return
	}
	if err := decode(b); err != nil {
		msg := err.Error()
		at, field := c.findShapeError(msg)
		c.report(ruleSyntax, at, field, "the document does not decode as "+what+": "+msg, "fix the field named in the message")
	}
}

// shapeError matches encoding/json's `cannot unmarshal <kind> into field <Type>.<field>`.
var shapeError = regexp.MustCompile(`cannot unmarshal (\w+) into (?:Go struct )?field \w+\.([\w$.-]+)`)

// findShapeError finds the first node the decoding error can be about: a key named like the
// field whose value has the kind JSON complained about. Falls back to the document root.
func (c *converter) findShapeError(msg string) (*yaml.Node, string) {
	m := shapeError.FindStringSubmatch(msg)
	if m == nil {
		return c.src.root, ""
	}
	kind := map[string]yaml.Kind{"string": yaml.ScalarNode, "number": yaml.ScalarNode, "bool": yaml.ScalarNode, "object": yaml.MappingNode, "array": yaml.SequenceNode}[m[1]]
	key := m[2]
	if i := strings.LastIndexByte(key, '.'); i >= 0 {
		key = key[i+1:]
	}
	var found *yaml.Node
	var foundField string
	var walk func(field string, n *yaml.Node, depth int)
	walk = func(field string, n *yaml.Node, depth int) {
		if found != nil || depth > maxDepth {
			return
		}
		for _, e := range entries(n) {
			f := joinField(field, e.key.Value)
			if e.key.Value == key && (kind == 0 || e.value.Kind == kind) {
				found, foundField = e.value, f
				return
			}
			walk(f, e.value, depth+1)
		}
		for i, it := range items(n) {
			walk(field+"["+itoa(i)+"]", it, depth+1)
		}
	}
	walk("", c.src.root, 0)
	if found == nil {
		return c.src.root, ""
	}
	return found, foundField
}
