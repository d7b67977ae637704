package httprule

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// The sorted lists of proxy-behavior.md section 4 (from ESPv2's sort_test.go). Each is
// shuffled and sorted back.
var sortedLists = []string{
	"GET /a, GET /a/x, GET /a/x/b, GET /a/x/b/c, GET /a/*, GET /a/*/b, GET /a/*/b/c, GET /a/**/b, GET /a/**/b/c, GET /a/**",
	"GET /, GET /foo, GET /**",
	"GET /**/a, GET /**:verb, GET /**",
	"GET /a/{y=d/**}:verb, GET /a/{y=d/**}, GET /a/{y=*}, GET /a/{y=*}:verb, GET /g/{x=**}/h, GET /g/{x=**}/h:verb",
	"DELETE /a, GET /a, POST /a, PUT /a, * /a",
	// Behaviour the reference derives from the order: literal beats * beats **.
	"POST /allow-all/exact-match, POST /allow-all/{single_wildcard=*}, POST /allow-all/{double_wildcard=**}",
	// Verb shadowing: /a/{y=*} sorts before /a/{y=*}:verb.
	"GET /a/{y=*}, GET /a/{y=*}:verb",
}

type binding struct {
	method string
	t      *Template
}

func parseList(t *testing.T, list string) []binding {
	t.Helper()
	var out []binding
	for _, item := range strings.Split(list, ", ") {
		method, tmpl, _ := strings.Cut(item, " ")
		out = append(out, binding{method, mustParse(t, tmpl)})
	}
	return out
}

func render(bs []binding) string {
	var parts []string
	for _, b := range bs {
		parts = append(parts, b.method+" "+b.t.Raw)
	}
	return strings.Join(parts, ", ")
}

func TestSortReferenceLists(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, want := range sortedLists {
		bs := parseList(t, want)
		for round := 0; round < 20; round++ {
			rng.Shuffle(len(bs), func(i, j int) { bs[i], bs[j] = bs[j], bs[i] })
			Sort(bs, func(b binding) (string, *Template) { return b.method, b.t })
			if got := render(bs); got != want {
				t.Fatalf("sorted:\n got %s\nwant %s", got, want)
			}
		}
	}
}

func TestSortAllListsTogether(t *testing.T) {
	// Different lists share trie nodes; sorting their union must keep each list's order.
	var all []binding
	for _, l := range sortedLists[:5] {
		all = append(all, parseList(t, l)...)
	}
	Sort(all, func(b binding) (string, *Template) { return b.method, b.t })
	pos := map[string]int{}
	for i, b := range all {
		pos[b.method+" "+b.t.Raw] = i
	}
	for _, l := range sortedLists[:5] {
		items := strings.Split(l, ", ")
		for i := 1; i < len(items); i++ {
			if pos[items[i-1]] > pos[items[i]] {
				t.Errorf("%s sorted after %s in %s", items[i-1], items[i], render(all))
			}
		}
	}
}

func TestSortKeepsDuplicatesInInputOrderAndNilLast(t *testing.T) {
	type item struct {
		name   string
		method string
		t      *Template
	}
	items := []item{
		{"nil", "GET", nil},
		{"second", "GET", mustParse(t, "/a/{name=*}")},
		{"first", "GET", mustParse(t, "/a/{id}")},
		{"root", "GET", mustParse(t, "/")},
	}
	items[1], items[2] = items[2], items[1]
	Sort(items, func(i item) (string, *Template) { return i.method, i.t })
	var names []string
	for _, i := range items {
		names = append(names, i.name)
	}
	if got := strings.Join(names, " "); got != "root first second nil" {
		t.Errorf("order = %s", got)
	}
}

func TestCompare(t *testing.T) {
	a, b := mustParse(t, "/a/**"), mustParse(t, "/a/**/b")
	if Compare("GET", b, "GET", a) >= 0 || Compare("GET", a, "GET", b) <= 0 {
		t.Error("/a/**/b must sort before /a/**")
	}
	if Compare("GET", a, "GET", a) != 0 {
		t.Error("a template compares equal to itself")
	}
}
