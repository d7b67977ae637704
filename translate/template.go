package translate

import (
	"strings"

	"github.com/espctl/espctl/httprule"
)

// parseTemplate parses an HTTP rule path template.
//
// It is a stop-gap with ESPv2's grammar (see the httprule package doc) until httprule.Parse
// lands; then it becomes a call to httprule.Parse.
func parseTemplate(raw string) (httprule.Template, error) {
	p := &templateParser{src: raw}
	t, err := p.parse()
	if err != nil {
		return httprule.Template{}, err
	}
	t.Raw = raw
	return t, nil
}

type templateParser struct {
	src        string
	pos        int
	afterDWild bool // a `**` was seen: only literals may follow
	t          httprule.Template
}

func (p *templateParser) fail(msg string) error {
	return &httprule.ParseError{Template: p.src, Col: p.pos + 1, Msg: msg}
}

func (p *templateParser) peek() byte {
	if p.pos < len(p.src) {
		return p.src[p.pos]
	}
	return 0
}

func (p *templateParser) parse() (httprule.Template, error) {
	if p.peek() != '/' {
		return p.t, p.fail("must start with '/'")
	}
	p.pos++
	if p.pos == len(p.src) {
		return p.t, nil
	}
	if err := p.segments(false); err != nil {
		return p.t, err
	}
	if p.peek() == ':' {
		p.pos++
		v := p.literal()
		if v == "" {
			return p.t, p.fail("empty verb")
		}
		p.t.Verb = v
	}
	if p.pos != len(p.src) {
		return p.t, p.fail("unexpected " + quoteByte(p.peek()))
	}
	return p.t, nil
}

func (p *templateParser) segments(inVar bool) error {
	for {
		if err := p.segment(inVar); err != nil {
			return err
		}
		if p.peek() != '/' {
			return nil
		}
		p.pos++
	}
}

func (p *templateParser) segment(inVar bool) error {
	switch {
	case strings.HasPrefix(p.src[p.pos:], "**"):
		if p.afterDWild {
			return p.fail("only literal segments may follow '**'")
		}
		p.pos += 2
		p.afterDWild = true
		p.t.Segments = append(p.t.Segments, httprule.Segment{Kind: httprule.DoubleWildcard})
	case p.peek() == '*':
		if p.afterDWild {
			return p.fail("only literal segments may follow '**'")
		}
		p.pos++
		p.t.Segments = append(p.t.Segments, httprule.Segment{Kind: httprule.Wildcard})
	case p.peek() == '{':
		if inVar {
			return p.fail("variables cannot nest")
		}
		if p.afterDWild {
			return p.fail("only literal segments may follow '**'")
		}
		return p.variable()
	default:
		lit := p.literal()
		if lit == "" {
			return p.fail("empty segment")
		}
		p.t.Segments = append(p.t.Segments, httprule.Segment{Kind: httprule.Literal, Value: lit})
	}
	return nil
}

func (p *templateParser) literal() string {
	start := p.pos
	for p.pos < len(p.src) && !strings.ContainsRune("/:}{", rune(p.src[p.pos])) {
		p.pos++
	}
	return p.src[start:p.pos]
}

func (p *templateParser) variable() error {
	p.pos++ // '{'
	start := p.pos
	for {
		if !p.ident() {
			return p.fail("expected a field name")
		}
		if p.peek() != '.' {
			break
		}
		p.pos++
	}
	v := httprule.Variable{FieldPath: p.src[start:p.pos], Start: len(p.t.Segments)}
	if p.peek() == '=' {
		p.pos++
		if err := p.segments(true); err != nil {
			return err
		}
	} else {
		p.t.Segments = append(p.t.Segments, httprule.Segment{Kind: httprule.Wildcard})
	}
	if p.peek() != '}' {
		return p.fail("expected '}'")
	}
	p.pos++
	v.End = len(p.t.Segments)
	p.t.Variables = append(p.t.Variables, v)
	return nil
}

func (p *templateParser) ident() bool {
	start := p.pos
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		if c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || p.pos > start && c >= '0' && c <= '9' {
			p.pos++
			continue
		}
		break
	}
	return p.pos > start
}

func quoteByte(c byte) string {
	if c == 0 {
		return "end of template"
	}
	return "'" + string(c) + "'"
}
