package openapi

import (
	"encoding/json"
	"strings"

	"github.com/getkin/kin-openapi/openapi2"
	"go.yaml.in/yaml/v3"
)

// verbs2 are the operation keys of a 2.0 path item, in the order the spec lists them.
var verbs2 = map[string]bool{"get": true, "put": true, "post": true, "delete": true, "options": true, "head": true, "patch": true}

// readV2 checks the document's shape with kin-openapi's 2.0 model and then reads it from the
// nodes, keeping order and positions.
func (c *converter) readV2() *document {
	c.checkShape(func(b []byte) error { var t openapi2.T; return json.Unmarshal(b, &t) }, "OpenAPI 2.0")
	root := c.src.root
	d := &document{root: root, refPrefix: "#/definitions/", info: get(root, "info")}
	d.version = scalar(get(root, "swagger"))
	d.hostNode = get(root, "host")
	d.host = scalar(d.hostNode)
	d.hostFrom = "host"
	d.basePath = scalar(get(root, "basePath"))
	d.definitions = entries(get(root, "definitions"))
	for _, e := range entries(get(root, "securityDefinitions")) {
		d.secDefs = append(d.secDefs, c.readSecDef(e, "securityDefinitions."+e.key.Value))
	}
	if k, v := lookup(root, "security"); k != nil {
		d.security = c.readSecurity(v, "security")
	}
	c.readOperations(d, verbs2, func(op *operation, node *yaml.Node, field string) {
		for _, p := range op.params {
			if p.in == "body" {
				op.body = p
			}
		}
		op.response = successSchema(get(node, "responses"), func(r *yaml.Node) *yaml.Node {
			return get(c.resolve(r, field), "schema")
		})
	})
	return d
}

// readOperations reads every operation of the paths in document order, the parts 2.0 and 3.x
// share: path, verb, operationId, parameters (the path item's merged with the operation's),
// security. version fills in what differs (body, response) before the operation is added.
func (c *converter) readOperations(d *document, verbs map[string]bool, version func(op *operation, node *yaml.Node, field string)) {
	for _, pe := range entries(get(d.root, "paths")) {
		if strings.HasPrefix(pe.key.Value, "x-") {
			continue
		}
		item := c.resolve(pe.value, "paths."+pe.key.Value)
		shared := items(get(item, "parameters"))
		for _, ve := range entries(item) {
			verb := ve.key.Value
			if !verbs[verb] {
				continue
			}
			field := "paths." + pe.key.Value + "." + verb
			op := &operation{path: pe.key.Value, pathNode: pe.key, verb: verb, verbNode: ve.key, node: ve.value, field: field}
			op.idNode = get(ve.value, "operationId")
			op.id = scalar(op.idNode)
			// Fields are numbered in parameter order, the body parameter included.
			op.params = mergeParams(c, shared, items(get(ve.value, "parameters")), field)
			version(op, ve.value, field)
			if k, v := lookup(ve.value, "security"); k != nil {
				op.security = c.readSecurity(v, field+".security")
			}
			d.operations = append(d.operations, op)
		}
	}
}

// mergeParams applies the path item's parameters, then the operation's, which override a
// shared one with the same name and location; parameter order is kept (it numbers fields).
func mergeParams(c *converter, shared, own []*yaml.Node, field string) []*param {
	var out []*param
	add := func(n *yaml.Node) {
		n = c.resolve(n, field+".parameters")
		p := &param{name: scalar(get(n, "name")), in: scalar(get(n, "in")), node: n, schema: n}
		if s := get(n, "schema"); s != nil {
			p.schema = s // body parameters (2.0) and every 3.x parameter
		}
		for i, q := range out {
			if q.name == p.name && q.in == p.in {
				out[i] = p
				return
			}
		}
		out = append(out, p)
	}
	for _, n := range shared {
		add(n)
	}
	for _, n := range own {
		add(n)
	}
	return out
}

// successSchema picks the schema of the first 2xx response (200 first), as the method's
// response type; schemaOf reads the schema out of one response object.
func successSchema(responses *yaml.Node, schemaOf func(*yaml.Node) *yaml.Node) *yaml.Node {
	var first *yaml.Node
	for _, e := range entries(responses) {
		if e.key.Value == "200" {
			return schemaOf(e.value)
		}
		if first == nil && len(e.key.Value) == 3 && e.key.Value[0] == '2' {
			first = e.value
		}
	}
	if first != nil {
		return schemaOf(first)
	}
	return nil
}

func (c *converter) readSecDef(e entry, field string) *secDef {
	n := c.resolve(e.value, field)
	s := &secDef{name: e.key.Value, keyNode: e.key, node: n, kind: scalar(get(n, "type")), path: field}
	s.in = scalar(get(n, "in"))
	s.keyName = scalar(get(n, "name"))
	return s
}

// readSecurity reads a `security` list. A malformed entry is reported by the shape check.
func (c *converter) readSecurity(n *yaml.Node, field string) *requirements {
	r := &requirements{node: n, field: field}
	for _, alt := range items(n) {
		r.alternatives = append(r.alternatives, alternative{node: alt, schemes: entries(alt)})
	}
	return r
}
