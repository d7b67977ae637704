package flags

import "strings"

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
			d := editDistance(name, cand)
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

// editDistance is the Levenshtein distance, counting a swap of two neighbours as one edit.
func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return max(len(a), len(b))
	}
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
