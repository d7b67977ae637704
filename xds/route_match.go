package xds

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/espctl/espctl/httprule"
)

// pathMatch is how a route matches a template's path (proxy-behavior.md 3.1): exact paths for
// templates without wildcards (with and without a trailing slash), an anchored regex otherwise.
type pathMatch struct {
	exact []string
	regex string
}

// key identifies the matcher, to give each distinct path one 405 route.
func (m pathMatch) key() string {
	if m.regex != "" {
		return "regex:" + m.regex
	}
	return "exact:" + strings.Join(m.exact, "|")
}

// routeTemplate returns the route's parsed template, parsing the pattern when the config was
// built without one.
func routeTemplate(pattern string, t httprule.Template) (httprule.Template, error) {
	if len(t.Segments) > 0 || t.Raw != "" {
		return t, nil
	}
	parsed, err := httprule.Parse(pattern)
	if err != nil {
		return httprule.Template{}, err
	}
	return *parsed, nil
}

func isExactTemplate(t httprule.Template) bool { return t.IsExact() }

// matchFor builds the matcher ESPv2 builds for t (httprule owns the template -> regex rule).
func matchFor(t httprule.Template, disallowColon bool) pathMatch {
	exact, regex := t.Regex(disallowColon)
	return pathMatch{exact: exact, regex: regex}
}

// templateRegex is httprule's anchored regex for t, with each variable's segments in one
// capture group when capture is set (for CONSTANT_ADDRESS rewrites). Tests check that without
// capture it equals (*httprule.Template).Regex.
func templateRegex(t httprule.Template, disallowColon, capture bool) string {
	open, close := map[int]int{}, map[int]int{}
	if capture {
		for _, v := range t.Variables {
			if validVariable(t, v) {
				open[v.Start]++
				close[v.End-1]++
			}
		}
	}
	var b strings.Builder
	b.WriteString("^")
	for i, s := range t.Segments {
		b.WriteString("/")
		b.WriteString(strings.Repeat("(", open[i]))
		b.WriteString(segmentRegex(s, disallowColon))
		b.WriteString(strings.Repeat(")", close[i]))
	}
	b.WriteString(`\/?`)
	if t.Verb != "" {
		b.WriteString(":" + regexp.QuoteMeta(t.Verb))
	}
	b.WriteString("$")
	return b.String()
}

func segmentRegex(s httprule.Segment, disallowColon bool) string {
	switch s.Kind {
	case httprule.Wildcard:
		if disallowColon {
			return `[^\/:]+`
		}
		return `[^\/]+`
	case httprule.DoubleWildcard:
		if disallowColon {
			return `[^:]*`
		}
		return `.*`
	}
	return regexp.QuoteMeta(s.Value)
}

// constantBindings is the query part CONSTANT_ADDRESS appends: `name=\1&...` for variables
// matched by the capture regex, or literal values for variables without wildcards.
func constantBindings(t httprule.Template) string {
	var parts []string
	group := 0
	for _, v := range t.Variables {
		if !validVariable(t, v) {
			continue
		}
		group++
		if isExactTemplate(t) {
			var vals []string
			for _, s := range t.Segments[v.Start:v.End] {
				vals = append(vals, s.Value)
			}
			parts = append(parts, literal(v.FieldPath+"="+strings.Join(vals, "/")))
			continue
		}
		parts = append(parts, fmt.Sprintf(`%s=\%d`, literal(v.FieldPath), group))
	}
	return strings.Join(parts, "&")
}

// validVariable guards against hand-built templates whose variables point outside their
// segments; the parser never makes such templates.
func validVariable(t httprule.Template, v httprule.Variable) bool {
	return v.Start >= 0 && v.End <= len(t.Segments) && v.Start < v.End
}
