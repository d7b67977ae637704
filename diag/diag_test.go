package diag

import (
	"testing"

	_ "github.com/espctl/espctl/golden" // defines -update for `go test ./... -update`
)

func TestTextSortsAndDeduplicates(t *testing.T) {
	l := List{
		{Pos: Pos{File: "b.yaml", Line: 2, Col: 1}, Rule: "E101", Severity: Error, Field: "name", Message: "missing", Hint: "add it"},
		{Pos: Pos{File: "a.yaml", Line: 9}, Rule: "W101", Severity: Warning, Message: "unused"},
		{Pos: Pos{File: "b.yaml", Line: 2, Col: 1}, Rule: "E101", Severity: Error, Field: "name", Message: "missing", Hint: "add it"},
	}
	want := "a.yaml:9: warning: unused [W101]\n" +
		"b.yaml:2:1: error: name: missing [E101]\n  hint: add it\n"
	if got := l.Sort().Text(); got != want {
		t.Errorf("Text:\n%s\nwant:\n%s", got, want)
	}
	if !l.HasErrors() || l.Err() == nil {
		t.Error("a list with an error must report it")
	}
	if (List{l[1]}).Err() != nil {
		t.Error("warnings alone are not an error")
	}
}

func TestPosString(t *testing.T) {
	for _, c := range []struct {
		p    Pos
		want string
	}{{Pos{}, ""}, {Pos{File: "f"}, "f"}, {Pos{File: "f", Line: 3}, "f:3"}, {Pos{File: "f", Line: 3, Col: 7}, "f:3:7"}, {Pos{Line: 4, Col: 2}, "4:2"}} {
		if got := c.p.String(); got != c.want {
			t.Errorf("%+v: %q, want %q", c.p, got, c.want)
		}
	}
}
