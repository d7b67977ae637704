package httprule

// unescape percent-decodes a path variable value as ESPv2's transcoder does. With
// keepReserved (multi-segment variables) the escapes of RFC 6570 reserved characters stay as
// they are, so an encoded '/' cannot be confused with a segment separator. Malformed escapes
// (`%`, `%4`, `%zz`) are kept verbatim; '+' is not a space in paths.
func unescape(s string, keepReserved bool) string {
	first := -1
	for i := 0; i+2 < len(s); i++ {
		if s[i] == '%' && decodable(s, i, keepReserved) {
			first = i
			break
		}
	}
	if first < 0 {
		return s // the common case: nothing to decode, no allocation
	}
	b := make([]byte, 0, len(s))
	b = append(b, s[:first]...)
	for i := first; i < len(s); {
		if s[i] == '%' && i+2 < len(s) && decodable(s, i, keepReserved) {
			b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 3
			continue
		}
		b = append(b, s[i])
		i++
	}
	return string(b)
}

// decodable reports whether s[i:i+3] is an escape to decode; the caller checked i+2 < len(s).
func decodable(s string, i int, keepReserved bool) bool {
	if !isHex(s[i+1]) || !isHex(s[i+2]) {
		return false
	}
	return !keepReserved || !isReserved(unhex(s[i+1])<<4|unhex(s[i+2]))
}

// isReserved reports the RFC 6570 reserved characters: gen-delims and sub-delims.
func isReserved(c byte) bool {
	switch c {
	case '!', '#', '$', '&', '\'', '(', ')', '*', '+', ',', '/', ':', ';', '=', '?', '@', '[', ']':
		return true
	}
	return false
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}
