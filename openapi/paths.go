package openapi

import (
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// template is the operation's path as an HTTP rule template: basePath prefixed, parameters
// snake-cased. It reports paths the proxy cannot route.
func (c *converter) template(op *operation) string {
	if op.generated {
		return op.path
	}
	base := strings.TrimSuffix(c.doc.basePath, "/")
	if base != "" && !strings.HasPrefix(base, "/") {
		base = "/" + base
	}
	tmpl, bad, why := openAPIPath(op.path)
	if bad >= 0 {
		c.reportPath(op, bad, why)
		return base + op.path
	}
	c.checkPathParams(op)
	full := base + tmpl
	if msg, col := checkTemplate(full); msg != "" {
		c.reportPath(op, col-1-len(base), msg)
	}
	return full
}

// reportPath reports a path problem at its column inside the path key.
func (c *converter) reportPath(op *operation, offset int, why string) {
	n := *op.pathNode
	if offset < 0 {
		offset = 0
	}
	if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 { // quoted key: the text starts one column later
		offset++
	}
	n.Column += offset
	c.report(rulePathTemplate, &n, "paths."+op.path, why, "use whole-segment parameters (`/items/{id}`) and literal segments")
}

// openAPIPath snake-cases the parameters of an OpenAPI path. bad is the byte offset of the
// first problem (-1 when none) and why says what it is.
func openAPIPath(path string) (tmpl string, bad int, why string) {
	if !strings.HasPrefix(path, "/") {
		return "", 0, "a path must start with '/'"
	}
	if path == "/" {
		return path, -1, ""
	}
	var b strings.Builder
	off := 1
	segs := strings.Split(path[1:], "/")
	verb := ""
	if last := segs[len(segs)-1]; strings.HasPrefix(last, "{") {
		// `/items/{id}:cancel`: a custom verb after a parameter, left for the proxy's parser.
		if i := strings.Index(last, "}:"); i > 0 {
			segs[len(segs)-1], verb = last[:i+1], last[i+1:]
		}
	}
	for i, seg := range segs {
		b.WriteByte('/')
		switch {
		case seg == "" && i == strings.Count(path[1:], "/"):
			return "", off - 1, "a trailing '/' makes an empty last segment; the proxy already matches `/path/` for `/path`"
		case seg == "":
			return "", off, "empty segment ('//')"
		case !strings.ContainsAny(seg, "{}"):
			if seg == "*" || seg == "**" {
				return "", off, "`" + seg + "` is a wildcard in an HTTP rule template; OpenAPI paths hold literals and `{parameters}`"
			}
			b.WriteString(seg)
		case strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") && strings.Count(seg, "{") == 1 && strings.Count(seg, "}") == 1:
			name := seg[1 : len(seg)-1]
			if !identPattern.MatchString(name) {
				return "", off + 1, "parameter name `" + name + "` must be letters, digits and '_', starting with a letter or '_'"
			}
			b.WriteString("{" + snakeCase(name) + "}")
		default:
			return "", off + strings.IndexAny(seg, "{}"), "a parameter must be a whole segment (`/items/{id}`); `" + seg + "` mixes it with text"
		}
		off += len(seg) + 1
	}
	b.WriteString(verb)
	return b.String(), -1, ""
}

var identPattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// templateText is the template without reporting anything again.
func (c *converter) templateText(op *operation) string {
	if op.generated {
		return op.path
	}
	base := strings.TrimSuffix(c.doc.basePath, "/")
	if base != "" && !strings.HasPrefix(base, "/") {
		base = "/" + base
	}
	if t, bad, _ := openAPIPath(op.path); bad < 0 {
		return base + t
	}
	return base + op.path
}

// checkPathParams compares the path's `{names}` with the `in: path` parameters. Service
// Management types request fields from the parameters, so a missing one leaves the variable
// without a field, and an extra one never gets a value.
func (c *converter) checkPathParams(op *operation) {
	inPath := map[string]bool{}
	for _, seg := range strings.Split(op.path, "/") {
		if i, j := strings.IndexByte(seg, '{'), strings.IndexByte(seg, '}'); i >= 0 && j > i {
			inPath[seg[i+1:j]] = true
		}
	}
	declared := map[string]bool{}
	for _, p := range op.params {
		if p.in != "path" {
			continue
		}
		declared[p.name] = true
		if !inPath[p.name] {
			c.report(rulePathParam, get(p.node, "name"), op.field+".parameters."+p.name, "path parameter `"+p.name+"` does not appear in `"+op.path+"`", "add `{"+p.name+"}` to the path or change `in`")
		}
	}
	for _, name := range sortedKeys(inPath) {
		if !declared[name] {
			c.report(rulePathParam, op.verbNode, op.field, "`{"+name+"}` of the path has no `in: path` parameter", "declare it: `- {name: "+name+", in: path, required: true, type: string}`")
		}
	}
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
