package httprule

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/espctl/espctl/golden"
)

type matchCase struct {
	tmpl    string
	path    string
	noColon bool   // --disallow_colon_in_wildcard_path_segment
	want    string // "" for no match, otherwise "ok" plus " field=value" per binding
}

// Cases from proxy-behavior.md sections 3, 3.1, 4 and 5.
var matchCases = []matchCase{
	// Exact templates: exact path, or with one trailing slash.
	{tmpl: "/v1/shelves", path: "/v1/shelves", want: "ok"},
	{tmpl: "/v1/shelves", path: "/v1/shelves/", want: "ok"},
	{tmpl: "/v1/shelves", path: "/v1/shelves//", want: ""},
	{tmpl: "/v1/shelves", path: "/v1/Shelves", want: ""},
	{tmpl: "/v1/shelves", path: "/v1/shelves/1", want: ""},
	{tmpl: "/", path: "/", want: "ok"},
	{tmpl: "/", path: "/a", want: ""},
	{tmpl: "/", path: "//", want: ""},
	{tmpl: "/v1/fixedshelves/{shelf=100}", path: "/v1/fixedshelves/100", want: "ok shelf=100"},
	{tmpl: "/v1/fixedshelves/{shelf=100}", path: "/v1/fixedshelves/100/", want: "ok shelf=100"},
	{tmpl: "/v1/fixedshelves/{shelf=100}", path: "/v1/fixedshelves/101", want: ""},
	// Case-sensitive literals.
	{tmpl: "/echo/{variable}/path", path: "/echo/123/PATH/", want: ""},
	{tmpl: "/echo/{variable}/path", path: "/echo/123/path/", want: "ok variable=123"},
	{tmpl: "/pet/{pet_id}/num/{number}", path: "/pet/123/num/987/", want: "ok pet_id=123 number=987"},
	{tmpl: "/pet/{pet_id}/num/{number}", path: "/pet/123/num/987//", want: ""},
	{tmpl: "/v1/shelves/{shelf}", path: "/v1/shelves/", want: ""},
	{tmpl: "/v1/shelves/{shelf}", path: "/v1/shelves//", want: ""},
	{tmpl: "/libraries/{library_id}/shelves/{shelf_id}", path: "/libraries/1/shelves/2", want: "ok library_id=1 shelf_id=2"},
	// `**`.
	{tmpl: "/**", path: "/", want: "ok"},
	{tmpl: "/**", path: "/a/b/c", want: "ok"},
	{tmpl: "/wildcard/a/*/b/{name=*}/c/**", path: "/wildcard/a/1/b/2/c/", want: "ok name=2"},
	{tmpl: "/wildcard/a/*/b/{name=*}/c/**", path: "/wildcard/a/1/b/2/c", want: ""},
	{tmpl: "/wildcard/a/*/b/{name=*}/c/**", path: "/wildcard/a/1/b/2/c/d/e///", want: "ok name=2"},
	{tmpl: "/a/**/b", path: "/a/b", want: ""},
	{tmpl: "/a/**/b", path: "/a/x/y/b", want: "ok"},
	{tmpl: "/a/**/b", path: "/a/x/y/b/", want: "ok"},
	{tmpl: "/a/**/b", path: "/a/x/y/b//", want: ""},
	{tmpl: "/a/**/b", path: "/a/x/y/c", want: ""},
	{tmpl: "/a/{x=**}", path: "/a/", want: "ok x="},
	{tmpl: "/a/{x=**}", path: "/a/b/c//", want: "ok x=b/c"},
	{tmpl: "/a/{x=**}", path: "/a", want: ""},
	{tmpl: "/g/{x=**}/h", path: "/g/1/2/h", want: "ok x=1/2"},
	{tmpl: "/g/{x=**}/h:verb", path: "/g/1/2/h/:verb", want: "ok x=1/2"},
	{tmpl: "/a/{y=d/**}:verb", path: "/a/d/e/f:verb", want: "ok y=d/e/f"},
	{tmpl: "/a/{y=d/**}:verb", path: "/a/d/e/f/:verb", want: "ok y=d/e/f"},
	{tmpl: "/field_path/{s_1=a/*/b/*}/{s_2=x/**}:upload", path: "/field_path/a/1/b/2/x/y/z:upload", want: "ok s_1=a/1/b/2 s_2=x/y/z"},
	{tmpl: "/field_path/{s_1=a/*/b/*}/{s_2=x/**}:upload", path: "/field_path/a/1/b/2/x/y/z", want: ""},
	// Precedence examples (each template alone).
	{tmpl: "/allow-all/exact-match", path: "/allow-all/exact-match", want: "ok"},
	{tmpl: "/allow-all/{single_wildcard=*}", path: "/allow-all/anything", want: "ok single_wildcard=anything"},
	{tmpl: "/allow-all/{single_wildcard=*}", path: "/allow-all/a/b", want: ""},
	{tmpl: "/allow-all/{double_wildcard=**}", path: "/allow-all/a/b", want: "ok double_wildcard=a/b"},
	// Verbs, and `*` swallowing a colon unless disallowed.
	{tmpl: "/foo:bar", path: "/foo:bar", want: "ok"},
	{tmpl: "/foo:bar", path: "/foo/:bar", want: "ok"},
	{tmpl: "/foo:bar", path: "/foo", want: ""},
	{tmpl: "/foo:bar", path: "/foo:baz", want: ""},
	{tmpl: "/a/{y=*}", path: "/a/foo:verb", want: "ok y=foo:verb"},
	{tmpl: "/a/{y=*}", path: "/a/foo:verb", noColon: true, want: ""},
	{tmpl: "/a/{y=*}:verb", path: "/a/foo:verb", want: "ok y=foo"},
	{tmpl: "/a/{y=*}:verb", path: "/a/foo:verb", noColon: true, want: "ok y=foo"},
	{tmpl: "/a/{y=*}:verb", path: "/a/f:oo:verb", want: "ok y=f:oo"},
	{tmpl: "/a/{y=*}:verb", path: "/a/f:oo:verb", noColon: true, want: ""},
	{tmpl: "/a/{y=*}:verb", path: "/a/:verb", want: ""},
	{tmpl: "/a/{y=**}", path: "/a/x:y/z", noColon: true, want: ""},
	{tmpl: "/a/{y=**}", path: "/a/x:y/z", want: "ok y=x:y/z"},
	{tmpl: "/v1/shelves/{shelf}/single/*", path: "/v1/shelves/100/single/random:unregisteredCustomVerb", want: "ok shelf=100"},
	// Percent-decoding: single segment fully, multi-segment keeps reserved escapes.
	{tmpl: "/v1/shelves/{shelf}/books/{book}/{author}", path: "/v1/shelves/100/books/6/Foo%2FBar%2FBaz", want: "ok shelf=100 book=6 author=Foo/Bar/Baz"},
	{tmpl: "/echo/{x}", path: "/echo/12%2F3", want: "ok x=12/3"},
	{tmpl: "/echo/{x}", path: "/echo/%4a%20b%", want: "ok x=J b%"},
	{tmpl: "/echo/{x}", path: "/echo/%zz%4", want: "ok x=%zz%4"},
	{tmpl: "/echo/{x}", path: "/echo/a+b", want: "ok x=a+b"},
	{tmpl: "/v1/{name=shelves/*/books/*}", path: "/v1/shelves/a%2Fb/books/c%41%3A%20", want: "ok name=shelves/a%2Fb/books/cA%3A "},
	{tmpl: "/v1/{name=**}", path: "/v1/x%2Fy", want: "ok name=x%2Fy"},
	{tmpl: "/v1/{name=**}", path: "/v1/x%41", want: "ok name=xA"},
	{tmpl: "/v1/{name=**}", path: "/v1/x%2Fy%41", want: "ok name=x%2FyA"},
	{tmpl: "/echo/{x}", path: "/echo/%zz+", want: "ok x=%zz+"},
	// Dotted field paths are returned as written.
	{tmpl: "/v1/{shelf.id}/books/{book.author.name}", path: "/v1/1/books/2", want: "ok shelf.id=1 book.author.name=2"},
	// Malformed request paths.
	{tmpl: "/**", path: "", want: ""},
	{tmpl: "/**", path: "a", want: ""},
	{tmpl: "/**", path: "/a\nb", want: ""},
}

func describeMatch(vars []Binding, ok bool) string {
	if !ok {
		return ""
	}
	s := "ok"
	for _, v := range vars {
		s += " " + v.FieldPath + "=" + v.Value
	}
	return s
}

func TestMatch(t *testing.T) {
	for _, c := range matchCases {
		tp := mustParse(t, c.tmpl)
		vars, ok := tp.MatchAppend(nil, c.path, MatchOptions{DisallowColonInWildcard: c.noColon})
		if got := describeMatch(vars, ok); got != c.want {
			t.Errorf("%s ~ %q (noColon=%v) = %q, want %q", c.tmpl, c.path, c.noColon, got, c.want)
		}
		if !c.noColon {
			if got := describeMatch(tp.Match(c.path)); got != c.want {
				t.Errorf("Match: %s ~ %q = %q, want %q", c.tmpl, c.path, got, c.want)
			}
		}
		checkAgainstRoute(t, tp, c.path, c.noColon)
	}
}

func TestMatchAppendKeepsDst(t *testing.T) {
	tp := mustParse(t, "/v1/{a}/{b}")
	dst := []Binding{{FieldPath: "pre", Value: "x"}}
	got, ok := tp.MatchAppend(dst, "/v1/1/2", MatchOptions{})
	if !ok || len(got) != 3 || got[0].FieldPath != "pre" || got[2].Value != "2" {
		t.Errorf("got %v %v", got, ok)
	}
	got, ok = tp.MatchAppend(dst, "/v2/1/2", MatchOptions{})
	if ok || len(got) != 1 {
		t.Errorf("no match must return dst unchanged: %v %v", got, ok)
	}
}

// checkAgainstRoute checks that Match agrees with the Envoy route of Regex, compiled with Go's
// RE2-compatible regexp: the matching semantics are defined by those routes.
func checkAgainstRoute(t testing.TB, tp *Template, path string, noColon bool) {
	t.Helper()
	exact, regex := tp.Regex(noColon)
	var want bool
	if regex != "" {
		want = regexp.MustCompile(regex).MatchString(path)
	} else {
		want = slices.Contains(exact, path)
	}
	if _, got := tp.MatchAppend(nil, path, MatchOptions{DisallowColonInWildcard: noColon}); got != want {
		t.Errorf("%s ~ %q (noColon=%v): Match says %v, the route (%q %q) says %v", tp.Raw, path, noColon, got, exact, regex, want)
	}
}

// TestMatchAgreesWithRoutes tries every template of the golden input against many paths.
func TestMatchAgreesWithRoutes(t *testing.T) {
	var templates []*Template
	for _, line := range validTemplates(t) {
		templates = append(templates, mustParse(t, line))
	}
	paths := []string{"/", "//", "/a", "/a/", "/a//", "/a/b", "/a/b/", "/a/x/b", "/a/x/y/b/", "/a/d/e:verb",
		"/a/d/:verb", "/foo:bar", "/foo/:bar", "/foo/bar", "/v1/shelves", "/v1/shelves/1", "/v1/shelves/1/",
		"/v1/shelves/1/books/2", "/v1/shelves/1/books/2:publish", "/v1/fixedshelves/100", "/g/h", "/g/1/h:verb",
		"/wildcard/a/1/b/2/c/", "/field_path/a/1/b/2/x/:upload", "/a:*", "/a/:*", "/v1/a{b", "/v1/a=b", "/x:verb",
		"/café/ñ", "/v1/1/books/2", "/echo/1/path", "/a/b:c/d", "/**", "/*"}
	for _, tp := range templates {
		for _, p := range paths {
			for _, noColon := range []bool{false, true} {
				checkAgainstRoute(t, tp, p, noColon)
			}
		}
	}
}

func validTemplates(t testing.TB) []string {
	var out []string
	for _, line := range strings.Split(readFile(t, "testdata/templates.txt"), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if _, err := Parse(line); err == nil {
			out = append(out, line)
		}
	}
	return out
}

func TestRegexGolden(t *testing.T) {
	var b strings.Builder
	for _, line := range validTemplates(t) {
		tp := mustParse(t, line)
		exact, regex := tp.Regex(false)
		_, noColon := tp.Regex(true)
		fmt.Fprintf(&b, "%s\n", line)
		if regex == "" {
			fmt.Fprintf(&b, "  exact: %s\n\n", strings.Join(exact, "  "))
			continue
		}
		fmt.Fprintf(&b, "  regex:         %s\n  regex noColon: %s\n\n", regex, noColon)
	}
	golden.AssertString(t, "testdata/regex.golden", b.String())
}

// The examples table of proxy-behavior.md 3.1, verbatim.
func TestRegexReferenceExamples(t *testing.T) {
	tests := []struct {
		tmpl  string
		exact []string
		regex string
	}{
		{"/v1/shelves", []string{"/v1/shelves", "/v1/shelves/"}, ""},
		{"/v1/fixedshelves/{shelf=100}", []string{"/v1/fixedshelves/100", "/v1/fixedshelves/100/"}, ""},
		{"/foo:bar", []string{"/foo:bar", "/foo/:bar"}, ""},
		{"/", []string{"/"}, ""},
		{"/v1/shelves/{shelf}", nil, `^/v1/shelves/[^\/]+\/?$`},
		{"/libraries/{library_id}/shelves/{shelf_id}", nil, `^/libraries/[^\/]+/shelves/[^\/]+\/?$`},
		{"/**", nil, `^/.*\/?$`},
		{"/wildcard/a/*/b/{name=*}/c/**", nil, `^/wildcard/a/[^\/]+/b/[^\/]+/c/.*\/?$`},
		{"/field_path/{s_1=a/*/b/*}/{s_2=x/**}:upload", nil, `^/field_path/a/[^\/]+/b/[^\/]+/x/.*\/?:upload$`},
	}
	for _, tt := range tests {
		exact, regex := mustParse(t, tt.tmpl).Regex(false)
		if !slices.Equal(exact, tt.exact) || regex != tt.regex {
			t.Errorf("%s: got %q %q, want %q %q", tt.tmpl, exact, regex, tt.exact, tt.regex)
		}
	}
	_, regex := mustParse(t, "/a/{y=*}/**").Regex(true)
	if want := `^/a/[^\/:]+/[^:]*\/?$`; regex != want {
		t.Errorf("disallow colon: %q, want %q", regex, want)
	}
}
