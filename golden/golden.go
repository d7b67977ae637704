// Package golden compares test output with files under testdata/ and rewrites them with
// `go test ./... -update`.
//
// Every package that has tests imports this package (at least from one _test.go file), because
// `go test ./... -update` passes -update to every test binary and a binary that does not
// define the flag fails.
package golden

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files with the output of the tests")

// Updating reports whether the tests run with -update.
func Updating() bool { return *update }

// Assert compares got with the golden file at path (relative to the test's package directory).
// With -update it writes got to the file instead.
func Assert(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden file %s: %v (run `go test ./... -update` to create it)", path, err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("golden mismatch for %s (run `go test ./... -update` if the change is intended):\n%s", path, Diff(string(want), string(got)))
	}
}

// AssertString is Assert for strings.
func AssertString(t testing.TB, path, got string) {
	t.Helper()
	Assert(t, path, []byte(got))
}

// Diff is a small line diff for failure messages: the first lines that differ, with context.
func Diff(want, got string) string {
	w := strings.Split(want, "\n")
	g := strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		wok, gok := i < len(w), i < len(g)
		if wok {
			wl = w[i]
		}
		if gok {
			gl = g[i]
		}
		if wok && gok && wl == gl {
			continue
		}
		if wok {
			b.WriteString("  line " + strconv.Itoa(i+1) + " want: " + wl + "\n")
		}
		if gok {
			b.WriteString("  line " + strconv.Itoa(i+1) + " got:  " + gl + "\n")
		}
		if shown++; shown >= 10 {
			b.WriteString("  ...\n")
			break
		}
	}
	return b.String()
}
