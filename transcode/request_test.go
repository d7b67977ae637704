package transcode

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/espctl/espctl/golden"
	"github.com/espctl/espctl/httprule"
	"github.com/espctl/espctl/translate"
)

type requestCase struct {
	name     string
	method   string
	binding  translate.HTTPBinding
	opts     Options
	bindings []httprule.Binding
	query    string
	body     string
	ctype    string
}

var requestCases = []requestCase{
	// Path variables.
	{name: "path int64", method: "GetBook", binding: binding("", "", "shelf", "book"), bindings: bindings("shelf", "100", "book", "7")},
	{name: "path json name", method: "GetBook", binding: binding("", "", "SHELF"), bindings: bindings("SHELF", "abc")},
	{name: "path nested", method: "GetBook", binding: binding("", "", "filter.author.name"), bindings: bindings("filter.author.name", "Leo Tolstoy")},
	{name: "path decoded slash", method: "GetBook", binding: binding("", "", "name"), bindings: bindings("name", "Foo/Bar/Baz")},
	{name: "path enum name", method: "GetBook", binding: binding("", "", "genre"), bindings: bindings("genre", "COMIC")},
	{name: "path enum number", method: "GetBook", binding: binding("", "", "genre"), bindings: bindings("genre", "2")},
	{name: "path enum wrong case", method: "GetBook", binding: binding("", "", "genre"), bindings: bindings("genre", "comic")},
	{name: "path enum case-insensitive", method: "GetBook", binding: binding("", "", "genre"), opts: Options{CaseInsensitiveEnumParsing: true}, bindings: bindings("genre", "comic")},
	{name: "path bad int", method: "GetBook", binding: binding("", "", "shelf"), bindings: bindings("shelf", "abc")},
	{name: "path int overflow", method: "GetBook", binding: binding("", "", "limit"), bindings: bindings("limit", "4294967296")},
	{name: "path bool", method: "GetBook", binding: binding("", "", "verbose"), bindings: bindings("verbose", "true")},
	{name: "path bad bool", method: "GetBook", binding: binding("", "", "verbose"), bindings: bindings("verbose", "yes")},
	{name: "path wrapper", method: "GetBook", binding: binding("", "", "page_size"), bindings: bindings("page_size", "25")},
	{name: "path timestamp", method: "GetBook", binding: binding("", "", "since"), bindings: bindings("since", "2024-01-02T03:04:05Z")},
	{name: "path bad timestamp", method: "GetBook", binding: binding("", "", "since"), bindings: bindings("since", "yesterday")},
	{name: "path duration", method: "GetBook", binding: binding("", "", "timeout"), bindings: bindings("timeout", "1.5s")},
	{name: "path field mask", method: "GetBook", binding: binding("", "", "mask"), bindings: bindings("mask", "title,author.name")},
	{name: "path float special", method: "GetBook", binding: binding("", "", "score"), bindings: bindings("score", "-Infinity")},
	{name: "path bytes url base64", method: "GetBook", binding: binding("", "", "token"), bindings: bindings("token", "-_8")},
	{name: "path sint64 fixed64", method: "GetBook", binding: binding("", "", "offset", "checksum"), bindings: bindings("offset", "-5", "checksum", "18446744073709551615")},

	// Query parameters.
	{name: "query scalars", method: "GetBook", binding: binding("", ""), query: "shelf=1&name=War+and+Peace&verbose=false&ratio=0.25"},
	{name: "query dotted nested", method: "GetBook", binding: binding("", ""), query: "filter.author.name=Leo%20Tolstoy&filter.title=War+and+Peace"},
	{name: "query json names", method: "GetBook", binding: binding("", ""), query: "pageSize=3&filter.priceInUsd=9.5&SHELF=x"},
	{name: "query repeated", method: "GetBook", binding: binding("", ""), query: "ids=1&ids=2&ids=3&genres=COMIC&genres=1"},
	{name: "query repeated wrapper", method: "GetBook", binding: binding("", ""), query: "versions=1&versions=2"},
	{name: "query singular repeated last wins", method: "GetBook", binding: binding("", ""), query: "shelf=1&shelf=2"},
	{name: "query oneof", method: "GetBook", binding: binding("", ""), query: "filter.pages=300"},
	{name: "query unknown", method: "GetBook", binding: binding("", ""), query: "shelf=1&colour=red"},
	{name: "query unknown ignored by option", method: "GetBook", binding: binding("", ""), opts: Options{IgnoreUnknownQueryParameters: true}, query: "shelf=1&colour=red"},
	{name: "query api key ignored", method: "GetBook", binding: binding("", ""), opts: Options{IgnoreQueryParameters: []string{"key", "api_key", "access_token"}}, query: "key=AIza&api_key=x&access_token=jwt&shelf=4"},
	{name: "query api key not ignored", method: "GetBook", binding: binding("", ""), query: "key=AIza"},
	{name: "query path overrides", method: "GetBook", binding: binding("", "", "shelf"), bindings: bindings("shelf", "9"), query: "book=2"},
	{name: "query map leaf", method: "GetBook", binding: binding("", ""), query: "labels=x"},
	{name: "query message leaf", method: "GetBook", binding: binding("", ""), query: "filter=x"},
	{name: "query through scalar", method: "GetBook", binding: binding("", ""), query: "shelf.id=1"},
	{name: "query bad enum", method: "GetBook", binding: binding("", ""), query: "genre=POETRY"},
	{name: "query no equals skipped", method: "GetBook", binding: binding("", ""), query: "verbose&shelf=3"},

	// Bodies.
	{name: "body star", method: "UpdateBook", binding: binding("*", ""), body: `{"id":"5","title":"Dune","author":{"name":"Frank Herbert","mentor":{"name":"X"}},"genre":"FICTION","tags":["a","b"],"ratings":{"x":5,"y":4},"priceInUsd":9.99,"published":"2020-01-01T00:00:00Z","isbn":"978","coAuthors":[{"name":"A"},{"name":"B"}],"cover":"AAEC","inStock":true,"extra":{"k":[1,"two",null]},"subtitle":"S"}`},
	{name: "body any of a config type", method: "UpdateBook", binding: binding("*", ""), body: `{"attachments":[{"@type":"type.googleapis.com/espctl.test.v1.Author","name":"A"}]}`},
	{name: "body any of an unknown type", method: "UpdateBook", binding: binding("*", ""), body: `{"attachments":[{"@type":"type.googleapis.com/x.Nope","name":"A"}]}`},
	{name: "body star proto names", method: "UpdateBook", binding: binding("*", ""), body: `{"price_in_usd":1,"in_stock":true,"co_authors":[]}`},
	{name: "body star with path", method: "CreateBook", binding: binding("*", "", "shelf"), bindings: bindings("shelf", "3"), body: `{"shelf":"1","book":{"title":"T"}}`},
	{name: "body star with query", method: "CreateBook", binding: binding("*", ""), body: `{"note":"body"}`, query: "note=query&tags=q"},
	{name: "body field", method: "CreateBook", binding: binding("book", "", "shelf"), bindings: bindings("shelf", "12"), body: `{"title":"War and Peace","genre":2}`},
	{name: "body field with query", method: "CreateBook", binding: binding("book", ""), body: `{"title":"T"}`, query: "book.tags=x&note=n"},
	{name: "body repeated field", method: "CreateBook", binding: binding("tags", ""), body: `["a","b"]`},
	{name: "body scalar field", method: "CreateBook", binding: binding("note", ""), body: `"hello"`},
	{name: "body empty", method: "CreateBook", binding: binding("*", ""), body: ""},
	{name: "body ignored without rule", method: "GetBook", binding: binding("", ""), body: `not json`, query: "shelf=1"},
	{name: "body oneof conflict", method: "UpdateBook", binding: binding("*", ""), body: `{"isbn":"1","pages":2}`},
	{name: "body unknown field", method: "UpdateBook", binding: binding("*", ""), body: `{"colour":"red"}`},
	{name: "body wrong type", method: "UpdateBook", binding: binding("*", ""), body: `{"id":true}`},
	{name: "body bad enum", method: "UpdateBook", binding: binding("*", ""), body: `{"genre":"POETRY"}`},
	{name: "body enum wrong case", method: "CreateBook", binding: binding("*", ""), body: `{"book":{"genre":"comic"}}`},
	{name: "body enum case-insensitive", method: "CreateBook", binding: binding("*", ""), opts: Options{CaseInsensitiveEnumParsing: true}, body: `{"book":{"genre":"comic","coAuthors":[{"name":"x"}],"ratings":{"a":1}},"tags":["t"]}`},
	{name: "body trailing comma accepted by syntax check", method: "UpdateBook", binding: binding("*", ""), body: `{"title":"x",}`},
	{name: "body lenient single quotes and bare keys", method: "UpdateBook", binding: binding("*", ""), body: `{title:'It\'s "here"\v', author:{name:'A',}, tags:['x',], priceInUsd: 1., id: -.5e1}`},
	{name: "body not json", method: "UpdateBook", binding: binding("*", ""), body: `NO_BRACES_JSON`},
	{name: "body http body", method: "Raw", binding: binding("*", ""), body: "raw bytes\x00\x01", ctype: "application/octet-stream"},
	{name: "body http body field", method: "Upload", binding: binding("file", "", "name"), bindings: bindings("name", "f.txt"), body: "hello", ctype: "text/plain", query: "file.content_type=ignored"},
}

// TestRequest runs every case and records the request message (or the error) in one golden
// file, so a change to any conversion shows up as a reviewable diff.
func TestRequest(t *testing.T) {
	var out strings.Builder
	for _, c := range requestCases {
		m := compile(t, c.method, c.binding, c.opts)
		wire, err := m.Request(Request{
			Bindings:    c.bindings,
			Query:       ParseQuery(c.query, c.opts.DisableUnescapePlus),
			Body:        []byte(c.body),
			ContentType: c.ctype,
		})
		fmt.Fprintf(&out, "== %s\n", c.name)
		var te *Error
		switch {
		case err == nil:
			out.WriteString(wireToJSON(t, m.in, wire) + "\n")
		case errors.As(err, &te):
			fmt.Fprintf(&out, "error %d: %s\n", te.Status, oneLine(te.Message))
		case errors.Is(err, ErrUnknownQueryParameter):
			fmt.Fprintf(&out, "unknown query parameter: %v\n", err)
		default:
			t.Errorf("%s: unexpected error type %T: %v", c.name, err, err)
		}
	}
	golden.AssertString(t, "testdata/request.golden", out.String())
}

func TestRequestIsDeterministicAndConcurrent(t *testing.T) {
	m := compile(t, "GetBook", binding("", "", "shelf"), Options{})
	r := Request{Bindings: bindings("shelf", "1"), Query: ParseQuery("ids=1&ids=2&filter.title=x&unknown1=1", false)}
	r.Query.Del("unknown1")
	want, err := m.Request(r)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 8)
	for i := 0; i < 8; i++ {
		go func() {
			for j := 0; j < 50; j++ {
				got, err := m.Request(r)
				if err != nil || wireToJSON(t, m.in, got) != wireToJSON(t, m.in, want) {
					done <- fmt.Errorf("run %d: %v", j, err)
					return
				}
			}
			done <- nil
		}()
	}
	for i := 0; i < 8; i++ {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}

func TestCompileRejectsBadBindings(t *testing.T) {
	md := library(t).Methods().ByName("GetBook")
	for _, b := range []translate.HTTPBinding{
		binding("nope", ""),
		binding("", "nope"),
		binding("", "", "filter"),     // message leaf
		binding("", "", "labels"),     // map leaf
		binding("", "", "shelf.x"),    // through a scalar
		binding("", "", "filter.zzz"), // unknown nested
	} {
		if _, err := Compile(md, b, Options{}); err == nil {
			t.Errorf("Compile(%+v) succeeded, want error", b)
		}
	}
	if _, err := Compile(nil, binding("", ""), Options{}); err == nil {
		t.Error("Compile(nil) succeeded")
	}
}

func TestErrorStatus(t *testing.T) {
	m := compile(t, "GetBook", binding("", ""), Options{})
	_, err := m.Request(Request{Query: ParseQuery("colour=red", false)})
	if s, msg := ErrorStatus(err); s != 415 || msg != "Unsupported Media Type" {
		t.Errorf("unknown query: %d %q", s, msg)
	}
	_, err = m.Request(Request{Query: ParseQuery("shelf=x", false)})
	if s, _ := ErrorStatus(err); s != 400 {
		t.Errorf("bad value: %d", s)
	}
}
