// Package openapi converts an OpenAPI document with Google's x-google-* extensions into the
// google.api.Service that Google Service Management would generate from it
// (`gcloud endpoints services deploy openapi.yaml`), offline, with diagnostics that carry the
// file, line and column of the offending field.
//
// OpenAPI 2.0 (Swagger) is what Endpoints accepts; OpenAPI 3.0/3.1 with the same extensions
// goes through the same conversion. The facts behind every mapping are in
// ../shared/reference/config-and-openapi.md, Part B; docs/openapi.md lists the extensions.
//
// Reading is done twice: kin-openapi decodes the document to check its shape against the
// OpenAPI model, and the conversion walks the YAML nodes (JSON is YAML), because those keep
// line:column positions and the order of paths and operations, which fixes method order.
package openapi

import (
	"bytes"
	"strings"

	"go.yaml.in/yaml/v3"
	"google.golang.org/genproto/googleapis/api/serviceconfig"

	"github.com/espctl/espctl/diag"
)

// Load converts the OpenAPI document data (read from path, which is used in positions and
// as the API's source file name) into a service config. The Service is nil only when the
// document cannot be read at all; when the list holds errors, the Service is a best effort
// and must not be deployed. The list is sorted.
func Load(path string, data []byte) (*serviceconfig.Service, diag.List) {
	c := &converter{}
	svc := c.load(path, data)
	return svc, c.diags.Sort()
}

// IsOpenAPI reports whether data looks like an OpenAPI document: a top-level `swagger` or
// `openapi` key, in YAML or JSON. It reads the content, not the file name.
func IsOpenAPI(data []byte) bool {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return sniffKey(data)
	}
	if len(doc.Content) == 0 {
		return false
	}
	k, _ := lookup(doc.Content[0], "swagger")
	if k == nil {
		k, _ = lookup(doc.Content[0], "openapi")
	}
	return k != nil
}

// sniffKey is IsOpenAPI for files that do not parse: it still says "OpenAPI" for a broken
// OpenAPI file so its syntax error is reported by this package, not as an unknown input.
func sniffKey(data []byte) bool {
	for _, line := range bytes.Split(data, []byte("\n")) {
		l := strings.TrimSpace(string(line))
		for _, k := range []string{"swagger", "openapi"} {
			if strings.HasPrefix(l, k+":") || strings.HasPrefix(l, `"`+k+`"`) || strings.HasPrefix(l, `{"`+k+`"`) {
				return true
			}
		}
	}
	return false
}

// converter holds the state of one Load.
type converter struct {
	src   *source
	diags diag.List
	doc   *document
}

func (c *converter) report(rule string, n *yaml.Node, field, msg, hint string) {
	var pos diag.Pos
	if c.src != nil {
		pos = c.src.pos(n)
	}
	c.diags.Add(diagAt(rule, pos, field, msg, hint))
}

func (c *converter) load(path string, data []byte) *serviceconfig.Service {
	src, d := parseSource(path, data)
	if d != nil {
		c.diags.Add(*d)
		return nil
	}
	c.src = src
	root := src.root
	swaggerKey, swagger := lookup(root, "swagger")
	openapiKey, openapi := lookup(root, "openapi")
	switch {
	case swaggerKey != nil && scalar(swagger) == "2.0":
		c.doc = c.readV2()
	case openapiKey != nil && strings.HasPrefix(scalar(openapi), "3."):
		c.doc = c.readV3()
	case swaggerKey != nil:
		c.report(ruleNotOpenAPI, swagger, "swagger", "unsupported version "+kindName(swagger)+"; Endpoints reads `swagger: \"2.0\"`", "set `swagger: \"2.0\"` (quoted: a bare 2.0 is a number)")
		return nil
	case openapiKey != nil:
		c.report(ruleNotOpenAPI, openapi, "openapi", "unsupported version "+kindName(openapi)+"; expected 3.0.x or 3.1.x", "")
		return nil
	default:
		c.report(ruleNotOpenAPI, root, "", "no top-level `swagger` or `openapi` key: this is not an OpenAPI document", "start the file with `swagger: \"2.0\"`")
		return nil
	}
	c.checkRefs("", root, 0)
	c.checkExtensions()
	return c.convert()
}
