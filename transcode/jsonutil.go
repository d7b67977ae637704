package transcode

import "unicode/utf8"

// appendJSONString appends s as a JSON string literal (invalid UTF-8 becomes U+FFFD).
func appendJSONString(b []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&15])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, "\ufffd"...)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}

// compactJSON removes the insignificant whitespace protojson adds at random (it does so on
// purpose so nobody depends on its exact bytes); ESPv2's output is compact. It works in place
// on valid JSON and does not allocate.
func compactJSON(b []byte) []byte {
	w := 0
	inString := false
	for r := 0; r < len(b); r++ {
		c := b[r]
		if inString {
			b[w] = c
			w++
			switch c {
			case '\\':
				if r+1 < len(b) {
					r++
					b[w] = b[r]
					w++
				}
			case '"':
				inString = false
			}
			continue
		}
		switch c {
		case ' ', '\t', '\n', '\r':
			continue
		case '"':
			inString = true
		}
		b[w] = c
		w++
	}
	return b[:w]
}

// compactTail compacts b[start:] in place (b[:start] is a prefix such as `[` or `,` that is not
// JSON on its own).
func compactTail(b []byte, start int) []byte {
	return b[:start+len(compactJSON(b[start:]))]
}
