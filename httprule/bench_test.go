package httprule

import (
	"fmt"
	"testing"
)

// The router's hot path: one request path against templates of typical shapes, reusing the
// bindings slice as a router would.
func BenchmarkMatch(b *testing.B) {
	cases := []struct{ name, tmpl, path string }{
		{"exact", "/v1/shelves", "/v1/shelves/"},
		{"two_vars", "/v1/shelves/{shelf}/books/{book}", "/v1/shelves/100/books/6"},
		{"multi_segment_var", "/v1/{name=shelves/*/books/*}:publish", "/v1/shelves/1/books/2:publish"},
		{"double_wildcard", "/field_path/{s_1=a/*/b/*}/{s_2=x/**}:upload", "/field_path/a/1/b/2/x/y/z:upload"},
		{"percent_decoding", "/v1/shelves/{shelf}/books/{book}", "/v1/shelves/100/books/Foo%2FBar"},
		{"miss", "/v1/shelves/{shelf}/books/{book}", "/v1/shelves/100/authors/6"},
	}
	for _, c := range cases {
		tp, err := Parse(c.tmpl)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			dst := make([]Binding, 0, 4)
			for b.Loop() {
				dst, _ = tp.MatchAppend(dst[:0], c.path, MatchOptions{})
			}
		})
	}
}

func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("/field_path/{s_1=a/*/b/*}/{s_2=x/**}:upload"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSort(b *testing.B) {
	var bs []binding
	for i := range 200 {
		tp, err := Parse(fmt.Sprintf("/v1/r%d/{id}/sub%d/**", i%17, i))
		if err != nil {
			b.Fatal(err)
		}
		bs = append(bs, binding{"GET", tp})
	}
	b.ReportAllocs()
	for b.Loop() {
		items := append([]binding(nil), bs...)
		Sort(items, func(x binding) (string, *Template) { return x.method, x.t })
	}
}
