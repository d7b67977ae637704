package manifest

import (
	"strings"

	"go.yaml.in/yaml/v3"
)

// quoteLike renders value as a YAML scalar in the style of the node it replaces, so a rewritten
// line looks like its neighbours; a plain scalar that would not read back the same is quoted.
func quoteLike(style yaml.Style, value string, inFlow bool) string {
	switch {
	case style&yaml.SingleQuotedStyle != 0:
		return "'" + strings.ReplaceAll(value, "'", "''") + "'"
	case style&yaml.DoubleQuotedStyle != 0:
		return doubleQuote(value)
	case plainSafe(value, inFlow):
		return value
	}
	return doubleQuote(value)
}

func doubleQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// plainSafe reports whether s reads back as the same string when written as a plain scalar.
func plainSafe(s string, inFlow bool) bool {
	if s == "" || strings.TrimSpace(s) != s {
		return false
	}
	if strings.ContainsAny(s[:1], "!&*|>'\"%@`{}[],?:#") {
		return false
	}
	if strings.Contains(s, ": ") || strings.Contains(s, " #") || strings.HasSuffix(s, ":") || strings.ContainsAny(s, "\n\t") {
		return false
	}
	if inFlow && strings.ContainsAny(s, ",[]{}") {
		return false
	}
	// Values that YAML would read as another type.
	var v any
	if err := yaml.Unmarshal([]byte(s), &v); err != nil {
		return false
	}
	str, ok := v.(string)
	return ok && str == s
}

// replaceScalar rewrites a scalar node's token in place.
func (m *k8sMigration) replaceScalar(n *yaml.Node, value string, inFlow bool) {
	if n == nil {
		return
	}
	start := m.ed.offset(n.Line, n.Column)
	end := m.ed.scalarEnd(start, inFlow)
	if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		m.add(n.Line, severityError, "env", "a block scalar (| or >) cannot be rewritten in place; set the value by hand to: "+value)
		return
	}
	text := quoteLike(n.Style, value, inFlow)
	if start > 0 && m.ed.src[start-1] == ':' {
		// An empty value (`value:` with nothing after it) is a null with no token of its own.
		text = " " + text
	}
	m.ed.replace(start, end, text)
}

// replaceList rewrites a sequence of strings, keeping its flow or block layout, its
// indentation and its items' quoting.
func (m *k8sMigration) replaceList(n *yaml.Node, items []string) {
	if n == nil {
		return
	}
	style := yaml.Style(0)
	if len(n.Content) > 0 {
		style = n.Content[0].Style
	}
	if n.Style&yaml.FlowStyle != 0 || len(n.Content) == 0 {
		m.replaceFlowList(n, items, style)
		return
	}
	first, last := n.Content[0], n.Content[len(n.Content)-1]
	lineStart := m.ed.offset(first.Line, 1)
	firstText := m.ed.lineText(first.Line)
	dash := strings.Index(firstText, "-")
	if dash < 0 {
		dash = 0
	}
	prefix := firstText[:dash]
	lastStart := m.ed.offset(last.Line, last.Column)
	lastEnd := m.ed.scalarEnd(lastStart, false)
	// A plain or quoted item may go on over more lines, each indented deeper than the `-`.
	for line := lineOf(m.ed.src, lastEnd) + 1; line <= len(m.ed.lineStarts); line++ {
		text := m.ed.lineText(line)
		trimmed := strings.TrimLeft(text, " ")
		if trimmed == "" || len(text)-len(trimmed) <= len(prefix) || strings.HasPrefix(trimmed, "#") {
			break
		}
		lastEnd = m.ed.lineEnd(line)
	}
	var b strings.Builder
	for i, it := range items {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(prefix + "- " + quoteLike(style, it, false))
	}
	m.ed.replace(lineStart, lastEnd, b.String())
}

func (m *k8sMigration) replaceFlowList(n *yaml.Node, items []string, style yaml.Style) {
	open := m.ed.offset(n.Line, n.Column)
	if open >= len(m.ed.src) || m.ed.src[open] != '[' {
		m.add(n.Line, severityError, "flag", "cannot locate the list to rewrite; set it by hand")
		return
	}
	closeAt := findFlowClose(m.ed.src, open)
	body := string(m.ed.src[open+1 : closeAt])
	quoted := make([]string, len(items))
	for i, it := range items {
		quoted[i] = quoteLike(style, it, true)
	}
	if !strings.Contains(body, "\n") || len(n.Content) == 0 {
		m.ed.replace(open, closeAt+1, "["+strings.Join(quoted, ", ")+"]")
		return
	}
	itemIndent := strings.Repeat(" ", n.Content[0].Column-1)
	closeLine := lineOf(m.ed.src, closeAt)
	closeText := m.ed.lineText(closeLine)
	closeIndent := closeText[:len(closeText)-len(strings.TrimLeft(closeText, " \t"))]
	trailingComma := strings.HasSuffix(strings.TrimSpace(body), ",")
	var b strings.Builder
	b.WriteString("[\n")
	for i, q := range quoted {
		b.WriteString(itemIndent + q)
		if i < len(quoted)-1 || trailingComma {
			b.WriteString(",")
		}
		b.WriteString("\n")
	}
	b.WriteString(closeIndent + "]")
	m.ed.replace(open, closeAt+1, b.String())
}

// findFlowClose finds the `]` closing the flow sequence opened at open, skipping quoted text.
func findFlowClose(src []byte, open int) int {
	depth := 0
	for i := open; i < len(src); i++ {
		switch src[i] {
		case '"':
			for i++; i < len(src) && src[i] != '"'; i++ {
				if src[i] == '\\' {
					i++
				}
			}
		case '\'':
			for i++; i < len(src); i++ {
				if src[i] == '\'' {
					if i+1 < len(src) && src[i+1] == '\'' {
						i++
						continue
					}
					break
				}
			}
		case '[', '{':
			depth++
		case ']', '}':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return len(src) - 1
}

func lineOf(src []byte, off int) int {
	return strings.Count(string(src[:off]), "\n") + 1
}
