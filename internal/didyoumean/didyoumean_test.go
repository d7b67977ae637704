package didyoumean

import (
	"strings"
	"testing"

	_ "github.com/espctl/espctl/golden" // defines -update for `go test ./... -update`
)

func TestDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"service", "service", 0},
		{"servce", "service", 1},
		{"servcie", "service", 1}, // a swap is one edit
		{"", "abc", 3},
		{"backend", "backends", 1},
		{"kitten", "sitting", 3},
		{strings.Repeat("a", 300), strings.Repeat("a", 299) + "b", 1 << 20},
	} {
		if got := Distance(c.a, c.b); got != c.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}
