package openapi

import (
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/espctl/espctl/diag"
)

// source is the parsed document as YAML nodes. kin-openapi keeps no positions and Go maps
// lose the order of paths and operations, so the converter walks these nodes (which have
// both) and uses kin-openapi only to check the document's shape.
type source struct {
	file string
	root *yaml.Node // the document's top mapping
	// index maps a JSON pointer (`/paths/~1shelves/get`) to its value node, for $ref
	// resolution and for positions of diagnostics.
	index map[string]*yaml.Node
}

// parseSource reads YAML or JSON (JSON is YAML) into nodes.
func parseSource(file string, data []byte) (*source, *diag.Diagnostic) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		d := diagAt(ruleSyntax, diag.Pos{File: file}, "", "not valid YAML or JSON: "+yamlErrorText(err), "")
		d.Pos.Line = yamlErrorLine(err)
		return nil, &d
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		d := diagAt(ruleNotOpenAPI, diag.Pos{File: file, Line: 1, Col: 1}, "", "the document is not a mapping with a `swagger: \"2.0\"` or `openapi: 3.x` key", "start the file with `swagger: \"2.0\"`")
		return nil, &d
	}
	if expandedSize(&doc, map[*yaml.Node]int{}, 0) > maxNodes {
		d := diagAt(ruleSyntax, diag.Pos{File: file, Line: 1, Col: 1}, "", "the document is too large once its YAML aliases are expanded", "write the repeated parts out, or use $ref")
		return nil, &d
	}
	s := &source{file: file, root: doc.Content[0], index: map[string]*yaml.Node{}}
	s.indexNode("", s.root, 0)
	return s, nil
}

// maxNodes bounds the document size with aliases expanded: every walk over the nodes follows
// aliases, and a few nested aliases ("billion laughs") would otherwise make them exponential.
const maxNodes = 1 << 20

// expandedSize counts nodes as if aliases were copied, memoized so it is linear itself.
func expandedSize(n *yaml.Node, memo map[*yaml.Node]int, depth int) int {
	if n == nil {
		return 0
	}
	if v, ok := memo[n]; ok {
		return v
	}
	if depth > maxDepth {
		return maxNodes + 1
	}
	memo[n] = maxNodes + 1 // a cycle counts as too large
	size := 1
	if n.Kind == yaml.AliasNode {
		size += expandedSize(n.Alias, memo, depth+1)
	}
	for _, c := range n.Content {
		size += expandedSize(c, memo, depth+1)
		if size > maxNodes {
			break
		}
	}
	memo[n] = size
	return size
}

// maxDepth bounds recursion on hostile input (deeply nested flow collections).
const maxDepth = 200

func (s *source) indexNode(ptr string, n *yaml.Node, depth int) {
	if depth > maxDepth {
		return
	}
	n = deref(n)
	s.index[ptr] = n
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			s.indexNode(ptr+"/"+escapePointer(n.Content[i].Value), n.Content[i+1], depth+1)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			s.indexNode(ptr+"/"+strconv.Itoa(i), c, depth+1)
		}
	}
}

func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

func unescapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
}

// deref follows YAML aliases (`*anchor`), so the converter sees the anchored value.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && n.Alias != nil && i < 10; i++ {
		n = n.Alias
	}
	return n
}

func (s *source) pos(n *yaml.Node) diag.Pos {
	if n == nil {
		return diag.Pos{File: s.file}
	}
	return diag.Pos{File: s.file, Line: n.Line, Col: n.Column}
}

// entry is one key/value pair of a mapping, with the key node kept for positions.
type entry struct {
	key   *yaml.Node
	value *yaml.Node
}

// entries lists a mapping's pairs in document order; nil for anything else.
func entries(n *yaml.Node) []entry {
	n = deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	out := make([]entry, 0, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		out = append(out, entry{key: n.Content[i], value: deref(n.Content[i+1])})
	}
	return out
}

// lookup returns the key and value nodes of key in mapping n, or nils.
func lookup(n *yaml.Node, key string) (*yaml.Node, *yaml.Node) {
	for _, e := range entries(n) {
		if e.key.Value == key {
			return e.key, e.value
		}
	}
	return nil, nil
}

func get(n *yaml.Node, key string) *yaml.Node {
	_, v := lookup(n, key)
	return v
}

// scalar returns the text of a scalar node ("" for anything else or a YAML null).
func scalar(n *yaml.Node) string {
	n = deref(n)
	if n == nil || n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return ""
	}
	return n.Value
}

func isScalar(n *yaml.Node) bool {
	n = deref(n)
	return n != nil && n.Kind == yaml.ScalarNode
}

func items(n *yaml.Node) []*yaml.Node {
	n = deref(n)
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	out := make([]*yaml.Node, len(n.Content))
	for i, c := range n.Content {
		out[i] = deref(c)
	}
	return out
}

func kindName(n *yaml.Node) string {
	n = deref(n)
	if n == nil {
		return "nothing"
	}
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "null"
		}
		return "`" + n.Value + "`"
	}
	return "empty"
}

// textFields are string fields that YAML users often write unquoted (`version: 1.0`,
// `swagger: 2.0`); their scalars are passed as text so the shape check does not fail on them.
var textFields = map[string]bool{"swagger": true, "openapi": true, "version": true, "title": true, "description": true, "host": true, "basePath": true, "operationId": true, "name": true, "summary": true}

// toJSONValue turns a node into the value encoding/json would produce, so kin-openapi can
// decode YAML input. Mapping keys are taken as written (YAML's `200:` is the string "200").
func toJSONValue(n *yaml.Node, depth int) any {
	n = deref(n)
	if n == nil || depth > maxDepth {
		return nil
	}
	switch n.Kind {
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i].Value, deref(n.Content[i+1])
			if textFields[k] && v != nil && v.Kind == yaml.ScalarNode && v.Tag != "!!null" {
				m[k] = v.Value // `version: 1.0` is the text "1.0", as the converter reads it
				continue
			}
			m[k] = toJSONValue(v, depth+1)
		}
		return m
	case yaml.SequenceNode:
		l := make([]any, len(n.Content))
		for i, c := range n.Content {
			l[i] = toJSONValue(c, depth+1)
		}
		return l
	case yaml.ScalarNode:
		var v any
		if err := n.Decode(&v); err != nil {
			return n.Value
		}
		switch v.(type) {
		case nil, bool, string, int, int64, uint64, float64:
			return v
		}
		return n.Value // timestamps and other YAML-only types stay text, as in JSON
	}
	return nil
}

func yamlErrorText(err error) string {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "yaml: ")
	if i := strings.Index(msg, ": "); i >= 0 && strings.HasPrefix(msg, "line ") {
		msg = msg[i+2:]
	}
	return msg
}

func yamlErrorLine(err error) int {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if !strings.HasPrefix(msg, "line ") {
		return 0
	}
	msg = msg[len("line "):]
	end := strings.IndexByte(msg, ':')
	if end < 0 {
		return 0
	}
	n, _ := strconv.Atoi(msg[:end])
	return n
}
