package translate

import (
	"slices"
	"strings"
	"testing"
)

// routesOf parses `METHOD template` strings into routes named after their position.
func routesOf(t *testing.T, specs []string) []Route {
	t.Helper()
	var rs []Route
	for _, s := range specs {
		method, pattern, _ := strings.Cut(s, " ")
		tmpl, err := parseTemplate(pattern)
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		rs = append(rs, Route{Method: method, Pattern: pattern, Template: tmpl, Selector: "op" + pattern, Kind: RouteHTTP})
	}
	return rs
}

func specsOf(rs []Route) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Method+" "+r.Pattern)
	}
	return out
}

// TestSortRoutesReference checks every sorted list of ESPv2's sort tests
// (proxy-behavior.md section 4), from both the reversed and a rotated input order.
func TestSortRoutesReference(t *testing.T) {
	lists := [][]string{
		{"GET /a", "GET /a/x", "GET /a/x/b", "GET /a/x/b/c", "GET /a/*", "GET /a/*/b", "GET /a/*/b/c", "GET /a/**/b", "GET /a/**/b/c", "GET /a/**"},
		{"GET /", "GET /foo", "GET /**"},
		{"GET /**/a", "GET /**:verb", "GET /**"},
		{"GET /a/{y=d/**}:verb", "GET /a/{y=d/**}", "GET /a/{y=*}", "GET /a/{y=*}:verb", "GET /g/{x=**}/h", "GET /g/{x=**}/h:verb"},
		{"DELETE /a", "GET /a", "POST /a", "PUT /a", "* /a"},
	}
	for _, want := range lists {
		reversed := slices.Clone(want)
		slices.Reverse(reversed)
		rotated := append(slices.Clone(want[len(want)/2:]), want[:len(want)/2]...)
		for _, in := range [][]string{reversed, rotated} {
			got, err := sortRoutes(routesOf(t, in))
			if err != nil {
				t.Fatalf("%v: %v", in, err)
			}
			if !slices.Equal(specsOf(got), want) {
				t.Errorf("sort(%q)\n got %q\nwant %q", in, specsOf(got), want)
			}
		}
	}
}

// TestSortRoutesPrecedence checks the consequences the reference lists: literal beats `*`
// beats `**` at the first differing segment, and a template ending at a node comes before
// longer ones.
func TestSortRoutesPrecedence(t *testing.T) {
	in := []string{
		"POST /allow-all/{double_wildcard=**}",
		"POST /allow-all/{single_wildcard=*}",
		"POST /allow-all/exact-match",
		"GET /v1/shelves/{shelf}/books",
		"GET /v1/shelves/{shelf}",
		"GET /v1/shelves",
		"GET /v1/fixedshelves/{shelf=100}",
	}
	want := []string{
		"POST /allow-all/exact-match",
		"POST /allow-all/{single_wildcard=*}",
		"POST /allow-all/{double_wildcard=**}",
		"GET /v1/fixedshelves/{shelf=100}",
		"GET /v1/shelves",
		"GET /v1/shelves/{shelf}",
		"GET /v1/shelves/{shelf}/books",
	}
	got, err := sortRoutes(routesOf(t, in))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(specsOf(got), want) {
		t.Errorf("got  %q\nwant %q", specsOf(got), want)
	}
}

// TestSortRoutesDuplicates checks ESPv2's duplicate rule: same method and same segments,
// every variable counting as its wildcard and the verb as one more segment.
func TestSortRoutesDuplicates(t *testing.T) {
	cases := []struct {
		in   []string
		want string
	}{
		{[]string{"GET /a/{id=*}", "GET /a/{name=*}"}, "op/a/{name=*} has duplicate http pattern `GET /a/{name=*}`"},
		{[]string{"GET /foo/bar", "GET /foo/bar"}, "has duplicate http pattern `GET /foo/bar`"},
		{[]string{"GET /foo/bar", "GET /foo:bar"}, "has duplicate http pattern `GET /foo:bar`"},
		{[]string{"GET /a/*", "GET /a/{x}"}, "`GET /a/{x}`"},
		{[]string{"* /a", "* /a"}, "`* /a`"},
	}
	for _, c := range cases {
		_, err := sortRoutes(routesOf(t, c.in))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("sort(%q) error = %v, want %q", c.in, err, c.want)
		}
	}
	// Not duplicates: other method, `*` versus `**`, a literal variable versus a wildcard.
	for _, in := range [][]string{
		{"GET /a/{x}", "POST /a/{x}"},
		{"GET /a/*", "GET /a/**"},
		{"GET /a/{x=b}", "GET /a/{x}"},
		{"GET /a", "* /a"},
	} {
		if _, err := sortRoutes(routesOf(t, in)); err != nil {
			t.Errorf("sort(%q): %v", in, err)
		}
	}
}
