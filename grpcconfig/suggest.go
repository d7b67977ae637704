package grpcconfig

import (
	"strings"

	"github.com/espctl/espctl/internal/didyoumean"
)

// suggest returns the candidate closest to s (ignoring case and `_`), when it is close
// enough to be a likely typo, or "".
func suggest(s string, candidates []string) string {
	norm := func(x string) string { return strings.ToLower(strings.ReplaceAll(x, "_", "")) }
	ns := norm(s)
	best, bestDist := "", 1<<30
	for _, c := range candidates {
		if dist := didyoumean.Distance(ns, norm(c)); dist < bestDist {
			best, bestDist = c, dist
		}
	}
	limit := max(2, len(s)/3)
	if bestDist <= limit {
		return best
	}
	return ""
}

// protoErr renders an error from the protobuf runtime for a diagnostic. The runtime randomly
// puts a non-breaking space after "proto:" so nobody matches its messages; diagnostics must
// be byte-stable (golden files, scripts), so the prefix goes and the spaces are normalized.
func protoErr(err error) string {
	msg := strings.ReplaceAll(err.Error(), "\u00a0", " ")
	return strings.TrimPrefix(msg, "proto: ")
}
