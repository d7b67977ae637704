package transcode

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/espctl/espctl/golden"
	"github.com/espctl/espctl/translate"
)

const fullBook = `{"id":"100","title":"Dune","author":{"name":"Frank Herbert","born":1920},"genre":"COMIC","tags":["a","b"],"ratings":{"x":5},"priceInUsd":9.5,"published":"2020-01-01T00:00:00Z","pages":412,"coAuthors":[{"name":"A"}],"cover":"AAEC","inStock":true,"extra":{"k":[1,"two",null]},"subtitle":""}`

type responseCase struct {
	name    string
	method  string
	binding translate.HTTPBinding
	opts    Options
	msg     string // protojson of the response message
}

var responseCases = []responseCase{
	{name: "full book", method: "GetBook", binding: binding("", ""), msg: fullBook},
	{name: "empty book", method: "GetBook", binding: binding("", ""), msg: `{}`},
	{name: "preserve proto names", method: "GetBook", binding: binding("", ""), opts: Options{PreserveProtoFieldNames: true}, msg: fullBook},
	{name: "always print primitives", method: "GetBook", binding: binding("", ""), opts: Options{AlwaysPrintPrimitiveFields: true}, msg: `{"title":"T"}`},
	{name: "enums as ints", method: "GetBook", binding: binding("", ""), opts: Options{AlwaysPrintEnumsAsInts: true}, msg: `{"genre":"COMIC"}`},
	{name: "response_body message", method: "GetBook", binding: binding("", "author"), msg: fullBook},
	{name: "response_body repeated", method: "ListBooks", binding: binding("", "books"), msg: `{"books":[{"id":"1"},{"id":"2","title":"x"}],"nextPageToken":"t"}`},
	{name: "response_body repeated empty", method: "ListBooks", binding: binding("", "books"), msg: `{"nextPageToken":"t"}`},
	{name: "response_body scalar", method: "ListBooks", binding: binding("", "next_page_token"), msg: `{"nextPageToken":"t\"q"}`},
	{name: "response_body scalar proto names", method: "ListBooks", binding: binding("", "total"), opts: Options{PreserveProtoFieldNames: true}, msg: `{"total":3}`},
	{name: "any of a config type", method: "GetBook", binding: binding("", ""), msg: `{"attachments":[{"@type":"type.googleapis.com/espctl.test.v1.Author","name":"A"},{"@type":"type.googleapis.com/google.protobuf.Duration","value":"1s"}]}`},
	{name: "http body without content type", method: "Upload", binding: binding("", ""), msg: `{"data":"eA=="}`},
	{name: "http body", method: "Upload", binding: binding("file", ""), msg: `{"contentType":"text/html","data":"PGgxPmhpPC9oMT4="}`},
}

func TestResponse(t *testing.T) {
	var out strings.Builder
	for _, c := range responseCases {
		m := compile(t, c.method, c.binding, c.opts)
		body, ct, err := m.Response(jsonToWireWith(t, m.out, c.msg, m.marshal.Resolver))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		fmt.Fprintf(&out, "== %s (%s)\n%s\n", c.name, ct, body)
	}
	golden.AssertString(t, "testdata/response.golden", out.String())
}

func TestResponseRejectsGarbage(t *testing.T) {
	m := compile(t, "GetBook", binding("", ""), Options{})
	if _, _, err := m.Response([]byte{0xff, 0xff, 0xff}); err == nil {
		t.Fatal("garbage accepted")
	}
}

func TestStream(t *testing.T) {
	var out strings.Builder
	for _, c := range []struct {
		name   string
		method string
		opts   Options
		msgs   []string
	}{
		{"array", "StreamBooks", Options{}, []string{`{"id":"1"}`, `{"id":"2","title":"b"}`, `{}`}},
		{"array of none", "StreamBooks", Options{}, nil},
		{"newline delimited", "StreamBooks", Options{StreamNewlineDelimited: true}, []string{`{"id":"1"}`, `{"id":"2"}`}},
		{"http body", "Download", Options{}, []string{`{"contentType":"text/csv","data":"YSxi"}`, `{"data":"CjEsMg=="}`}},
	} {
		m := compile(t, c.method, binding("", ""), c.opts)
		var buf bytes.Buffer
		s := m.NewStream(&buf)
		for _, js := range c.msgs {
			if err := s.Send(jsonToWire(t, m.out, js)); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&out, "== %s (%s)\n%s\n", c.name, s.ContentType(), buf.String())
	}
	golden.AssertString(t, "testdata/stream.golden", out.String())
}
