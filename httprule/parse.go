package httprule

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Parse parses a path template. It accepts what ESPv2's parser accepts, with one deliberate
// exception: a field path may not contain '/', '{', '*', ':', spaces or control characters
// (ESPv2 takes any byte but '.', '=' and '}', yet no request field can have such a name, and
// rejecting them here points at the typo instead of at a later "no such field").
//
// Lexical rules, as in ESPv2: a LITERAL (segment or verb) is one or more bytes up to the next
// '/', ':' or '}'; so `/a{b` is the literal `a{b`, but a segment cannot start with '*' or '{'
// unless it is a wildcard or a variable. An IDENT is one or more bytes up to '.', '=' or '}'.
//
// On failure the error is a *ParseError whose Col is the 1-based byte column inside tmpl;
// callers that know where the template sits in a file add that offset.
func Parse(tmpl string) (*Template, error) {
	p := parser{src: tmpl, t: &Template{Raw: tmpl, Segments: []Segment{}}}
	if err := p.template(); err != nil {
		return nil, err
	}
	return p.t, nil
}

// parser is a recursive-descent parser over the bytes of one template. Its methods follow the
// grammar rules of the package doc, one method per rule.
type parser struct {
	src string
	pos int
	t   *Template

	inVariable bool // between '{' and '}'
	seenDouble bool // a `**` was parsed: from now on only literals
	lastIsVar  bool // the segment just parsed was a whole variable `{...}`
	lastStart  int  // byte offset where the segment just parsed starts
}

func (p *parser) fail(pos int, msg string) error {
	return &ParseError{Template: p.src, Col: pos + 1, Msg: msg}
}

func (p *parser) eof() bool { return p.pos >= len(p.src) }

// at reports whether the next byte is c.
func (p *parser) at(c byte) bool { return p.pos < len(p.src) && p.src[p.pos] == c }

// quoteAt renders the character at pos for a message: `'}'`.
func (p *parser) quoteAt(pos int) string {
	r, _ := utf8.DecodeRuneInString(p.src[pos:])
	if r == utf8.RuneError {
		return strconv.Quote(p.src[pos : pos+1])
	}
	return strconv.QuoteRune(r)
}

// template = "/" | "/" Segments [ Verb ]
func (p *parser) template() error {
	if !p.at('/') {
		return p.fail(0, "a template must start with '/'")
	}
	p.pos++
	if p.eof() {
		return nil // the root template `/`
	}
	if err := p.segments(); err != nil {
		return err
	}
	if p.at(':') {
		if err := p.verb(); err != nil {
			return err
		}
	}
	if !p.eof() {
		return p.leftover()
	}
	return nil
}

// leftover explains the first byte that no rule consumed.
func (p *parser) leftover() error {
	if p.t.Verb != "" {
		return p.fail(p.pos, "unexpected character "+p.quoteAt(p.pos)+" after the verb (the verb must come last)")
	}
	// `/{id}.json`, `/x_{id}`: variables are whole segments only; say so rather than
	// "unexpected character".
	if p.lastIsVar {
		return p.fail(p.pos, "a variable must be a whole path segment")
	}
	if p.src[p.pos] == '}' {
		if brace := strings.IndexByte(p.src[p.lastStart:p.pos], '{'); brace >= 0 {
			return p.fail(p.lastStart+brace, "a variable must be a whole path segment")
		}
	}
	return p.fail(p.pos, "unexpected character "+p.quoteAt(p.pos))
}

// segments = Segment { "/" Segment }
func (p *parser) segments() error {
	for {
		if err := p.segment(); err != nil {
			return err
		}
		if !p.at('/') {
			return nil
		}
		p.pos++
	}
}

// segment = "*" | "**" | LITERAL | Variable
func (p *parser) segment() error {
	start := p.pos
	p.lastStart, p.lastIsVar = start, false
	if p.eof() {
		if p.inVariable {
			return p.fail(start, "missing '}' at the end of the variable")
		}
		return p.fail(start, "empty segment (a template cannot end with '/')")
	}
	switch c := p.src[start]; c {
	case '*':
		if p.seenDouble {
			return p.fail(start, "only literals may follow **")
		}
		p.pos++
		kind := Wildcard
		if p.at('*') {
			p.pos++
			kind = DoubleWildcard
			p.seenDouble = true
		}
		p.t.Segments = append(p.t.Segments, Segment{Kind: kind})
		return nil
	case '{':
		return p.variable()
	case '/', ':':
		return p.fail(start, "empty segment")
	case '}':
		if !p.inVariable {
			return p.fail(start, "unexpected character '}'")
		}
		if p.src[start-1] == '=' {
			return p.fail(start, "a variable must bind at least one segment")
		}
		return p.fail(start, "empty segment")
	default:
		p.t.Segments = append(p.t.Segments, Segment{Kind: Literal, Value: p.literal()})
		return nil
	}
}

// literal reads one or more bytes up to '/', ':', '}' or the end; the caller has checked that
// the first byte is none of those.
func (p *parser) literal() string {
	start := p.pos
	for !p.eof() {
		switch p.src[p.pos] {
		case '/', ':', '}':
			return p.src[start:p.pos]
		}
		p.pos++
	}
	return p.src[start:p.pos]
}

// variable = "{" FieldPath [ "=" Segments ] "}"
func (p *parser) variable() error {
	open := p.pos
	if p.inVariable {
		return p.fail(open, "variables cannot nest")
	}
	if p.seenDouble {
		return p.fail(open, "only literals may follow **")
	}
	p.pos++
	p.inVariable = true
	fieldPath, err := p.fieldPath()
	if err != nil {
		return err
	}
	first := len(p.t.Segments)
	if p.at('=') {
		p.pos++
		if err := p.segments(); err != nil {
			return err
		}
	} else {
		p.t.Segments = append(p.t.Segments, Segment{Kind: Wildcard}) // {x} = {x=*}
	}
	switch {
	case p.eof():
		return p.fail(p.pos, "missing '}' at the end of the variable")
	case p.at(':'):
		return p.fail(p.pos, "a verb cannot appear inside a variable")
	case !p.at('}'):
		return p.fail(p.pos, "unexpected character "+p.quoteAt(p.pos)+" in variable")
	}
	p.pos++
	p.inVariable = false
	p.t.Variables = append(p.t.Variables, Variable{FieldPath: fieldPath, Start: first, End: len(p.t.Segments)})
	p.lastStart, p.lastIsVar = open, true
	return nil
}

// fieldPath = IDENT { "." IDENT }
func (p *parser) fieldPath() (string, error) {
	start := p.pos
	for {
		identStart := p.pos
		for !p.eof() {
			c := p.src[p.pos]
			if c == '.' || c == '=' || c == '}' {
				break
			}
			if c == '{' {
				return "", p.fail(p.pos, "variables cannot nest")
			}
			if c == '/' || c == '*' || c == ':' || c <= ' ' || c == 0x7f {
				return "", p.fail(p.pos, "unexpected character "+p.quoteAt(p.pos)+" in field path")
			}
			p.pos++
		}
		if p.pos == identStart {
			if identStart == start && !p.at('.') {
				return "", p.fail(p.pos, "empty field path")
			}
			return "", p.fail(p.pos, "empty field name in field path")
		}
		if !p.at('.') {
			break
		}
		p.pos++
	}
	if p.eof() {
		return "", p.fail(p.pos, "missing '}' at the end of the variable")
	}
	return p.src[start:p.pos], nil
}

// verb = ":" LITERAL
func (p *parser) verb() error {
	p.pos++ // ':'
	start := p.pos
	verb := p.literal()
	if verb == "" {
		return p.fail(start, "empty verb")
	}
	p.t.Verb = verb
	return nil
}
