package transcode

// checkJSON reproduces the syntax check of protobuf's C++ JsonStreamParser, which ESPv2's
// transcoder runs on request bodies, so a malformed body gets ESPv2's exact 400 message:
// the parser's text, a newline, up to 20 bytes of input either side of the error, a newline
// and a caret under the error (headers-and-errors.md 2.5). Like that parser it is lenient:
// single-quoted strings, bare keys and trailing commas pass; the protojson decode that follows
// rejects what the message cannot hold.
//
// The C++ parser is fed the body in one chunk and then finished. Where the chunk ends in the
// middle of a token it stops ("cancels") and keeps the rest as leftover; finishing re-parses
// only that leftover, which is why an error at the end of the body shows an empty window.
func checkJSON(body []byte) error {
	p := &jsonParser{json: body, stack: []parseState{stateValue}}
	err := p.run()
	if err == errCancel {
		p.json = p.json[p.pos:]
		p.pos = 0
		p.finishing = true
		err = p.run()
	}
	if err != nil {
		return err
	}
	p.skipSpace()
	if p.pos < len(p.json) {
		return p.fail("Parsing terminated before end of input.")
	}
	return nil
}

type parseState uint8

const (
	stateValue parseState = iota
	stateObjMid
	stateEntry
	stateEntryMid
	stateArrayValue
	stateArrayMid
)

type tokenType uint8

const (
	tokUnknown tokenType = iota
	tokBeginString
	tokBeginNumber
	tokTrue
	tokFalse
	tokNull
	tokBeginObject
	tokEndObject
	tokBeginArray
	tokEndArray
	tokEntrySep
	tokValueSep
	tokBeginKey
)

const (
	jsonContext       = 20  // bytes of input shown either side of an error
	jsonMaxRecursion  = 100 // nesting limit of the C++ parser
	jsonKeywordLength = 5   // len("false"): shorter leftovers may still become a keyword
)

type cancelError struct{}

func (cancelError) Error() string { return "cancelled" }

// errCancel means the parser needs more input than the chunk had.
var errCancel error = cancelError{}

type jsonParser struct {
	json       []byte
	pos        int
	finishing  bool
	stack      []parseState
	stringOpen byte // quote of a string cut by the end of the chunk
	depth      int
}

func (p *jsonParser) run() error {
	for len(p.stack) > 0 {
		state := p.stack[len(p.stack)-1]
		var t tokenType
		if p.stringOpen != 0 {
			t = tokBeginString
		} else {
			t = p.nextToken()
		}
		p.stack = p.stack[:len(p.stack)-1]
		var err error
		switch state {
		case stateValue:
			err = p.parseValue(t)
		case stateObjMid:
			err = p.parseObjMid(t)
		case stateEntry:
			err = p.parseEntry(t)
		case stateEntryMid:
			err = p.parseEntryMid(t)
		case stateArrayValue:
			err = p.parseArrayValue(t)
		case stateArrayMid:
			err = p.parseArrayMid(t)
		}
		if err != nil {
			if err == errCancel && !p.finishing {
				p.stack = append(p.stack, state)
			}
			return err
		}
	}
	return nil
}

func (p *jsonParser) push(s ...parseState) { p.stack = append(p.stack, s...) }

func (p *jsonParser) rest() []byte { return p.json[p.pos:] }

func (p *jsonParser) skipSpace() {
	for p.pos < len(p.json) {
		switch p.json[p.pos] {
		case ' ', '\t', '\n', '\r', '\v', '\f':
			p.pos++
		default:
			return
		}
	}
}

func hasPrefix(b []byte, s string) bool { return len(b) >= len(s) && string(b[:len(s)]) == s }

func isLetter(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '$'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isHex(c byte) bool { return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

func (p *jsonParser) nextToken() tokenType {
	p.skipSpace()
	r := p.rest()
	if len(r) == 0 {
		return tokUnknown
	}
	c := r[0]
	switch {
	case c == '"' || c == '\'':
		return tokBeginString
	case c == '-' || isDigit(c):
		return tokBeginNumber
	case hasPrefix(r, "true"):
		return tokTrue
	case hasPrefix(r, "false"):
		return tokFalse
	case hasPrefix(r, "null"):
		return tokNull
	case c == '{':
		return tokBeginObject
	case c == '}':
		return tokEndObject
	case c == '[':
		return tokBeginArray
	case c == ']':
		return tokEndArray
	case c == ':':
		return tokEntrySep
	case c == ',':
		return tokValueSep
	case isLetter(c) || c&0x80 != 0:
		return tokBeginKey
	}
	return tokUnknown
}

// fail builds the 400 with the C++ parser's window and caret.
func (p *jsonParser) fail(msg string) error {
	begin := max(p.pos-jsonContext, 0)
	end := min(p.pos+jsonContext, len(p.json))
	b := make([]byte, 0, len(msg)+2*jsonContext+p.pos-begin+3)
	b = append(b, msg...)
	b = append(b, '\n')
	b = append(b, p.json[begin:end]...)
	b = append(b, '\n')
	for i := begin; i < p.pos; i++ {
		b = append(b, ' ')
	}
	b = append(b, '^')
	return &Error{Status: 400, Message: string(b)}
}

// unknown is ReportUnknown: wait for more input, or fail once finishing.
func (p *jsonParser) unknown(msg string) error {
	if !p.finishing {
		return errCancel
	}
	if p.pos >= len(p.json) {
		return p.fail("Unexpected end of string. " + msg)
	}
	return p.fail(msg)
}

func (p *jsonParser) parseValue(t tokenType) error {
	switch t {
	case tokBeginObject:
		p.pos++
		if err := p.enter(); err != nil {
			return err
		}
		p.push(stateEntry)
		return nil
	case tokBeginArray:
		p.pos++
		if err := p.enter(); err != nil {
			return err
		}
		p.push(stateArrayValue)
		return nil
	case tokBeginString:
		return p.parseString()
	case tokBeginNumber:
		return p.parseNumber()
	case tokTrue:
		p.pos += 4
		return nil
	case tokFalse:
		p.pos += 5
		return nil
	case tokNull:
		p.pos += 4
		return nil
	case tokUnknown:
		return p.unknown("Expected a value.")
	}
	if !p.finishing && len(p.rest()) < jsonKeywordLength {
		return errCancel
	}
	return p.fail("Unexpected token.")
}

func (p *jsonParser) enter() error {
	p.depth++
	if p.depth > jsonMaxRecursion {
		return &Error{Status: 400, Message: "Message too deep. Max recursion depth reached."}
	}
	return nil
}

func (p *jsonParser) parseObjMid(t tokenType) error {
	switch t {
	case tokUnknown:
		return p.unknown("Expected , or } after key:value pair.")
	case tokEndObject:
		p.pos++
		p.depth--
		return nil
	case tokValueSep:
		p.pos++
		p.push(stateEntry)
		return nil
	}
	return p.fail("Expected , or } after key:value pair.")
}

func (p *jsonParser) parseEntry(t tokenType) error {
	var err error
	switch t {
	case tokUnknown:
		return p.unknown("Expected an object key or }.")
	case tokEndObject: // trailing commas are accepted
		p.pos++
		p.depth--
		return nil
	case tokBeginString:
		err = p.parseString()
	case tokBeginKey:
		_, err = p.parseKey()
	case tokTrue, tokFalse, tokNull:
		var key string
		if key, err = p.parseKey(); err == nil && (key == "true" || key == "false" || key == "null") {
			err = p.fail("Expected an object key or }.")
		}
	default:
		err = p.fail("Expected an object key or }.")
	}
	if err == nil {
		p.push(stateObjMid, stateEntryMid)
	}
	return err
}

func (p *jsonParser) parseKey() (string, error) {
	start := p.pos
	r := p.rest()
	if len(r) == 0 || !isLetter(r[0]) {
		return "", p.fail("Invalid key or variable name.")
	}
	n := 1
	for n < len(r) && (isLetter(r[n]) || isDigit(r[n])) {
		n++
	}
	if !p.finishing && n == len(r) {
		return "", errCancel
	}
	p.pos = start + n
	return string(r[:n]), nil
}

func (p *jsonParser) parseEntryMid(t tokenType) error {
	switch t {
	case tokUnknown:
		return p.unknown("Expected : between key:value pair.")
	case tokEntrySep:
		p.pos++
		p.push(stateValue)
		return nil
	}
	return p.fail("Expected : between key:value pair.")
}

func (p *jsonParser) parseArrayValue(t tokenType) error {
	switch t {
	case tokUnknown:
		return p.unknown("Expected a value or ] within an array.")
	case tokEndArray: // trailing commas are accepted
		p.pos++
		p.depth--
		return nil
	}
	p.push(stateArrayMid)
	err := p.parseValue(t)
	if err == errCancel {
		p.stack = p.stack[:len(p.stack)-1]
	}
	return err
}

func (p *jsonParser) parseArrayMid(t tokenType) error {
	switch t {
	case tokUnknown:
		return p.unknown("Expected , or ] after array value.")
	case tokEndArray:
		p.pos++
		p.depth--
		return nil
	case tokValueSep:
		p.pos++
		p.push(stateArrayValue)
		return nil
	}
	return p.fail("Expected , or ] after array value.")
}

func (p *jsonParser) parseString() error {
	if p.stringOpen == 0 {
		p.stringOpen = p.json[p.pos]
		p.pos++
	}
	for p.pos < len(p.json) {
		c := p.json[p.pos]
		if c == '\\' {
			if p.pos+1 == len(p.json) {
				if !p.finishing {
					return errCancel
				}
				return p.fail("Closing quote expected in string.")
			}
			if p.json[p.pos+1] == 'u' {
				if err := p.parseUnicodeEscape(); err != nil {
					return err
				}
				continue
			}
			p.pos += 2
			continue
		}
		p.pos++
		if c == p.stringOpen {
			p.stringOpen = 0
			return nil
		}
	}
	if !p.finishing {
		return errCancel
	}
	p.stringOpen = 0
	return p.fail("Closing quote expected in string.")
}

func (p *jsonParser) parseUnicodeEscape() error {
	const n = 6 // \uXXXX
	r := p.rest()
	if len(r) < n {
		if !p.finishing {
			return errCancel
		}
		return p.fail("Illegal hex string.")
	}
	code, ok := hex4(r[2:6])
	if !ok {
		return p.fail("Invalid escape sequence.")
	}
	if code >= 0xD800 && code <= 0xDBFF {
		switch {
		case len(r) < 2*n:
			if !p.finishing {
				return errCancel
			}
			return p.fail("Missing low surrogate.")
		case r[n] == '\\' && r[n+1] == 'u':
			low, ok := hex4(r[n+2 : 2*n])
			if !ok {
				return p.fail("Invalid escape sequence.")
			}
			if low < 0xDC00 || low > 0xDFFF {
				return p.fail("Invalid low surrogate.")
			}
			p.pos += n
		default:
			return p.fail("Missing low surrogate.")
		}
	} else if code >= 0xDC00 && code <= 0xDFFF {
		return p.fail("Invalid unicode code point.")
	}
	p.pos += n
	return nil
}

func hex4(b []byte) (rune, bool) {
	var code rune
	for _, c := range b {
		if !isHex(c) {
			return 0, false
		}
		var d byte
		switch {
		case isDigit(c):
			d = c - '0'
		case c >= 'a':
			d = c - 'a' + 10
		default:
			d = c - 'A' + 10
		}
		code = code<<4 | rune(d)
	}
	return code, true
}

func (p *jsonParser) parseNumber() error {
	r := p.rest()
	floating := false
	negative := r[0] == '-'
	n := 0
	for ; n < len(r); n++ {
		c := r[n]
		switch {
		case isDigit(c), c == '+', c == '-', c == 'x':
		case c == '.' || c == 'e' || c == 'E':
			floating = true
		default:
			goto end
		}
	}
end:
	if !p.finishing && n == len(r) {
		return errCancel
	}
	num := string(r[:n])
	if !floating {
		if !negative && len(num) >= 2 && num[0] == '0' || negative && len(num) >= 3 && num[1] == '0' {
			return p.fail("Octal/hex numbers are not valid JSON values.")
		}
	}
	if !validNumber(num) {
		return p.fail("Unable to parse number.")
	}
	p.pos += n
	return nil
}

// validNumber accepts what strtod accepts for the characters the scanner collects.
func validNumber(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		i++
	}
	digits := 0
	for i < len(s) && isDigit(s[i]) {
		i++
		digits++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && isDigit(s[i]) {
			i++
			digits++
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '-' || s[i] == '+') {
			i++
		}
		exp := 0
		for i < len(s) && isDigit(s[i]) {
			i++
			exp++
		}
		if exp == 0 {
			return false
		}
	}
	return i == len(s)
}
