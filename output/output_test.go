package output

import (
	"bytes"
	"io"
	"testing"

	_ "github.com/espctl/espctl/golden" // defines -update for `go test ./... -update`
)

type sample struct {
	Name  string   `json:"name"`
	Items []string `json:"items,omitempty"`
	Note  string   `json:"note,omitempty"`
	HTML  string   `json:"html"`
}

func TestJSONAndYAMLShareTags(t *testing.T) {
	v := sample{Name: "a", Items: []string{"x", "y: z"}, HTML: "<b>&"}
	var j, y bytes.Buffer
	if err := Write(&j, JSON, v, nil); err != nil {
		t.Fatal(err)
	}
	if err := Write(&y, YAML, v, nil); err != nil {
		t.Fatal(err)
	}
	wantJSON := "{\n  \"name\": \"a\",\n  \"items\": [\n    \"x\",\n    \"y: z\"\n  ],\n  \"html\": \"<b>&\"\n}\n"
	if j.String() != wantJSON {
		t.Errorf("json:\n%s", j.String())
	}
	wantYAML := "name: a\nitems:\n  - x\n  - 'y: z'\nhtml: <b>&\n"
	if y.String() != wantYAML {
		t.Errorf("yaml:\n%s", y.String())
	}
}

func TestTextAndParse(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, Text, 1, func(w io.Writer) error { _, err := io.WriteString(w, "hi\n"); return err }); err != nil || b.String() != "hi\n" {
		t.Errorf("text: %q %v", b.String(), err)
	}
	if _, err := Parse("xml"); err == nil {
		t.Error("xml must be refused")
	}
	if f, err := Parse(""); err != nil || f != Text {
		t.Error("empty means text")
	}
}
