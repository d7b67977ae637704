package httprule

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/espctl/espctl/golden"
)

// TestParseGolden parses every template of testdata/templates.txt and pins the result: the
// canonical form, segments, variables, verb and duplicate key, or the error with a caret under
// its column.
func TestParseGolden(t *testing.T) {
	f, err := os.Open("testdata/templates.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out strings.Builder
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		out.WriteString(describe(line))
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	golden.AssertString(t, "testdata/parse.golden", out.String())
}

func describe(tmpl string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", tmpl)
	tp, err := Parse(tmpl)
	if err != nil {
		var pe *ParseError
		if !errors.As(err, &pe) {
			return fmt.Sprintf("%s  not a *ParseError: %v\n\n", b.String(), err)
		}
		fmt.Fprintf(&b, "%s^\n  error: %v\n\n", strings.Repeat(" ", pe.Col-1), err)
		return b.String()
	}
	var segs []string
	for _, s := range tp.Segments {
		segs = append(segs, string(s.Kind)+"("+s.Value+")")
	}
	var vars []string
	for _, v := range tp.Variables {
		vars = append(vars, fmt.Sprintf("%s=[%d,%d)", v.FieldPath, v.Start, v.End))
	}
	fmt.Fprintf(&b, "  canonical: %s\n  segments:  %s\n", tp.String(), strings.Join(segs, " "))
	if len(vars) > 0 {
		fmt.Fprintf(&b, "  variables: %s\n", strings.Join(vars, " "))
	}
	if tp.Verb != "" {
		fmt.Fprintf(&b, "  verb:      %s\n", tp.Verb)
	}
	fmt.Fprintf(&b, "  key:       %s\n\n", tp.DuplicateKey("GET"))
	return b.String()
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		tmpl string
		col  int
		msg  string
	}{
		{"", 1, "a template must start with '/'"},
		{"v1", 1, "a template must start with '/'"},
		{"/a//b", 4, "empty segment"},
		{"/a/", 4, "empty segment (a template cannot end with '/')"},
		{"/v1/{a={b}}", 8, "variables cannot nest"},
		{"/a/**/*", 7, "only literals may follow **"},
		{"/a/**/{x}", 7, "only literals may follow **"},
		{"/v1/{}", 6, "empty field path"},
		{"/v1/{=*}", 6, "empty field path"},
		{"/v1/{a..b}", 8, "empty field name in field path"},
		{"/v1/{x=}", 8, "a variable must bind at least one segment"},
		{"/v1/{x", 7, "missing '}' at the end of the variable"},
		{"/v1/{x=a:b}", 9, "a verb cannot appear inside a variable"},
		{"/a:", 4, "empty verb"},
		{"/a:b/c", 5, "unexpected character '/' after the verb (the verb must come last)"},
		{"/*b", 3, "unexpected character 'b'"},
		{"/items/overview.{format}", 17, "a variable must be a whole path segment"},
		{"/items/{id}.json", 12, "a variable must be a whole path segment"},
		{"/v1/{a/b}", 7, "unexpected character '/' in field path"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.tmpl)
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("Parse(%q) = %v, want a *ParseError", tt.tmpl, err)
			continue
		}
		if pe.Col != tt.col || pe.Msg != tt.msg || pe.Template != tt.tmpl {
			t.Errorf("Parse(%q) = col %d %q, want col %d %q", tt.tmpl, pe.Col, pe.Msg, tt.col, tt.msg)
		}
	}
}

func TestParseShorthandEqualsWildcard(t *testing.T) {
	a, err := Parse("/v1/{name}")
	if err != nil {
		t.Fatal(err)
	}
	b, err := Parse("/v1/{name=*}")
	if err != nil {
		t.Fatal(err)
	}
	a.Raw, b.Raw = "", ""
	if !reflect.DeepEqual(a, b) {
		t.Errorf("{name} = %+v, {name=*} = %+v", a, b)
	}
}

func TestParseErrorText(t *testing.T) {
	_, err := Parse("/a//b")
	want := "invalid uri template /a//b: empty segment at column 4"
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want %q", err, want)
	}
}

// TestRoundTrip checks Parse -> String -> Parse gives the same template for every valid
// template of the golden input.
func TestRoundTrip(t *testing.T) {
	data, err := os.ReadFile("testdata/templates.txt")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if _, err := Parse(line); err != nil {
			continue
		}
		checkRoundTrip(t, line)
	}
}

func checkRoundTrip(t *testing.T, tmpl string) {
	t.Helper()
	first, err := Parse(tmpl)
	if err != nil {
		return
	}
	canonical := first.String()
	second, err := Parse(canonical)
	if err != nil {
		t.Fatalf("Parse(%q) ok, but its canonical form %q fails: %v", tmpl, canonical, err)
	}
	if second.String() != canonical {
		t.Fatalf("canonical form of %q is not stable: %q then %q", tmpl, canonical, second.String())
	}
	first.Raw, second.Raw = "", ""
	if !reflect.DeepEqual(first, second) {
		t.Fatalf("round trip of %q via %q changed the template:\n%+v\n%+v", tmpl, canonical, first, second)
	}
}

func TestDuplicateKey(t *testing.T) {
	collide := [][2]string{
		{"/a/{id=*}", "/a/{name=*}"},
		{"/a/{id}", "/a/*"},
		{"/foo/bar", "/foo/bar"},
		{"/foo:bar", "/foo/bar"},
		{"/v1/fixedshelves/{shelf=100}", "/v1/fixedshelves/100"},
		{"/a/{x=**}", "/a/**"},
	}
	for _, c := range collide {
		a, b := mustParse(t, c[0]), mustParse(t, c[1])
		if a.DuplicateKey("GET") != b.DuplicateKey("GET") {
			t.Errorf("%s and %s should collide: %q vs %q", c[0], c[1], a.DuplicateKey("GET"), b.DuplicateKey("GET"))
		}
	}
	distinct := [][2]string{
		{"/a/*", "/a/**"},
		{"/a/{x}", "/a/{x}/b"},
		{"/a", "/A"},
	}
	for _, c := range distinct {
		a, b := mustParse(t, c[0]), mustParse(t, c[1])
		if a.DuplicateKey("GET") == b.DuplicateKey("GET") {
			t.Errorf("%s and %s should not collide: both %q", c[0], c[1], a.DuplicateKey("GET"))
		}
	}
	if got := mustParse(t, "/a/{name=*}").DuplicateKey("GET"); got != "GET /a/*" {
		t.Errorf("key = %q", got)
	}
	if got := mustParse(t, "/").DuplicateKey("POST"); got != "POST /" {
		t.Errorf("key = %q", got)
	}
	if mustParse(t, "/a").DuplicateKey("GET") == mustParse(t, "/a").DuplicateKey("POST") {
		t.Error("different methods must not collide")
	}
}

func mustParse(t testing.TB, tmpl string) *Template {
	t.Helper()
	tp, err := Parse(tmpl)
	if err != nil {
		t.Fatalf("Parse(%q): %v", tmpl, err)
	}
	return tp
}

func readFile(t testing.TB, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
