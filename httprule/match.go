package httprule

import "strings"

// MatchOptions changes how Match treats a request path.
type MatchOptions struct {
	// DisallowColonInWildcard mirrors ESPv2's --disallow_colon_in_wildcard_path_segment:
	// `*` and `**` do not match ':' (regex `[^\/:]+` and `[^:]*`), so `/a/foo:verb` no longer
	// reaches `/a/{y=*}` and falls through to a template with the verb, or to 404.
	DisallowColonInWildcard bool
}

// Match reports whether path (normalized, without the query string) is routed to t by ESPv2's
// route matcher (see Regex), and returns the variable bindings with default options. It
// allocates only the returned slice and values that need percent-decoding; a router that
// matches many templates per request should use MatchAppend with a reused slice.
func (t *Template) Match(path string) (vars []Binding, ok bool) {
	return t.MatchAppend(nil, path, MatchOptions{})
}

// MatchAppend is Match that appends the bindings to dst (returned unchanged when there is no
// match).
//
// Semantics, identical to the route of proxy-behavior.md 3.1:
//   - literals match exactly (case-sensitive); `*` one non-empty segment without '/';
//     `**` anything, including '/' and nothing (not '\n', like RE2's `.`), but the '/' before
//     it is required: `/a/**` matches `/a/` and not `/a`;
//   - one optional trailing '/' before the end or before `:verb` (`/foo/:bar` matches
//     `/foo:bar`); a template ending in `**` absorbs any number of trailing slashes;
//   - the root template `/` matches only `/`.
//
// Values, as ESPv2's transcoder binds them: a variable's segments joined with '/', trailing
// slashes dropped; a single-segment variable (`{x}`, `{x=*}`, `{x=lit}`) is fully
// percent-decoded, including %2F; a multi-segment one (`**` or several segments) keeps the
// escapes of RFC 6570 reserved characters (`%2F` stays `%2F`).
func (t *Template) MatchAppend(dst []Binding, path string, opts MatchOptions) ([]Binding, bool) {
	m, ok := t.match(path, opts)
	if !ok {
		return dst, false
	}
	return t.appendBindings(dst, m), true
}

// matched is where the parts of a successful match sit in rest.
type matched struct {
	rest           string // the path without `:verb` and, unless a `**` absorbs it, the optional '/'
	double         int    // index of the `**` segment, -1 when none
	xStart, xEnd   int    // bytes of rest matched by `**`
	absorbsSlashes bool   // `**` is the last segment: trailing slashes are part of xStart:xEnd
}

func (t *Template) match(path string, opts MatchOptions) (matched, bool) {
	m := matched{double: -1}
	if t == nil || len(path) == 0 || path[0] != '/' {
		return m, false
	}
	segs := t.Segments
	if len(segs) == 0 {
		if t.Verb != "" { // not from Parse; agree with Regex
			return m, len(path) == len(t.Verb)+2 && path[1] == ':' && path[2:] == t.Verb
		}
		return m, path == "/"
	}
	rest := path
	if v := t.Verb; v != "" {
		n := len(rest) - len(v) - 1
		if n < 0 || rest[n] != ':' || rest[n+1:] != v {
			return m, false
		}
		rest = rest[:n]
	}
	for i := range segs {
		if segs[i].Kind == DoubleWildcard {
			m.double = i
			break
		}
	}
	if m.double < 0 {
		rest = strings.TrimSuffix(rest, "/")
		m.rest = rest
		pos := 0
		for i := range segs {
			if pos >= len(rest) || rest[pos] != '/' {
				return m, false
			}
			pos++
			end := segmentEnd(rest, pos)
			if !segs[i].matches(rest[pos:end], opts) {
				return m, false
			}
			pos = end
		}
		return m, pos == len(rest)
	}

	// With `**`: the segments before it each end with '/', then `**` takes everything up to
	// the literals after it (and their optional trailing '/').
	pos := 0
	for i := 0; i < m.double; i++ {
		if pos >= len(rest) || rest[pos] != '/' {
			return m, false
		}
		pos++
		end := strings.IndexByte(rest[pos:], '/')
		if end < 0 {
			return m, false
		}
		end += pos
		if !segs[i].matches(rest[pos:end], opts) {
			return m, false
		}
		pos = end
	}
	if pos >= len(rest) || rest[pos] != '/' {
		return m, false
	}
	m.xStart = pos + 1
	suffix := segs[m.double+1:]
	suffixLen := 0
	for _, s := range suffix {
		suffixLen += 1 + len(s.Value)
	}
	switch {
	case len(suffix) == 0:
		m.xEnd = len(rest)
		m.absorbsSlashes = true
	case strings.HasSuffix(rest, "/") && hasLiteralSuffix(rest[:len(rest)-1], suffix) && len(rest)-1-suffixLen >= m.xStart:
		rest = rest[:len(rest)-1]
		m.xEnd = len(rest) - suffixLen
	case hasLiteralSuffix(rest, suffix) && len(rest)-suffixLen >= m.xStart:
		m.xEnd = len(rest) - suffixLen
	default:
		return m, false
	}
	m.rest = rest
	x := rest[m.xStart:m.xEnd]
	if opts.DisallowColonInWildcard {
		if strings.IndexByte(x, ':') >= 0 {
			return m, false
		}
	} else if strings.IndexByte(x, '\n') >= 0 {
		return m, false
	}
	return m, true
}

// matches reports whether one path segment (no '/') matches a literal or `*`.
func (s *Segment) matches(part string, opts MatchOptions) bool {
	if s.Kind == Literal {
		return part == s.Value
	}
	// Wildcard: `[^\/]+`, or `[^\/:]+`.
	return part != "" && (!opts.DisallowColonInWildcard || strings.IndexByte(part, ':') < 0)
}

// segmentEnd is the index of the next '/' at or after pos, or len(s).
func segmentEnd(s string, pos int) int {
	if i := strings.IndexByte(s[pos:], '/'); i >= 0 {
		return pos + i
	}
	return len(s)
}

// hasLiteralSuffix reports whether s ends with "/" + lits[0] + ... + "/" + lits[n-1].
func hasLiteralSuffix(s string, lits []Segment) bool {
	end := len(s)
	for i := len(lits) - 1; i >= 0; i-- {
		v := lits[i].Value
		start := end - len(v) - 1
		if start < 0 || s[start] != '/' || s[start+1:end] != v {
			return false
		}
		end = start
	}
	return true
}

// appendBindings walks the segments of a successful match again and appends one binding per
// variable.
func (t *Template) appendBindings(dst []Binding, m matched) []Binding {
	if len(t.Variables) == 0 {
		return dst
	}
	rest := m.rest
	vi := 0
	varStart := 0
	pos := 0 // index of the '/' before the segment
	for i := range t.Segments {
		var s, e int
		switch {
		case i == m.double:
			s, e = m.xStart, m.xEnd
		case m.double >= 0 && i > m.double:
			s = pos + 1
			e = s + len(t.Segments[i].Value)
		default:
			s = pos + 1
			e = segmentEnd(rest, s)
		}
		pos = e
		if vi >= len(t.Variables) {
			break
		}
		v := t.Variables[vi]
		if i == v.Start {
			varStart = s
		}
		if i == v.End-1 {
			value := rest[varStart:e]
			multi := v.End-v.Start > 1
			if m.double >= v.Start && m.double < v.End {
				multi = true
				if m.absorbsSlashes {
					value = strings.TrimRight(value, "/")
				}
			}
			dst = append(dst, Binding{FieldPath: v.FieldPath, Value: unescape(value, multi)})
			vi++
		}
	}
	return dst
}
