package transcode

import "bytes"

// extractValue returns the raw JSON value of key in the top-level object b (compact JSON as
// produced by protojson).
func extractValue(b []byte, key string) ([]byte, bool) {
	pat := appendJSONString(nil, key)
	pat = append(pat, ':')
	depth := 0
	inString := false
	for i := 0; i < len(b); i++ {
		c := b[i]
		if inString {
			if c == '\\' {
				i++
			} else if c == '"' {
				inString = false
			}
			continue
		}
		switch c {
		case '{', '[':
			depth++
		case '}', ']':
			depth--
		case '"':
			if depth == 1 && bytes.HasPrefix(b[i:], pat) {
				start := i + len(pat)
				end := valueEnd(b, start)
				return b[start:end], true
			}
			inString = true
		}
	}
	return nil, false
}

// valueEnd finds the end of the JSON value starting at start.
func valueEnd(b []byte, start int) int {
	depth := 0
	inString := false
	for i := start; i < len(b); i++ {
		c := b[i]
		if inString {
			if c == '\\' {
				i++
			} else if c == '"' {
				inString = false
				if depth == 0 {
					return i + 1
				}
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 {
				return i
			}
			depth--
			if depth == 0 {
				return i + 1
			}
		case ',':
			if depth == 0 {
				return i
			}
		}
	}
	return len(b)
}
