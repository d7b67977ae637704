package openapi

import (
	"encoding/json"
	"net/url"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v3"
)

// verbs3 adds `trace` to the 2.0 operation keys.
var verbs3 = map[string]bool{"get": true, "put": true, "post": true, "delete": true, "options": true, "head": true, "patch": true, "trace": true}

// readV3 reads OpenAPI 3.0/3.1 into the same document as 2.0, so both go through one
// conversion. The differences: the service name comes from `host` (an extension here) or
// x-google-endpoints[0].name or the host of servers[0].url, whose path is the basePath;
// schemas and security schemes live under `components`; a request body is a field named by
// `x-codegen-request-body-name` (default `body`).
func (c *converter) readV3() *document {
	c.checkShape(func(b []byte) error { var t openapi3.T; return json.Unmarshal(b, &t) }, "OpenAPI 3")
	root := c.src.root
	d := &document{root: root, refPrefix: "#/components/schemas/", info: get(root, "info")}
	d.version = scalar(get(root, "openapi"))
	components := get(root, "components")
	d.definitions = entries(get(components, "schemas"))
	c.readV3Host(d)
	for _, e := range entries(get(components, "securitySchemes")) {
		s := c.readSecDef(e, "components.securitySchemes."+e.key.Value)
		if s.kind == "http" && strings.EqualFold(scalar(get(s.node, "scheme")), "basic") {
			s.kind = "basic"
		}
		d.secDefs = append(d.secDefs, s)
	}
	if k, v := lookup(root, "security"); k != nil {
		d.security = c.readSecurity(v, "security")
	}
	c.readOperations(d, verbs3, func(op *operation, node *yaml.Node, field string) {
		if rb := get(node, "requestBody"); rb != nil {
			rb = c.resolve(rb, field+".requestBody")
			name := scalar(get(node, "x-codegen-request-body-name"))
			if name == "" {
				name = "body"
			}
			op.body = &param{name: name, in: "body", node: rb, schema: mediaSchema(get(rb, "content"))}
			op.params = append(op.params, op.body)
		}
		op.response = successSchema(get(node, "responses"), func(r *yaml.Node) *yaml.Node {
			return mediaSchema(get(c.resolve(r, field), "content"))
		})
	})
	return d
}

// readV3Host picks the service name and basePath.
func (c *converter) readV3Host(d *document) {
	var server *yaml.Node
	if servers := items(get(d.root, "servers")); len(servers) > 0 {
		server = get(servers[0], "url")
	}
	if u, err := url.Parse(scalar(server)); err == nil && server != nil {
		d.basePath = u.Path
	}
	if n := get(d.root, "host"); n != nil {
		d.host, d.hostNode, d.hostFrom = scalar(n), n, "host"
		return
	}
	if ep := items(get(d.root, "x-google-endpoints")); len(ep) > 0 {
		if n := get(ep[0], "name"); n != nil {
			d.host, d.hostNode, d.hostFrom = scalar(n), n, "x-google-endpoints[0].name"
			return
		}
	}
	d.hostFrom = "servers[0].url" // an empty host is reported by checkHost
	if server != nil {
		d.hostNode = server
		if u, err := url.Parse(scalar(server)); err == nil {
			d.host = u.Hostname()
		}
	}
}

// mediaSchema is the schema of the JSON media type of a `content` map, else of the first one.
func mediaSchema(content *yaml.Node) *yaml.Node {
	var first *yaml.Node
	for _, e := range entries(content) {
		if strings.Contains(e.key.Value, "json") {
			return get(e.value, "schema")
		}
		if first == nil {
			first = get(e.value, "schema")
		}
	}
	return first
}
