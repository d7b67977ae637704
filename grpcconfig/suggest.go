package grpcconfig

import "strings"

// suggest returns the candidate closest to s (ignoring case and `_`), when it is close
// enough to be a likely typo, or "".
func suggest(s string, candidates []string) string {
	norm := func(x string) string { return strings.ToLower(strings.ReplaceAll(x, "_", "")) }
	ns := norm(s)
	best, bestDist := "", 1<<30
	for _, c := range candidates {
		if dist := levenshtein(ns, norm(c)); dist < bestDist {
			best, bestDist = c, dist
		}
	}
	limit := max(2, len(s)/3)
	if bestDist <= limit {
		return best
	}
	return ""
}

func levenshtein(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		if a == b {
			return 0
		}
		return 1 << 20
	}
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
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// protoErr renders an error from the protobuf runtime for a diagnostic. The runtime randomly
// puts a non-breaking space after "proto:" so nobody matches its messages; diagnostics must
// be byte-stable (golden files, scripts), so the prefix goes and the spaces are normalized.
func protoErr(err error) string {
	msg := strings.ReplaceAll(err.Error(), "\u00a0", " ")
	return strings.TrimPrefix(msg, "proto: ")
}
