package flags

import (
	"strings"

	"github.com/espctl/espctl/internal/didyoumean"
)

// Suggest returns the registry spelling closest to an unknown option (`--servce` ->
// `--service`), or "" when nothing is close enough to be a likely typo.
func Suggest(reg *Registry, option string) string {
	name := strings.TrimLeft(option, "-")
	name, _, _ = strings.Cut(name, "=")
	if name == "" {
		return ""
	}
	best, bestDist := "", -1
	for _, f := range reg.Flags {
		for _, cand := range append([]string{f.Name}, f.Aliases...) {
			d := didyoumean.Distance(name, cand)
			if strings.HasPrefix(cand, name) || strings.HasPrefix(name, cand) {
				d = min(d, 1+abs(len(cand)-len(name))/4)
			}
			if bestDist < 0 || d < bestDist {
				best, bestDist = "--"+cand, d
			}
		}
	}
	if bestDist < 0 || bestDist > max(2, len(name)/3) {
		return ""
	}
	return best
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
