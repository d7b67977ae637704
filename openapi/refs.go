package openapi

import (
	"encoding/json"
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

// checkRefs reports every `$ref` that points outside the document or to nothing.
func (c *converter) checkRefs(ptr string, n *yaml.Node, depth int) {
	n = deref(n)
	if n == nil || depth > maxDepth {
		return
	}
	switch n.Kind {
	case yaml.MappingNode:
		for _, e := range entries(n) {
			if e.key.Value == "$ref" && isScalar(e.value) {
				c.checkRef(ptr, e.value)
				continue
			}
			c.checkRefs(ptr+"/"+escapePointer(e.key.Value), e.value, depth+1)
		}
	case yaml.SequenceNode:
		for _, it := range n.Content {
			c.checkRefs(ptr, it, depth+1)
		}
	}
}

func (c *converter) checkRef(ptr string, v *yaml.Node) {
	ref := v.Value
	field := strings.ReplaceAll(strings.TrimPrefix(ptr, "/"), "/", ".") + ".$ref"
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
		c.report(ruleSyntax, c.src.root, "", "the document does not decode as "+what+": "+msg, "fix the field named in the message")
	}
}
