package transcode

import (
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// strictJSON rewrites a body that passed checkJSON into strict JSON for protojson: ESPv2's C++
// parser also takes single-quoted strings, bare keys, trailing commas, escapes such as `\v` or
// `\'`, and numbers such as `1.` or `-.5`. Strict input comes back unchanged in content.
func strictJSON(b []byte) []byte {
	out := make([]byte, 0, len(b)+16)
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c == '"' || c == '\'':
			s, n := lenientString(b[i:])
			out = appendJSONString(out, s)
			i += n
		case c == '}' || c == ']':
			if len(out) > 0 && out[len(out)-1] == ',' {
				out = out[:len(out)-1]
			}
			out = append(out, c)
			i++
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f':
			i++
		case isLetter(c):
			j := i + 1
			for j < len(b) && (isLetter(b[j]) || isDigit(b[j])) {
				j++
			}
			word := string(b[i:j])
			if followedByColon(b, j) {
				out = appendJSONString(out, word)
			} else {
				out = append(out, word...)
			}
			i = j
		case c == '-' || isDigit(c):
			j := i + 1
			for j < len(b) && (isDigit(b[j]) || b[j] == '.' || b[j] == 'e' || b[j] == 'E' || b[j] == '+' || b[j] == '-') {
				j++
			}
			out = appendNumber(out, string(b[i:j]))
			i = j
		default:
			out = append(out, c)
			i++
		}
	}
	return out
}

func followedByColon(b []byte, i int) bool {
	for ; i < len(b); i++ {
		switch b[i] {
		case ' ', '\t', '\n', '\r', '\v', '\f':
			continue
		case ':':
			return true
		default:
			return false
		}
	}
	return false
}

// appendNumber keeps a strict JSON number as written (no precision lost) and reformats the
// forms strtod accepts but JSON does not.
func appendNumber(out []byte, num string) []byte {
	if strictNumber(num) {
		return append(out, num...)
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return append(out, num...)
	}
	return strconv.AppendFloat(out, f, 'g', -1, 64)
}

func strictNumber(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && isDigit(s[i]):
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	default:
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if i >= len(s) || !isDigit(s[i]) {
			return false
		}
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if i >= len(s) || !isDigit(s[i]) {
			return false
		}
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	return i == len(s)
}

// lenientString decodes the string literal at the start of b the way the C++ parser does and
// returns it with the number of bytes consumed.
func lenientString(b []byte) (string, int) {
	quote := b[0]
	out := make([]byte, 0, len(b))
	i := 1
	for i < len(b) {
		c := b[i]
		if c == quote {
			return string(out), i + 1
		}
		if c != '\\' || i+1 >= len(b) {
			out = append(out, c)
			i++
			continue
		}
		e := b[i+1]
		switch e {
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'v':
			out = append(out, '\v')
		case 'u':
			if i+6 <= len(b) {
				if r, ok := hex4(b[i+2 : i+6]); ok {
					n := 6
					if utf16.IsSurrogate(r) && i+12 <= len(b) && b[i+6] == '\\' && b[i+7] == 'u' {
						if low, ok := hex4(b[i+8 : i+12]); ok {
							r = utf16.DecodeRune(r, low)
							n = 12
						}
					}
					out = utf8.AppendRune(out, r)
					i += n
					continue
				}
			}
			out = append(out, e)
		default:
			out = append(out, e)
		}
		i += 2
	}
	return string(out), i
}
