// Package httprule parses google.api.http path templates (`/v1/{name=shelves/*}/books:list`)
// into a form that validators, the proxy's router and the Envoy generator all share.
//
// Grammar (as ESPv2's parser accepts it):
//
//	Template  = "/" | "/" Segments [ Verb ]
//	Segments  = Segment { "/" Segment }
//	Segment   = "*" | "**" | LITERAL | Variable
//	Variable  = "{" FieldPath [ "=" Segments ] "}"
//	FieldPath = IDENT { "." IDENT }
//	Verb      = ":" LITERAL
//
// `{x}` is short for `{x=*}`; variables do not nest; after `**` only literals may follow.
//
// The package API, in the order a request meets it:
//
//   - Parse turns the text into a Template or a *ParseError with the column of the problem;
//     String renders the canonical form back.
//   - DuplicateKey gives the key two bindings collide on (ESPv2 refuses to start on a collision).
//   - Sort orders bindings the way ESPv2 orders its routes (first match wins).
//   - Regex gives the Envoy route matchers ESPv2 generates for a template.
//   - Match / MatchAppend match a request path with the same semantics and return the
//     percent-decoded variable bindings, for the bundled proxy.
//
// docs/http-templates.md describes the grammar, errors, matching and precedence with examples.
package httprule

import "strconv"

// SegmentKind says what one path segment matches.
type SegmentKind string

const (
	Literal        SegmentKind = "literal" // exactly Segment.Value
	Wildcard       SegmentKind = "*"       // one segment, no '/'
	DoubleWildcard SegmentKind = "**"      // zero or more segments
)

// Segment is one '/'-separated part of a template, after variables are expanded.
type Segment struct {
	Kind  SegmentKind `json:"kind"`
	Value string      `json:"value,omitempty"`
}

// Variable binds the segments [Start, End) of Template.Segments to a request field.
type Variable struct {
	// FieldPath is the dotted field path as written (`shelf.id`).
	FieldPath string `json:"field_path"`
	Start     int    `json:"start"`
	End       int    `json:"end"`
}

// Template is a parsed path template. Parse always returns a non-nil Segments slice (empty
// for the root template `/`) and Variables ordered by Start, not overlapping.
type Template struct {
	// Raw is the template exactly as written.
	Raw       string     `json:"raw"`
	Segments  []Segment  `json:"segments"`
	Verb      string     `json:"verb,omitempty"`
	Variables []Variable `json:"variables,omitempty"`
}

// ParseError reports why a template does not parse and where: Col is the 1-based column
// inside the template text.
type ParseError struct {
	Template string
	Col      int
	Msg      string
}

func (e *ParseError) Error() string {
	return "invalid uri template " + e.Template + ": " + e.Msg + " at column " + strconv.Itoa(e.Col)
}

// Binding is one path variable's value after a match: the field path as written in the
// template (`shelf.id`) and its percent-decoded value.
type Binding struct {
	FieldPath string `json:"field_path"`
	Value     string `json:"value"`
}
