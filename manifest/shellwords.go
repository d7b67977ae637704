package manifest

import "strings"

// shellToken is one word of a shell command with its byte range in the original text and its
// value after quote removal.
type shellToken struct {
	start, end int
	value      string
	// quoted records whether any part was quoted, so rewrites can keep quoting.
	quoted bool
}

// shellCommand is one logical command: the tokens up to an unquoted newline (a backslash
// continuation does not end it), `;`, `&&`, `||` or `|`.
type shellCommand struct {
	tokens []shellToken
}

// splitShell tokenises src[start:end) into commands. It understands single and double quotes,
// backslash escapes and continuations; it does not expand anything ($VAR stays as written).
func splitShell(src []byte, start, end int) []shellCommand {
	var cmds []shellCommand
	var cur shellCommand
	i := start
	flush := func() {
		if len(cur.tokens) > 0 {
			cmds = append(cmds, cur)
		}
		cur = shellCommand{}
	}
	for i < end {
		c := src[i]
		switch {
		case c == '\\' && i+1 < end && src[i+1] == '\n':
			i += 2
			continue
		case c == ' ' || c == '\t' || c == '\r':
			i++
			continue
		case c == '\n' || c == ';' || c == '|' || c == '&':
			flush()
			i++
			continue
		case c == '#':
			for i < end && src[i] != '\n' {
				i++
			}
			continue
		}
		tok := shellToken{start: i}
		var val []byte
	word:
		for i < end {
			c := src[i]
			switch c {
			case ' ', '\t', '\r', '\n', ';', '|', '&':
				break word
			case '\\':
				if i+1 < end && src[i+1] == '\n' {
					break word
				}
				if i+1 < end {
					val = append(val, src[i+1])
					i += 2
					continue
				}
				i++
			case '\'':
				tok.quoted = true
				i++
				for i < end && src[i] != '\'' {
					val = append(val, src[i])
					i++
				}
				i++
			case '"':
				tok.quoted = true
				i++
				for i < end && src[i] != '"' {
					if src[i] == '\\' && i+1 < end && (src[i+1] == '"' || src[i+1] == '\\' || src[i+1] == '$') {
						i++
					}
					val = append(val, src[i])
					i++
				}
				i++
			default:
				val = append(val, c)
				i++
			}
		}
		if i > end {
			i = end
		}
		tok.end = i
		tok.value = string(val)
		cur.tokens = append(cur.tokens, tok)
	}
	flush()
	return cmds
}

// shellQuote renders a word for a shell, quoting only when needed; `$` stays expandable.
func shellQuote(s string) string {
	if s == "" {
		return "''"
	}
	needs := false
	for _, r := range s {
		switch r {
		case ' ', '\t', '\n', ';', '&', '|', '<', '>', '(', ')', '\'', '"', '\\', '*', '?', '[', ']', '#', '~', '`', '!', '{', '}':
			needs = true
		}
	}
	if !needs {
		return s
	}
	out := []byte{'"'}
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"', '\\', '`':
			out = append(out, '\\')
		}
		out = append(out, s[i])
	}
	return string(append(out, '"'))
}

// quoteLikeWord renders value the way the original word was quoted, so a rewrite keeps the
// script's style: `'...'` stays single-quoted, `--image="..."` keeps its quotes after the `=`.
func quoteLikeWord(original, value string) string {
	prefix, rest := "", original
	if i := strings.IndexAny(original, "'\""); i > 0 && strings.HasSuffix(original[:i], "=") && strings.HasPrefix(value, original[:i]) {
		prefix, rest, value = original[:i], original[i:], strings.TrimPrefix(value, original[:i])
	}
	switch {
	case strings.HasPrefix(rest, "'") && !strings.Contains(value, "'"):
		return prefix + "'" + value + "'"
	case strings.HasPrefix(rest, "\""):
		q := shellQuote(value)
		if !strings.HasPrefix(q, "\"") {
			q = "\"" + q + "\""
		}
		return prefix + q
	}
	return prefix + shellQuote(value)
}
