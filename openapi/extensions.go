package openapi

import (
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/espctl/espctl/internal/didyoumean"
)

// Where each x-google-* extension is read. A known extension elsewhere is ignored by Service
// Management, so it gets the same warning as a misspelt one.
var (
	topLevelExtensions  = []string{"x-google-allow", "x-google-api-name", "x-google-backend", "x-google-endpoints", "x-google-management"}
	operationExtensions = []string{"x-google-backend", "x-google-quota"}
	securityExtensions  = []string{"x-google-audiences", "x-google-issuer", "x-google-jwks_uri", "x-google-jwt-locations"}
)

// checkExtensions warns about every x-google-* key that is unknown or not read where it is.
func (c *converter) checkExtensions() {
	places := map[*yaml.Node][]string{c.doc.root: topLevelExtensions}
	for _, op := range c.doc.operations {
		places[op.node] = operationExtensions
	}
	for _, s := range c.doc.secDefs {
		places[s.node] = securityExtensions
	}
	c.walkExtensions("", c.doc.root, places, 0)
}

func (c *converter) walkExtensions(field string, n *yaml.Node, places map[*yaml.Node][]string, depth int) {
	n = deref(n)
	if n == nil || depth > maxDepth {
		return
	}
	switch n.Kind {
	case yaml.SequenceNode:
		for i, it := range n.Content {
			c.walkExtensions(field+"["+itoa(i)+"]", it, places, depth+1)
		}
	case yaml.MappingNode:
		allowed := places[n]
		for _, e := range entries(n) {
			f := joinField(field, e.key.Value)
			if strings.HasPrefix(e.key.Value, "x-google-") && !slices.Contains(allowed, e.key.Value) {
				c.report(ruleUnknownExtension, e.key, f, c.extensionMessage(e.key.Value, allowed), c.extensionHint(e.key.Value, allowed))
				continue
			}
			if strings.HasPrefix(e.key.Value, "x-google-") {
				continue // read by the converter, which checks its fields
			}
			c.walkExtensions(f, e.value, places, depth+1)
		}
	}
}

func joinField(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "." + key
}

func (c *converter) extensionMessage(key string, allowed []string) string {
	all := slices.Concat(topLevelExtensions, operationExtensions, securityExtensions)
	if slices.Contains(all, key) {
		return "`" + key + "` is not read at this place; Service Management ignores it"
	}
	return "unknown extension `" + key + "`; Service Management ignores it"
}

func (c *converter) extensionHint(key string, allowed []string) string {
	all := slices.Concat(topLevelExtensions, operationExtensions, securityExtensions)
	if slices.Contains(all, key) {
		var where []string
		if slices.Contains(topLevelExtensions, key) {
			where = append(where, "the top level")
		}
		if slices.Contains(operationExtensions, key) {
			where = append(where, "an operation")
		}
		if slices.Contains(securityExtensions, key) {
			where = append(where, "a security definition")
		}
		return "move it to " + strings.Join(where, " or ")
	}
	if h := didYouMean(key, allowed); h != "" {
		return h
	}
	if h := didYouMean(key, all); h != "" {
		return h
	}
	return "see docs/openapi.md for the supported extensions"
}

// unknownFields warns about keys of an extension's mapping that it does not define.
func (c *converter) unknownFields(n *yaml.Node, field string, known ...string) {
	for _, e := range entries(n) {
		if !slices.Contains(known, e.key.Value) {
			c.report(ruleUnknownExtField, e.key, field+"."+e.key.Value, "unknown field `"+e.key.Value+"`; it is ignored", or(didYouMean(e.key.Value, known), "known fields: "+strings.Join(known, ", ")))
		}
	}
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// stringExt reads a string-valued extension field; anything but a scalar is reported.
func (c *converter) stringExt(n *yaml.Node, field string) string {
	if n == nil {
		return ""
	}
	if !isScalar(n) {
		c.report(ruleExtensionValue, n, field, "must be a string, not "+kindName(n), "")
		return ""
	}
	return scalar(n)
}

func (c *converter) boolValue(n *yaml.Node, field string) bool {
	switch scalar(n) {
	case "true", "True", "TRUE":
		return true
	case "false", "False", "FALSE":
		return false
	}
	c.report(ruleExtensionValue, n, field, "must be true or false, not "+kindName(n), "")
	return false
}

func itoa(i int) string { return strconv.Itoa(i) }

// didYouMean suggests the closest known name, or "" when none is close.
func didYouMean(got string, known []string) string {
	if m := closest(got, known); m != "" {
		return "did you mean `" + m + "`?"
	}
	return ""
}

// closest returns the known name with the smallest edit distance, when it is at most a
// third of the name's length (case and '-'/'_' differences are cheap).
func closest(got string, known []string) string {
	best, bestD := "", len(got)/3+2
	norm := func(s string) string { return strings.ReplaceAll(strings.ToLower(s), "-", "_") }
	for _, k := range known {
		if len(got) >= 4 && strings.HasPrefix(norm(k), norm(got)) {
			return k // a truncated name (`APPEND_PATH`)
		}
		d := didyoumean.Distance(norm(got), norm(k))
		if d < bestD {
			best, bestD = k, d
		}
	}
	return best
}
