package proxy

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/espctl/espctl/httprule"
	"github.com/espctl/espctl/translate"
)

// router matches a normalized path and an HTTP method against Config.Routes, first match wins,
// exactly as ESPv2's Envoy route table does (proxy-behavior.md section 3):
//
//   - a template without wildcards becomes two exact paths, with and without a trailing '/';
//   - any other template becomes an anchored regular expression: `*` is `[^/]+`, `**` is `.*`,
//     the end of the path accepts one optional '/', then the `:verb`;
//   - routes match on the path and the method, so a request falls through to the next route that
//     matches with its method; only when none does is it a 405 (the first template matching the
//     path names itself in the message) or, with no template matching at all, a 404.
type router struct {
	routes []compiledRoute
}

// compiledRoute is one Config.Routes entry with its matcher.
type compiledRoute struct {
	route   translate.Route
	index   int // position in Config.Routes
	matcher *templateMatcher
}

// routeMatch is the outcome of routing one request.
type routeMatch struct {
	// Route is nil when nothing matched with this method.
	Route *translate.Route
	// Bindings are the raw (still percent-encoded) values of the template's variables, in
	// template order.
	Bindings []httprule.Binding
	// multi says, per binding, whether its variable spans several segments or a `**`
	// (decoded differently for transcoding).
	multi []bool
	// NotAllowed is the template text of the first route whose path matched with another
	// method (ESPv2's 405); empty means 404 when Route is nil.
	NotAllowed string
}

func newRouter(routes []translate.Route) (*router, error) {
	r := &router{}
	for i, rt := range routes {
		m, err := compileTemplate(rt.Template)
		if err != nil {
			return nil, fmt.Errorf("route %d (%s %s): %w", i, rt.Method, rt.Pattern, err)
		}
		r.routes = append(r.routes, compiledRoute{route: rt, index: i, matcher: m})
	}
	return r, nil
}

// match routes path (normalized, without query) for method.
func (r *router) match(method, path string) routeMatch {
	notAllowed := ""
	for i := range r.routes {
		cr := &r.routes[i]
		if cr.route.Method != "*" && cr.route.Method != method && notAllowed != "" {
			continue // cannot win, and the 405 text is already chosen
		}
		bindings, ok := cr.matcher.match(path)
		if !ok {
			continue
		}
		if cr.route.Method == "*" || cr.route.Method == method {
			return routeMatch{Route: &cr.route, Bindings: bindings, multi: cr.matcher.groupMulti}
		}
		if notAllowed == "" {
			notAllowed = cr.route.Pattern
			if notAllowed == "" {
				notAllowed = cr.route.Template.Raw
			}
		}
	}
	return routeMatch{NotAllowed: notAllowed}
}

// templateMatcher matches one template: exact paths for literal-only templates, a regular
// expression otherwise.
type templateMatcher struct {
	exact []string
	// exactBindings are the bindings of a literal-only template (its variables are literals).
	exactBindings []httprule.Binding
	// re is ESPv2's regular expression for the template; seg matches the same language
	// faster and is what requests use (re stays as the reference the fuzz test compares to).
	re  *regexp.Regexp
	seg *segmentMatcher
	// groupVars maps the regexp's capture groups (1-based, minus one) to variable field paths.
	groupVars  []string
	groupMulti []bool
	// trimTrailingSlash drops trailing '/' from bindings: ESPv2 binds after dropping trailing
	// empty segments, except that a verb keeps the segment before it.
	trimTrailingSlash bool
}

func compileTemplate(t httprule.Template) (*templateMatcher, error) {
	if len(t.Segments) == 0 {
		if t.Verb != "" {
			return &templateMatcher{exact: []string{"/:" + t.Verb}}, nil
		}
		return &templateMatcher{exact: []string{"/"}}, nil
	}
	literalOnly := true
	for _, s := range t.Segments {
		if s.Kind != httprule.Literal {
			literalOnly = false
			break
		}
	}
	if literalOnly {
		vals := make([]string, len(t.Segments))
		for i, s := range t.Segments {
			vals[i] = s.Value
		}
		p := "/" + strings.Join(vals, "/")
		m := &templateMatcher{}
		if t.Verb != "" {
			m.exact = []string{p + ":" + t.Verb, p + "/:" + t.Verb}
		} else {
			m.exact = []string{p, p + "/"}
		}
		for _, v := range t.Variables {
			if v.Start < 0 || v.End > len(vals) || v.Start > v.End {
				return nil, fmt.Errorf("variable %s has segments [%d,%d) outside the template", v.FieldPath, v.Start, v.End)
			}
			m.exactBindings = append(m.exactBindings, httprule.Binding{FieldPath: v.FieldPath, Value: strings.Join(vals[v.Start:v.End], "/")})
		}
		return m, nil
	}

	// Where variables open and close, by segment index.
	opens := map[int]httprule.Variable{}
	closes := map[int]int{}
	for _, v := range t.Variables {
		if v.Start < 0 || v.End > len(t.Segments) || v.Start >= v.End {
			return nil, fmt.Errorf("variable %s has segments [%d,%d) outside the template", v.FieldPath, v.Start, v.End)
		}
		if _, dup := opens[v.Start]; dup {
			return nil, fmt.Errorf("variables overlap at segment %d", v.Start)
		}
		opens[v.Start] = v
		closes[v.End-1]++
	}
	var b strings.Builder
	var groupVars []string
	var groupMulti []bool
	b.WriteString("^/")
	for i, s := range t.Segments {
		if i > 0 {
			b.WriteByte('/')
		}
		if v, ok := opens[i]; ok {
			b.WriteByte('(')
			groupVars = append(groupVars, v.FieldPath)
			multi := v.End-v.Start > 1 || t.Segments[v.Start].Kind == httprule.DoubleWildcard
			groupMulti = append(groupMulti, multi)
		}
		switch s.Kind {
		case httprule.Literal:
			b.WriteString(regexp.QuoteMeta(s.Value))
		case httprule.Wildcard:
			b.WriteString(`[^/]+`)
		case httprule.DoubleWildcard:
			b.WriteString(`.*`)
		default:
			return nil, fmt.Errorf("unknown segment kind %q", s.Kind)
		}
		for n := closes[i]; n > 0; n-- {
			b.WriteByte(')')
		}
	}
	b.WriteString(`/?`)
	if t.Verb != "" {
		b.WriteString(":" + regexp.QuoteMeta(t.Verb))
	}
	b.WriteByte('$')
	re, err := regexp.Compile(b.String())
	if err != nil {
		return nil, err
	}
	return &templateMatcher{re: re, seg: newSegmentMatcher(t, groupVars), groupVars: groupVars, groupMulti: groupMulti, trimTrailingSlash: t.Verb == ""}, nil
}

func (m *templateMatcher) match(path string) ([]httprule.Binding, bool) {
	if m.re == nil {
		for _, e := range m.exact {
			if path == e {
				return m.exactBindings, true
			}
		}
		return nil, false
	}
	var stack [8]int
	caps := stack[:0]
	if n := 2 * len(m.groupVars); n <= len(stack) {
		caps = stack[:n]
	} else {
		caps = make([]int, n)
	}
	if !m.seg.match(path, caps) {
		return nil, false
	}
	if len(m.groupVars) == 0 {
		return nil, true
	}
	bindings := make([]httprule.Binding, len(m.groupVars))
	for i, fp := range m.groupVars {
		v := path[caps[2*i]:caps[2*i+1]]
		if m.trimTrailingSlash {
			v = strings.TrimRight(v, "/")
		}
		bindings[i] = httprule.Binding{FieldPath: fp, Value: v}
	}
	return bindings, true
}

// decodedBindings percent-decodes the bindings as ESPv2's transcoder does: a one-segment
// variable fully (`%2F` becomes '/'), a multi-segment one except RFC 6570 reserved characters.
func (m routeMatch) decodedBindings() []httprule.Binding {
	out := make([]httprule.Binding, len(m.Bindings))
	for i, b := range m.Bindings {
		multi := i < len(m.multi) && m.multi[i]
		out[i] = httprule.Binding{FieldPath: b.FieldPath, Value: percentDecode(b.Value, multi)}
	}
	return out
}

const rfc6570Reserved = ":/?#[]@!$&'()*+,;="

// percentDecode decodes %XX escapes; with keepReserved, escapes of reserved characters stay.
func percentDecode(s string, keepReserved bool) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			hi, ok1 := unhex(s[i+1])
			lo, ok2 := unhex(s[i+2])
			if ok1 && ok2 {
				c := hi<<4 | lo
				if !keepReserved || !strings.ContainsRune(rfc6570Reserved, rune(c)) {
					b.WriteByte(c)
					i += 2
					continue
				}
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// matchRegex is match through ESPv2's regular expression: the reference for tests.
func (m *templateMatcher) matchRegex(path string) ([]httprule.Binding, bool) {
	if m.re == nil {
		return m.match(path)
	}
	sub := m.re.FindStringSubmatch(path)
	if sub == nil {
		return nil, false
	}
	if len(m.groupVars) == 0 {
		return nil, true
	}
	bindings := make([]httprule.Binding, len(m.groupVars))
	for i, fp := range m.groupVars {
		v := sub[i+1]
		if m.trimTrailingSlash {
			v = strings.TrimRight(v, "/")
		}
		bindings[i] = httprule.Binding{FieldPath: fp, Value: v}
	}
	return bindings, true
}
