package flags

import (
	"errors"
	"slices"
	"strings"
)

// ErrEmptyDelimiter is the `^^...` form of ESP_ARGS / ESPv2_ARGS: both launchers serve an HTTP
// 503 page instead of starting the proxy.
var ErrEmptyDelimiter = errors.New(`empty custom delimiter "^^": the launcher would serve an HTTP 503 page instead of starting the proxy`)

// SplitESPArgs splits an ESP_ARGS or ESPv2_ARGS value exactly as both serverless launchers do
// (flag-migration.md section 3): the delimiter is `,` unless the value starts with `^D^`, in
// which case it is D; the split is a literal substring split with no trimming and no quote
// removal, and empty items are kept (so an empty value is one empty item).
func SplitESPArgs(value string) ([]string, error) {
	delim := ","
	if strings.HasPrefix(value, "^") {
		if end := strings.Index(value[1:], "^"); end >= 0 {
			delim = value[1 : 1+end]
			value = value[2+end:]
			if delim == "" {
				return nil, ErrEmptyDelimiter
			}
		}
	}
	return strings.Split(value, delim), nil
}

// delimiterCandidates are tried in order when a value needs the `^D^` form.
var delimiterCandidates = []string{"++", "@@", ";;", "|", "##", "~~", "::", "%%"}

// JoinESPv2Args writes items as an ESPv2_ARGS value: joined with `,` when that splits back to
// the same items, otherwise `^D^` followed by the items joined with the first delimiter D (no
// `^`, found in no item) that splits back exactly. Items are written as they are: no quoting,
// no spaces after delimiters. An empty list gives "" (callers must not set the variable then).
func JoinESPv2Args(items []string) string {
	if len(items) == 0 {
		return ""
	}
	if plain := strings.Join(items, ","); splitsBack(plain, items) {
		return plain
	}
	for _, d := range delimiterCandidates {
		if v := "^" + d + "^" + strings.Join(items, d); splitsBack(v, items) {
			return v
		}
	}
	// Items that contain every candidate: a character that occurs in no item always works
	// (the split can then only cut at delimiters); the private-use area has plenty.
	for r := rune(0xE000); ; r++ {
		d := string(r)
		if !slices.ContainsFunc(items, func(s string) bool { return strings.Contains(s, d) }) {
			return "^" + d + "^" + strings.Join(items, d)
		}
	}
}

func splitsBack(v string, items []string) bool {
	got, err := SplitESPArgs(v)
	if err != nil || len(got) != len(items) {
		return false
	}
	for i := range got {
		if got[i] != items[i] {
			return false
		}
	}
	return true
}
