package httprule

import "strings"

// String renders the template in canonical form: `{x=*}` is written `{x}`, everything else as
// parsed. Parse(t.String()) gives back t (apart from Raw). A zero Template renders as `/`.
func (t *Template) String() string {
	if t == nil {
		return ""
	}
	var b strings.Builder
	b.Grow(len(t.Raw) + 8)
	if len(t.Segments) == 0 {
		b.WriteByte('/')
	}
	vi := 0
	for i := 0; i < len(t.Segments); i++ {
		b.WriteByte('/')
		for vi < len(t.Variables) && t.Variables[vi].Start < i {
			vi++ // malformed (overlapping) variables from hand-built templates: skip
		}
		if vi < len(t.Variables) && t.Variables[vi].Start == i && t.Variables[vi].End > i && t.Variables[vi].End <= len(t.Segments) {
			v := t.Variables[vi]
			vi++
			b.WriteByte('{')
			b.WriteString(v.FieldPath)
			if v.End-v.Start != 1 || t.Segments[i].Kind != Wildcard {
				b.WriteByte('=')
				writeSegments(&b, t.Segments[v.Start:v.End])
			}
			b.WriteByte('}')
			i = v.End - 1
			continue
		}
		writeSegments(&b, t.Segments[i:i+1])
	}
	if t.Verb != "" {
		b.WriteByte(':')
		b.WriteString(t.Verb)
	}
	return b.String()
}

func writeSegments(b *strings.Builder, segs []Segment) {
	for i, s := range segs {
		if i > 0 {
			b.WriteByte('/')
		}
		b.WriteString(s.text())
	}
}

// text is the segment as written in a template: `*`, `**` or the literal.
func (s Segment) text() string {
	switch s.Kind {
	case Wildcard:
		return "*"
	case DoubleWildcard:
		return "**"
	}
	return s.Value
}
