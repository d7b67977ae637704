package flags

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/espctl/espctl/diag"
)

// Arg is one flag occurrence (or one stray positional item) as the parser read it.
type Arg struct {
	// Flag is the registry entry; nil for an unknown flag or a positional item.
	Flag *Flag
	// Option is the spelling that selected the flag, as written when unknown ("--foo", "-q").
	Option string
	// Value is the flag's value; HasValue tells `--a=` (empty value) from `--a`.
	Value    string
	HasValue bool
	// Negated is set for the `--no-name` form of a TypeNegBool flag.
	Negated bool
	// Positional marks an item that is not a flag at all (neither parser accepts one).
	Positional bool
	// Input is the text the occurrence came from (one or two argv items, joined by a space).
	Input string
	// Index is the position of the first argv item.
	Index int
}

// Name is the canonical long name of a known flag, or the written name without dashes.
func (a Arg) Name() string {
	if a.Flag != nil {
		return a.Flag.Name
	}
	return strings.TrimLeft(a.Option, "-")
}

// Known reports whether the argument is a registry flag.
func (a Arg) Known() bool { return a.Flag != nil }

// ParseError is input that cannot be parsed: a missing value, a value of the wrong type, an
// ambiguous abbreviation. Pos is set when the input came from a file.
type ParseError struct {
	Option string
	Msg    string
	Index  int
	Pos    diag.Pos
}

func (e *ParseError) Error() string {
	var b strings.Builder
	if p := e.Pos.String(); p != "" {
		b.WriteString(p + ": ")
	}
	if e.Option != "" {
		b.WriteString(e.Option + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// ParseESPv1 reads an ESPv1 command line. It resolves unique-prefix abbreviations, short forms
// and short clusters like ESPv1's argparse did. Unknown flags and stray items are returned
// (Flag nil) rather than rejected, so the migration can report each of them; a missing value,
// a bad number, a bad choice or an ambiguous prefix is a *ParseError.
func ParseESPv1(args []string) ([]Arg, error) { return Parse(ESPv1(), args, true) }

// Parse reads args against a registry with the rules of Python's argparse, which both proxies
// use. In lenient mode unknown flags and positional items are returned instead of failing, and
// a boolean given `=true`/`=false` is accepted (the value is kept in Arg.Value).
func Parse(reg *Registry, args []string, lenient bool) ([]Arg, error) {
	p := &parser{reg: reg, args: args, lenient: lenient}
	return p.run()
}

type parser struct {
	reg     *Registry
	args    []string
	lenient bool
	out     []Arg
}

// itemKind is how argparse classifies one argv item before parsing (its "O"/"A" pattern).
type itemKind int

const (
	kindPositional itemKind = iota
	kindKnown
	kindUnknown
)

type resolved struct {
	kind     itemKind
	ref      optionRef
	option   string  // the option string matched (known) or written (unknown)
	explicit *string // the text after `=`, or after a short flag's letter
}

// negativeNumber matches what argparse lets through as a value even though it starts with `-`
// (neither registry has an option that looks like a negative number).
var negativeNumber = regexp.MustCompile(`^-\d+$|^-\d*\.\d+$`)

// resolve classifies one item the way argparse's _parse_optional does, in the same order.
func (p *parser) resolve(item string) (resolved, error) {
	if item == "" || item[0] != '-' {
		return resolved{kind: kindPositional}, nil
	}
	if ref, ok := p.reg.byOption[item]; ok {
		return resolved{kind: kindKnown, ref: ref, option: item}, nil
	}
	if len(item) == 1 {
		return resolved{kind: kindPositional}, nil
	}
	if name, val, ok := strings.Cut(item, "="); ok {
		if ref, ok := p.reg.byOption[name]; ok {
			return resolved{kind: kindKnown, ref: ref, option: name, explicit: &val}, nil
		}
	}
	if strings.HasPrefix(item, "--") {
		prefix, val, hasVal := strings.Cut(item, "=")
		var matches []string
		for _, o := range p.reg.longOptions {
			if strings.HasPrefix(o, prefix) {
				matches = append(matches, o)
			}
		}
		if len(matches) > 1 {
			return resolved{}, &ParseError{Option: prefix, Msg: fmt.Sprintf("ambiguous option: could match %s", strings.Join(matches, ", "))}
		}
		if len(matches) == 1 {
			r := resolved{kind: kindKnown, ref: p.reg.byOption[matches[0]], option: matches[0]}
			if hasVal {
				r.explicit = &val
			}
			return r, nil
		}
	} else if ref, ok := p.reg.byOption[item[:2]]; ok {
		rest := item[2:]
		return resolved{kind: kindKnown, ref: ref, option: item[:2], explicit: &rest}, nil
	}
	// argparse treats an item with a space as a value; only the name part counts here, so that
	// `--unknown=a b` stays one unknown flag and prints back the same way.
	name, _, _ := strings.Cut(item, "=")
	if negativeNumber.MatchString(item) || strings.Contains(name, " ") {
		return resolved{kind: kindPositional}, nil
	}
	r := resolved{kind: kindUnknown, option: item}
	if name, val, ok := strings.Cut(item, "="); ok {
		r.option, r.explicit = name, &val
	}
	return r, nil
}

func (p *parser) run() ([]Arg, error) {
	for i := 0; i < len(p.args); i++ {
		item := p.args[i]
		if item == "--" {
			for j := i + 1; j < len(p.args); j++ {
				if err := p.positional(j); err != nil {
					return nil, err
				}
			}
			break
		}
		r, err := p.resolve(item)
		if err != nil {
			err.(*ParseError).Index = i
			return nil, err
		}
		switch r.kind {
		case kindPositional:
			if err := p.positional(i); err != nil {
				return nil, err
			}
		case kindUnknown:
			if !p.lenient {
				return nil, &ParseError{Option: r.option, Msg: "unrecognized argument" + p.suggest(r.option), Index: i}
			}
			a := Arg{Option: r.option, Input: item, Index: i}
			if r.explicit != nil {
				a.Value, a.HasValue = *r.explicit, true
			} else if v, ok := p.valueAt(i + 1); ok {
				// ESPv1 had no positional arguments, so an item after an unknown flag can only
				// have been meant as its value.
				a.Value, a.HasValue, a.Input = v, true, item+" "+v
				i++
			}
			p.out = append(p.out, a)
		case kindKnown:
			next, err := p.known(i, r)
			if err != nil {
				return nil, err
			}
			i = next
		}
	}
	return p.out, nil
}

func (p *parser) positional(i int) error {
	if !p.lenient {
		return &ParseError{Msg: fmt.Sprintf("unrecognized argument %q (%s takes no positional arguments)", p.args[i], p.reg.Name), Index: i}
	}
	p.out = append(p.out, Arg{Positional: true, Value: p.args[i], HasValue: true, Input: p.args[i], Index: i})
	return nil
}

// valueAt returns args[i] when argparse would accept it as a flag's value.
func (p *parser) valueAt(i int) (string, bool) {
	if i >= len(p.args) || p.args[i] == "--" {
		return "", false
	}
	r, err := p.resolve(p.args[i])
	if err != nil || r.kind != kindPositional {
		return "", false
	}
	return p.args[i], true
}

// known handles one known option, including short clusters such as `-tN8091`; it returns the
// index of the last item consumed.
func (p *parser) known(i int, r resolved) (int, error) {
	item := p.args[i]
	for {
		f := r.ref.flag
		a := Arg{Flag: f, Option: r.option, Negated: r.ref.negated, Input: item, Index: i}
		if !f.TakesValue() {
			if r.explicit == nil {
				p.out = append(p.out, a)
				return i, nil
			}
			if isShort(r.option) && *r.explicit != "" {
				// A cluster: the rest of the item is more short flags.
				p.out = append(p.out, a)
				next := "-" + (*r.explicit)[:1]
				rest := (*r.explicit)[1:]
				ref, ok := p.reg.byOption[next]
				if !ok {
					if !p.lenient {
						return i, &ParseError{Option: r.option, Msg: fmt.Sprintf("ignored explicit argument %q", *r.explicit), Index: i}
					}
					u := Arg{Option: next, Input: item, Index: i}
					if rest != "" {
						u.Value, u.HasValue = rest, true
					}
					// The rest must read back as the same unknown flag (`-0` would read as a
					// number, `--=x` as an ambiguous prefix); otherwise it is a stray item.
					if r2, err := p.resolve(u.String()); err != nil || r2.kind != kindUnknown || r2.option != u.Option {
						u = Arg{Positional: true, Value: u.String(), HasValue: true, Input: item, Index: i}
					}
					p.out = append(p.out, u)
					return i, nil
				}
				r = resolved{kind: kindKnown, ref: ref, option: next}
				if rest != "" {
					r.explicit = &rest
				}
				continue
			}
			if !p.lenient || f.Type == TypeHelp {
				return i, &ParseError{Option: r.option, Msg: fmt.Sprintf("ignored explicit argument %q (the flag takes no value)", *r.explicit), Index: i}
			}
			if _, err := parseBoolWord(*r.explicit); err != nil {
				return i, &ParseError{Option: r.option, Msg: fmt.Sprintf("boolean flag given %q: use the flag alone to turn it on", *r.explicit), Index: i}
			}
			a.Value, a.HasValue = *r.explicit, true
			p.out = append(p.out, a)
			return i, nil
		}
		if r.explicit != nil {
			a.Value, a.HasValue = *r.explicit, true
		} else if v, ok := p.valueAt(i + 1); ok {
			a.Value, a.HasValue, a.Input = v, true, item+" "+v
			i++
		} else {
			return i, &ParseError{Option: r.option, Msg: "expected one argument", Index: i}
		}
		if err := checkValue(f, a.Value); err != nil {
			return i, &ParseError{Option: r.option, Msg: err.Error(), Index: a.Index}
		}
		p.out = append(p.out, a)
		return i, nil
	}
}

func isShort(option string) bool { return len(option) == 2 && option[0] == '-' && option[1] != '-' }

// parseBoolWord reads the words people write after a boolean flag.
func parseBoolWord(s string) (bool, error) {
	switch strings.ToLower(s) {
	case "true", "1", "yes", "on":
		return true, nil
	case "false", "0", "no", "off":
		return false, nil
	}
	return false, fmt.Errorf("not a boolean: %q", s)
}

// checkValue checks a value against the flag's type, with argparse's wording.
func checkValue(f *Flag, v string) error {
	switch f.Type {
	case TypeInt:
		if _, err := strconv.Atoi(strings.TrimSpace(v)); err != nil {
			return fmt.Errorf("invalid int value: %q", v)
		}
	case TypeUint:
		if n, err := strconv.Atoi(strings.TrimSpace(v)); err != nil || n < 0 {
			return fmt.Errorf("invalid non-negative int value: %q", v)
		}
	case TypeFloat:
		if _, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err != nil {
			return fmt.Errorf("invalid float value: %q", v)
		}
	case TypeDuration:
		if _, err := time.ParseDuration(v); err != nil {
			return fmt.Errorf("invalid duration %q (use a Go duration such as 30s, 5m, 1.5h)", v)
		}
	case TypeChoice:
		for _, c := range f.Choices {
			if v == c {
				return nil
			}
		}
		return fmt.Errorf("invalid choice: %q (choose from %s)", v, strings.Join(f.Choices, ", "))
	}
	return nil
}

// Format prints parsed arguments back as argv in the canonical `--name=value` form. Positional
// items come last, after `--`, so parsing the result gives the same arguments.
func Format(args []Arg) []string {
	var out, pos []string
	for _, a := range args {
		if a.Positional {
			pos = append(pos, a.Value)
			continue
		}
		out = append(out, a.String())
	}
	if len(pos) > 0 {
		out = append(append(out, "--"), pos...)
	}
	return out
}

// String is the canonical form of one argument.
func (a Arg) String() string {
	switch {
	case a.Positional:
		return a.Value
	case a.Flag == nil:
		if a.HasValue {
			return a.Option + "=" + a.Value
		}
		return a.Option
	case a.Negated:
		return "--no-" + a.Flag.Name
	case a.HasValue:
		return "--" + a.Flag.Name + "=" + a.Value
	}
	return "--" + a.Flag.Name
}

// suggest returns " (did you mean --x?)" for an unknown option, or "".
func (p *parser) suggest(option string) string {
	if s := Suggest(p.reg, option); s != "" {
		return fmt.Sprintf(" (did you mean %s?)", s)
	}
	return ""
}
