package transcode

import (
	"testing"
)

// BenchmarkRequestSmall is a typical small transcoded request: two path variables, two query
// parameters (one nested) and a small JSON body for a body field.
func BenchmarkRequestSmall(b *testing.B) {
	m := compile(b, "CreateBook", binding("book", "", "shelf"), Options{IgnoreQueryParameters: []string{"key"}})
	r := Request{
		Bindings: bindings("shelf", "100"),
		Query:    ParseQuery("key=AIza&note=hello&book.tags=x", false),
		Body:     []byte(`{"title":"War and Peace","author":{"name":"Leo Tolstoy"},"genre":"FICTION","priceInUsd":9.5}`),
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m.Request(r); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRequestGET is a body-less GET with path and query only.
func BenchmarkRequestGET(b *testing.B) {
	m := compile(b, "GetBook", binding("", "", "shelf", "book"), Options{})
	r := Request{Bindings: bindings("shelf", "100", "book", "7"), Query: ParseQuery("verbose=true&genre=COMIC", false)}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m.Request(r); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkResponseSmall is a small unary response rendered as JSON.
func BenchmarkResponseSmall(b *testing.B) {
	m := compile(b, "GetBook", binding("", ""), Options{})
	wire := jsonToWire(b, m.out, `{"id":"100","title":"Dune","author":{"name":"Frank Herbert","born":1920},"genre":"COMIC","tags":["a","b"],"priceInUsd":9.5}`)
	buf := make([]byte, 0, 512)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := m.AppendResponse(buf[:0], wire); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCheckJSON(b *testing.B) {
	body := []byte(`{"title":"War and Peace","author":{"name":"Leo Tolstoy"},"genre":"FICTION","priceInUsd":9.5,"tags":["a","b","c"]}`)
	b.ReportAllocs()
	for b.Loop() {
		if err := checkJSON(body); err != nil {
			b.Fatal(err)
		}
	}
}
