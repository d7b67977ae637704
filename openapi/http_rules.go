package openapi

import (
	"strings"

	"google.golang.org/genproto/googleapis/api/annotations"
)

// httpRules builds one rule per operation, in operation order.
func (c *converter) httpRules() *annotations.Http {
	h := &annotations.Http{}
	for _, op := range c.doc.operations {
		tmpl := c.template(op)
		rule := &annotations.HttpRule{Selector: op.selector}
		switch op.verb {
		case "get":
			rule.Pattern = &annotations.HttpRule_Get{Get: tmpl}
		case "put":
			rule.Pattern = &annotations.HttpRule_Put{Put: tmpl}
		case "post":
			rule.Pattern = &annotations.HttpRule_Post{Post: tmpl}
		case "delete":
			rule.Pattern = &annotations.HttpRule_Delete{Delete: tmpl}
		case "patch":
			rule.Pattern = &annotations.HttpRule_Patch{Patch: tmpl}
		default:
			rule.Pattern = &annotations.HttpRule_Custom{Custom: &annotations.CustomHttpPattern{Kind: strings.ToUpper(op.verb), Path: tmpl}}
		}
		if op.body != nil {
			rule.Body = op.body.name
		}
		h.Rules = append(h.Rules, rule)
	}
	return h
}

// checkDuplicatePatterns reports two operations ESPv2 would refuse to route apart: same HTTP
// method and same segments, every parameter counting as `*` and a `:verb` as one more segment.
func (c *converter) checkDuplicatePatterns() {
	seen := map[string]bool{}
	for _, op := range c.doc.operations {
		tmpl := c.templateText(op)
		key := duplicateKey(strings.ToUpper(op.verb), tmpl)
		if seen[key] {
			c.report(ruleDuplicatePattern, op.verbNode, op.field, op.selector+" has duplicate http pattern `"+strings.ToUpper(op.verb)+" "+tmpl+"`", "two operations cannot share a method and path shape; parameter names do not tell them apart")
			continue
		}
		seen[key] = true
	}
}
