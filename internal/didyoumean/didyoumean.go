// Package didyoumean measures how far a misspelled name is from the names a reader expected,
// for the "did you mean" hints of the flag, service-config and OpenAPI checkers.
package didyoumean

// maxLen bounds the work on hostile input: longer strings are never suggested.
const maxLen = 256

// Distance is the edit distance between a and b (insertions, deletions, substitutions, and a
// swap of two neighbours counted as one edit, since `--servcie` is one slip, not two).
// Strings longer than 256 bytes are as far apart as possible unless they are equal.
func Distance(a, b string) int {
	if a == b {
		return 0
	}
	if len(a) > maxLen || len(b) > maxLen {
		return 1 << 20
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
