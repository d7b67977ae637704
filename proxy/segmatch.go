package proxy

import (
	"strings"

	"github.com/espctl/espctl/httprule"
)

// segmentMatcher matches a template without regular expressions, with exactly the semantics of
// the anchored regex ESPv2 generates (compileTemplate keeps that regex as the reference; the
// fuzz test compares both): `*` is one or more non-'/' bytes, `**` any bytes (longest first,
// as a greedy `.*`), the path may end with one '/', then the `:verb`.
type segmentMatcher struct {
	segs []httprule.Segment
	verb string
	// varStart and varEnd give, per segment, the variable (index into vars) it opens or
	// closes, or -1.
	varStart, varEnd []int
	vars             []string
}

func newSegmentMatcher(t httprule.Template, groupVars []string) *segmentMatcher {
	m := &segmentMatcher{segs: t.Segments, verb: t.Verb, vars: groupVars}
	m.varStart = make([]int, len(t.Segments))
	m.varEnd = make([]int, len(t.Segments))
	for i := range t.Segments {
		m.varStart[i], m.varEnd[i] = -1, -1
	}
	// groupVars lists variables in segment order, as compileTemplate numbers them.
	n := 0
	for i := range t.Segments {
		for _, v := range t.Variables {
			if v.Start == i {
				m.varStart[v.Start] = n
				m.varEnd[v.End-1] = n
				n++
			}
		}
	}
	return m
}

// match returns the captured raw values (indexed like vars) or ok=false. caps must have
// len(vars)*2 entries; it receives start/end offsets into path.
func (m *segmentMatcher) match(path string, caps []int) bool {
	if m.verb != "" {
		if !strings.HasSuffix(path, ":"+m.verb) {
			return false
		}
		path = path[:len(path)-len(m.verb)-1]
	}
	if len(path) == 0 || path[0] != '/' {
		return false
	}
	return m.at(path, 1, 0, caps)
}

// at matches segment i (i < len(m.segs)) at offset pos of path, just after the '/' before it.
func (m *segmentMatcher) at(path string, pos, i int, caps []int) bool {
	if v := m.varStart[i]; v >= 0 {
		caps[2*v] = pos
	}
	end := -1
	switch s := m.segs[i]; s.Kind {
	case httprule.Literal:
		if !strings.HasPrefix(path[pos:], s.Value) {
			return false
		}
		end = pos + len(s.Value)
	case httprule.Wildcard:
		n := strings.IndexByte(path[pos:], '/')
		if n < 0 {
			n = len(path) - pos
		}
		if n == 0 {
			return false
		}
		end = pos + n
	case httprule.DoubleWildcard:
		// `.*`: try the longest span first, like a greedy regex.
		for e := len(path); e >= pos; e-- {
			if m.after(path, e, i, caps) {
				return true
			}
		}
		return false
	}
	return m.after(path, end, i, caps)
}

// after continues once segment i ended at offset end.
func (m *segmentMatcher) after(path string, end, i int, caps []int) bool {
	if v := m.varEnd[i]; v >= 0 {
		caps[2*v+1] = end
	}
	if i+1 == len(m.segs) {
		rest := path[end:]
		return rest == "" || rest == "/"
	}
	if end >= len(path) || path[end] != '/' {
		return false
	}
	return m.at(path, end+1, i+1, caps)
}
