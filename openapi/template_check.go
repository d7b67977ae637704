package openapi

import (
	"errors"

	"github.com/espctl/espctl/httprule"
)

// checkTemplate runs the proxy's own template parser on a final HTTP rule template and
// returns why it fails and at which 1-based column ("" when it parses). openAPIPath has
// already caught what OpenAPI paths usually get wrong; this catches the rest (a `**` in a
// literal position, a bad verb, ...), with the parser's words.
func checkTemplate(tmpl string) (msg string, col int) {
	_, err := httprule.Parse(tmpl)
	if err == nil {
		return "", 0
	}
	var pe *httprule.ParseError
	if errors.As(err, &pe) {
		return "the proxy cannot route `" + tmpl + "`: " + pe.Msg, pe.Col
	}
	return "the proxy cannot route `" + tmpl + "`: " + err.Error(), 1
}

// duplicateKey is the key on which ESPv2 finds two bindings to collide (variables as their
// wildcards, a verb as one more segment); templates that do not parse use their text.
func duplicateKey(method, tmpl string) string {
	t, err := httprule.Parse(tmpl)
	if err != nil {
		return method + " " + tmpl
	}
	return t.DuplicateKey(method)
}
