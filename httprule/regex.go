package httprule

import (
	"regexp"
	"strings"
)

// Regex wildcard replacements of ESPv2 (proxy-behavior.md 3.1); the second pair is used with
// --disallow_colon_in_wildcard_path_segment.
const (
	singleWildcardRegex        = `[^\/]+`
	doubleWildcardRegex        = `.*`
	singleWildcardNoColonRegex = `[^\/:]+`
	doubleWildcardNoColonRegex = `[^:]*`
	optionalTrailingSlashRegex = `\/?`
)

// IsExact reports whether the template has no wildcard (variables binding only literals are
// fine), so it is routed by exact path matches.
func (t *Template) IsExact() bool {
	for _, s := range t.Segments {
		if s.Kind != Literal {
			return false
		}
	}
	return true
}

// Regex returns the Envoy route matchers ESPv2 generates for the template: either exact paths
// (IsExact templates: with and without a trailing '/', `/foo:bar` and `/foo/:bar` for a verb,
// just `/` for the root) and an empty regex, or no exact paths and an anchored RE2 regex
// (`^/v1/shelves/[^\/]+\/?$`). disallowColon mirrors
// --disallow_colon_in_wildcard_path_segment. Literals and the verb are escaped with
// regexp.QuoteMeta.
func (t *Template) Regex(disallowColon bool) (exact []string, regex string) {
	verb := ""
	if t.Verb != "" {
		verb = ":" + t.Verb
	}
	if len(t.Segments) == 0 {
		return []string{"/" + verb}, "" // Parse gives no verb here; hand-built templates might
	}
	if t.IsExact() {
		var b strings.Builder
		for _, s := range t.Segments {
			b.WriteByte('/')
			b.WriteString(s.Value)
		}
		p := b.String()
		return []string{p + verb, p + "/" + verb}, ""
	}
	single, double := singleWildcardRegex, doubleWildcardRegex
	if disallowColon {
		single, double = singleWildcardNoColonRegex, doubleWildcardNoColonRegex
	}
	var b strings.Builder
	b.WriteString("^")
	for _, s := range t.Segments {
		b.WriteByte('/')
		switch s.Kind {
		case Wildcard:
			b.WriteString(single)
		case DoubleWildcard:
			b.WriteString(double)
		default:
			b.WriteString(regexp.QuoteMeta(s.Value))
		}
	}
	b.WriteString(optionalTrailingSlashRegex)
	if verb != "" {
		b.WriteString(regexp.QuoteMeta(verb))
	}
	b.WriteString("$")
	return nil, b.String()
}
