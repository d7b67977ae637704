package transcode

import (
	"fmt"
	"strings"
	"testing"

	"github.com/espctl/espctl/golden"
)

func TestAppendRequestFrames(t *testing.T) {
	var out strings.Builder
	for _, c := range []struct {
		name, method, body, query string
	}{
		{"unary is one frame", "CreateBook", `{"note":"a"}`, ""},
		{"client stream array", "ImportBooks", ` [{"note":"a"}, {note:'b'},] `, "shelf=7"},
		{"client stream empty array", "ImportBooks", `[]`, ""},
		{"client stream single object", "ImportBooks", `{"note":"only"}`, ""},
		{"client stream bad element", "ImportBooks", `[{"note":1}]`, ""},
		{"client stream bad json", "ImportBooks", `[{"note":"a"}`, ""},
	} {
		m := compile(t, c.method, binding("*", ""), Options{})
		framed, err := m.AppendRequestFrames([]byte("prefix"), Request{Body: []byte(c.body), Query: ParseQuery(c.query, false)})
		fmt.Fprintf(&out, "== %s\n", c.name)
		if err != nil {
			fmt.Fprintf(&out, "error: %s\n", oneLine(err.Error()))
			continue
		}
		if !strings.HasPrefix(string(framed), "prefix") {
			t.Fatalf("%s: dst not kept", c.name)
		}
		frames, err := SplitFrames(framed[len("prefix"):])
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range frames {
			out.WriteString(wireToJSON(t, m.in, f.Data) + "\n")
		}
	}
	golden.AssertString(t, "testdata/request_frames.golden", out.String())
}
