package httprule

import (
	"errors"
	"regexp"
	"slices"
	"testing"
	"unicode/utf8"
)

func addTemplateSeeds(f *testing.F, add func(tmpl string)) {
	for _, line := range validTemplates(f) {
		add(line)
	}
	for _, s := range []string{"", "/", "//", "/{", "/{a=", "/{a={b}}", "/**/*", "/a:b:c", "/%2F", "/{x=**}/y:z"} {
		add(s)
	}
}

// FuzzParse: no panic; errors are *ParseError with a column inside the text (or just after
// it); valid templates round-trip through String and give a compilable regex.
func FuzzParse(f *testing.F) {
	addTemplateSeeds(f, func(s string) { f.Add(s) })
	f.Fuzz(func(t *testing.T, tmpl string) {
		tp, err := Parse(tmpl)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Parse(%q) error %v is not a *ParseError", tmpl, err)
			}
			if pe.Col < 1 || pe.Col > len(tmpl)+1 {
				t.Fatalf("Parse(%q): column %d outside the template", tmpl, pe.Col)
			}
			return
		}
		checkRoundTrip(t, tmpl)
		_ = tp.DuplicateKey("GET")
		if exact, regex := tp.Regex(false); regex != "" && utf8.ValidString(tmpl) {
			if _, err := regexp.Compile(regex); err != nil {
				t.Fatalf("Regex of %q does not compile: %v", tmpl, err)
			}
		} else if regex == "" && len(exact) == 0 {
			t.Fatalf("Regex of %q gives no matcher", tmpl)
		}
	})
}

// FuzzMatch: no panic; Match agrees with the Envoy route from Regex and binds every variable.
func FuzzMatch(f *testing.F) {
	for _, c := range matchCases {
		f.Add(c.tmpl, c.path, c.noColon)
	}
	f.Fuzz(func(t *testing.T, tmpl, path string, noColon bool) {
		tp, err := Parse(tmpl)
		if err != nil {
			return
		}
		// Random paths rarely match; also try one built from the template with path as the
		// text of every wildcard.
		for _, p := range []string{path, fill(tp, path)} {
			vars, ok := tp.MatchAppend(nil, p, MatchOptions{DisallowColonInWildcard: noColon})
			if ok && len(vars) != len(tp.Variables) {
				t.Fatalf("%s ~ %q: %d bindings for %d variables", tmpl, p, len(vars), len(tp.Variables))
			}
			exact, regex := tp.Regex(noColon)
			var want bool
			if regex == "" {
				want = slices.Contains(exact, p)
			} else {
				re, err := regexp.Compile(regex)
				if err != nil || !utf8.ValidString(p) {
					continue // Go's regexp and RE2 differ only in how they report invalid UTF-8
				}
				want = re.MatchString(p)
			}
			if ok != want {
				t.Fatalf("%s ~ %q (noColon=%v): Match says %v, the route (%q %q) says %v", tmpl, p, noColon, ok, exact, regex, want)
			}
		}
	})
}

// fill renders a request path for tp with text in place of every wildcard.
func fill(tp *Template, text string) string {
	p := ""
	for _, s := range tp.Segments {
		if s.Kind == Literal {
			p += "/" + s.Value
		} else {
			p += "/" + text
		}
	}
	if p == "" {
		p = "/"
	}
	if tp.Verb != "" {
		p += ":" + tp.Verb
	}
	return p
}
