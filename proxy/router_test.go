package proxy

import (
	"strings"
	"testing"

	"github.com/espctl/espctl/httprule"
	"github.com/espctl/espctl/translate"
)

func mustRoutes(t testing.TB, specs ...string) []translate.Route {
	t.Helper()
	var routes []translate.Route
	for _, s := range specs {
		method, tmpl, _ := strings.Cut(s, " ")
		tp, err := httprule.Parse(tmpl)
		if err != nil {
			t.Fatalf("%s: %v", tmpl, err)
		}
		routes = append(routes, translate.Route{Method: method, Pattern: tmpl, Template: *tp, Selector: "s." + tmpl, Kind: "http"})
	}
	return routes
}

func TestTemplateMatching(t *testing.T) {
	for _, c := range []struct {
		tmpl, path string
		match      bool
		bindings   string
	}{
		{"/v1/shelves", "/v1/shelves", true, ""},
		{"/v1/shelves", "/v1/shelves/", true, ""},
		{"/v1/shelves", "/v1/shelves//", false, ""},
		{"/v1/fixedshelves/{shelf=100}", "/v1/fixedshelves/100/", true, "shelf=100"},
		{"/v1/shelves/{shelf}", "/v1/shelves/1", true, "shelf=1"},
		{"/v1/shelves/{shelf}", "/v1/shelves/1/", true, "shelf=1"},
		{"/v1/shelves/{shelf}", "/v1/shelves/", false, ""},
		{"/**", "/", true, ""},
		{"/wildcard/a/*/b/{name=*}/c/**", "/wildcard/a/1/b/2/c/", true, "name=2"},
		{"/wildcard/a/*/b/{name=*}/c/**", "/wildcard/a/1/b/2/c", false, ""},
		{"/field_path/{s_1=a/*/b/*}/{s_2=x/**}:upload", "/field_path/a/1/b/2/x/9/8/7:upload", true, "s_1=a/1/b/2&s_2=x/9/8/7"},
		{"/allow-all/{double_wildcard=**}", "/allow-all/should-match/double-wildcard///", true, "double_wildcard=should-match/double-wildcard"},
		{"/foo:bar", "/foo/:bar", true, ""},
		{"/a/{y=*}", "/a/foo:verb", true, "y=foo:verb"},
		{"/a.b/{x}", "/aXb/1", false, ""},
		{"/v1/{name=shelves/*}/books", "/v1/shelves/7/books", true, "name=shelves/7"},
	} {
		tp, err := httprule.Parse(c.tmpl)
		if err != nil {
			t.Fatal(err)
		}
		m, err := compileTemplate(*tp)
		if err != nil {
			t.Fatal(err)
		}
		b, ok := m.match(c.path)
		rb, rok := m.matchRegex(c.path)
		if ok != rok || !sameBindings(b, rb) {
			t.Errorf("%s on %s: segment matcher %v %v, regex %v %v", c.tmpl, c.path, ok, b, rok, rb)
		}
		var got []string
		for _, x := range b {
			got = append(got, x.FieldPath+"="+x.Value)
		}
		if ok != c.match || strings.Join(got, "&") != c.bindings {
			t.Errorf("%s on %s: match %v %q, want %v %q", c.tmpl, c.path, ok, strings.Join(got, "&"), c.match, c.bindings)
		}
	}
}

func TestNormalizePath(t *testing.T) {
	for in, want := range map[string]string{
		"/echo/123/../123/path/": "/echo/123/path/",
		"/echo/%4A/path/":        "/echo/J/path/",
		"/echo/%4a/path/":        "/echo/J/path/",
		"/echo/12%2F3/path/":     "/echo/12%2F3/path/",
		"/echo/123/path//":       "/echo/123/path/",
		"/a/./b/.":               "/a/b/",
		"/..":                    "/",
		"//":                     "/",
		"/%":                     "/%",
	} {
		if got := normalizePath(in, true, true); got != want {
			t.Errorf("normalizePath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDecodedBindings(t *testing.T) {
	r, err := newRouter(mustRoutes(t, "GET /v1/shelves/{shelf}/books/{book}/{author}", "GET /files/{path=**}"))
	if err != nil {
		t.Fatal(err)
	}
	m := r.match("GET", "/v1/shelves/100/books/6/Foo%2FBar%2FBaz")
	if got := m.decodedBindings()[2].Value; got != "Foo/Bar/Baz" {
		t.Errorf("single-segment variable: %q", got)
	}
	m = r.match("GET", "/files/a%2Fb/c%20d")
	if got := m.decodedBindings()[0].Value; got != "a%2Fb/c d" {
		t.Errorf("multi-segment variable: %q", got)
	}
}

func BenchmarkRouter(b *testing.B) {
	r, err := newRouter(mustRoutes(b,
		"GET /v1/shelves", "POST /v1/shelves", "GET /v1/shelves/{shelf}", "DELETE /v1/shelves/{shelf}",
		"GET /v1/shelves/{shelf}/books", "POST /v1/shelves/{shelf}/books", "GET /v1/shelves/{shelf}/books/{book}",
		"DELETE /v1/shelves/{shelf}/books/{book}", "GET /v1/shelves/{shelf}/books:stream"))
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct{ name, method, path string }{
		{"exact", "GET", "/v1/shelves"},
		{"variables", "GET", "/v1/shelves/1/books/2"},
		{"405", "PUT", "/v1/shelves/1/books/2"},
		{"404", "GET", "/nothing/here"},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				r.match(c.method, c.path)
			}
		})
	}
}

func sameBindings(a, b []httprule.Binding) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// FuzzRouter checks that bad paths never panic and that the segment matcher and ESPv2's
// regular expression agree on every template.
func FuzzRouter(f *testing.F) {
	r, err := newRouter(mustRoutes(f,
		"GET /v1/shelves", "GET /v1/shelves/{shelf}", "POST /v1/{name=shelves/*}/books",
		"GET /wildcard/a/*/b/{name=*}/c/**", "GET /field_path/{s_1=a/*/b/*}/{s_2=x/**}:upload", "* /**:verb"))
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{"/v1/shelves/1", "/v1/shelves/a%2Fb/", "/wildcard/a/1/b/2/c/3", "/x/../..//%zz", "/field_path/a/1/b/2/x/9:upload", ""} {
		f.Add("GET", s)
	}
	f.Fuzz(func(t *testing.T, method, path string) {
		p := normalizePath(path, true, true)
		m := r.match(method, p)
		_ = m.decodedBindings()
		if m.Route != nil && m.NotAllowed != "" {
			t.Fatal("a match cannot also be a 405")
		}
		_, _ = translatePath(constantAddress, "/base", p, "q=1", m.Bindings)
		for _, cr := range r.routes {
			b, ok := cr.matcher.match(p)
			rb, rok := cr.matcher.matchRegex(p)
			if ok != rok || !sameBindings(b, rb) {
				t.Fatalf("%s on %q: segment matcher %v %v, regex %v %v", cr.route.Pattern, p, ok, b, rok, rb)
			}
		}
	})
}
