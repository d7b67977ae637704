package flags

import (
	"strings"

	"github.com/espctl/espctl/diag"
)

// ReadArgsFile reads a file with one flag per line: blank lines and lines starting with `#` are
// skipped, a line holds `--a=b` or `--a b` (the value is the rest of the line; one pair of
// surrounding quotes is removed, as a shell would). It returns the argv items and, for each,
// the position it came from, so errors can point at file:line:col.
func ReadArgsFile(name string, data []byte) ([]string, []diag.Pos) {
	var items []string
	var pos []diag.Pos
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimRight(line, "\r")
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		col := strings.Index(line, trimmed) + 1
		at := diag.Pos{File: name, Line: i + 1, Col: col}
		flag, value, hasSpace := strings.Cut(trimmed, " ")
		if !hasSpace {
			flag, value, hasSpace = strings.Cut(trimmed, "\t")
		}
		if hasSpace && strings.HasPrefix(flag, "-") && !strings.Contains(flag, "=") {
			value = strings.TrimSpace(value)
			items = append(items, flag, unquote(value))
			pos = append(pos, at, diag.Pos{File: name, Line: i + 1, Col: col + strings.Index(trimmed[len(flag):], value) + len(flag)})
			continue
		}
		if k, v, ok := strings.Cut(trimmed, "="); ok && strings.HasPrefix(k, "-") {
			trimmed = k + "=" + unquote(v)
		}
		items = append(items, trimmed)
		pos = append(pos, at)
	}
	return items, pos
}

// unquote removes one pair of matching surrounding quotes.
func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}
