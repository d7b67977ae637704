package flags

import (
	"fmt"
	"os"

	"github.com/spf13/pflag"
)

// Bound is the result of BindESPv2: it records every ESPv2 flag the command line sets, in
// order, so that Options applies exactly ESPv2's rules (last occurrence wins, list flags
// collect, --no-x turns x off) and ESPv2's validation.
type Bound struct {
	args []Arg
	// Skipped lists ESPv2 flags (with dashes) that were not bound because fs already had a
	// flag of that name; their short forms are skipped silently when taken.
	Skipped []string
}

// BindESPv2 registers every ESPv2 start-up flag on fs under its real name, short form and
// aliases (`--admin_port`), with ESPv2's default shown in help. `--help` is left to the caller.
// After fs has parsed the command line, call (*Bound).Options:
//
//	fs := cmd.Flags()
//	bound := flags.BindESPv2(fs)
//	... cobra parses ...
//	opts, err := bound.Options() // validated, effective values
func BindESPv2(fs *pflag.FlagSet) *Bound {
	b := &Bound{}
	for _, f := range ESPv2().Flags {
		if f.Type == TypeHelp {
			continue
		}
		names := append([]string{f.Name}, f.Aliases...)
		for i, name := range names {
			if fs.Lookup(name) != nil {
				b.Skipped = append(b.Skipped, "--"+name)
				continue
			}
			short := ""
			if i == 0 && f.Short != "" && fs.ShorthandLookup(f.Short) == nil {
				short = f.Short
			}
			pf := fs.VarPF(&recorder{b: b, flag: f, option: "--" + name}, name, short, f.Meaning)
			pf.DefValue = defaultText(f)
			if !f.TakesValue() {
				pf.NoOptDefVal = "true"
			}
		}
		if f.Type == TypeNegBool && fs.Lookup("no-"+f.Name) == nil {
			pf := fs.VarPF(&recorder{b: b, flag: f, option: "--no-" + f.Name, negated: true}, "no-"+f.Name, "", "turn off --"+f.Name)
			pf.DefValue, pf.NoOptDefVal = "false", "true"
		}
	}
	return b
}

// Args returns the ESPv2 flags given so far in canonical `--name=value` form.
func (b *Bound) Args() []string { return Format(b.args) }

// Options validates the recorded flags like ESPv2's start-up script and returns the effective
// options (the process environment is read for GOOGLE_APPLICATION_CREDENTIALS).
func (b *Bound) Options() (*Options, error) { return optionsFromArgs(b.args, os.LookupEnv) }

// recorder is the pflag.Value behind one ESPv2 option string.
type recorder struct {
	b       *Bound
	flag    *Flag
	option  string
	negated bool
	last    string
}

func (r *recorder) Set(v string) error {
	a := Arg{Flag: r.flag, Option: r.option, Negated: r.negated, Input: r.option + "=" + v, Index: len(r.b.args)}
	if r.flag.TakesValue() {
		if err := checkValue(r.flag, v); err != nil {
			return err
		}
		a.Value, a.HasValue = v, true
	} else {
		on, err := parseBoolWord(v)
		if err != nil {
			return err
		}
		if !on {
			a.Value, a.HasValue = "false", true
		}
	}
	r.last = v
	r.b.args = append(r.b.args, a)
	return nil
}

func (r *recorder) String() string { return r.last }

func (r *recorder) Type() string {
	switch r.flag.Type {
	case TypeBool, TypeNegBool:
		return "bool"
	case TypeInt, TypeUint:
		return "int"
	case TypeFloat:
		return "float"
	case TypeList:
		return "stringArray"
	case TypeDuration:
		return "duration"
	}
	return "string"
}

// defaultText is the default shown in help: the effective default, as ESPv2 documents it.
func defaultText(f *Flag) string {
	v := f.Default
	if f.Effective != nil {
		v = f.Effective
	}
	switch x := v.(type) {
	case nil:
		return ""
	case []string:
		return "[]"
	default:
		return fmt.Sprint(x)
	}
}
