package openapi

import "go.yaml.in/yaml/v3"

// document is what the 2.0 and 3.x readers agree on: everything the conversion needs, in
// document order, with the nodes kept for positions. One conversion serves both versions.
type document struct {
	version  string // "2.0", "3.0.3", ...
	host     string
	hostNode *yaml.Node
	hostFrom string // the field the host came from, for messages (`host`, `servers[0].url`)
	basePath string
	info     *yaml.Node
	// refPrefix is where schema definitions live (`#/definitions/`, `#/components/schemas/`).
	refPrefix   string
	definitions []entry
	secDefs     []*secDef
	// security is the top-level requirement list; nil when absent.
	security   *requirements
	root       *yaml.Node
	operations []*operation
}

// operation is one path + verb.
type operation struct {
	path      string
	pathNode  *yaml.Node // the key node of the path
	verb      string     // lower case as in the document
	verbNode  *yaml.Node
	node      *yaml.Node
	id        string
	idNode    *yaml.Node
	params    []*param
	body      *param     // the request body, nil when none
	response  *yaml.Node // schema of the success response, nil when none
	security  *requirements
	field     string // `paths./shelves.get`, for diagnostics
	methodNm  string
	selector  string
	generated bool // one of the x-google-allow methods
}

// param is one request parameter (path, query, header or body).
type param struct {
	name   string
	in     string
	schema *yaml.Node // the node holding type/format/items/$ref (the parameter itself in 2.0)
	node   *yaml.Node
}

// secDef is one security scheme definition.
type secDef struct {
	name    string
	keyNode *yaml.Node
	node    *yaml.Node
	kind    string // "oauth2" (a JWT provider), "apiKey", or anything else
	in      string // apiKey: query or header
	keyName string // apiKey: the parameter or header name
	path    string // `securityDefinitions.<name>`, for diagnostics
}

// requirements is a `security` list: alternatives OR-ed, schemes inside one AND-ed.
type requirements struct {
	node         *yaml.Node
	field        string
	alternatives []alternative
}

type alternative struct {
	node    *yaml.Node
	schemes []entry // key = scheme name
}
