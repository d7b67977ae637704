// Package flags knows every start-up flag of ESPv1 (`start_esp`, NGINX) and ESPv2
// (`start_proxy.py`, Envoy) as data, parses them in every form users pass them (argv, the
// serverless `ESP_ARGS` / `ESPv2_ARGS` variables, a file with one flag per line), migrates
// ESPv1 flags to ESPv2 flags with a finding per flag, and validates ESPv2 flags the way ESPv2's
// own start-up script does.
//
// The registries (ESPv1 and ESPv2) drive everything else: the parsers resolve names, short
// forms and unique-prefix abbreviations against them, the migration rules are keyed by their
// names, the ESPv2 validation reads their types and choices, and BindESPv2 registers them on a
// pflag.FlagSet so `espctl run` accepts every ESPv2 flag by its real name.
//
// Entry points:
//
//	Migrate(args, opts)      ESPv1 argv -> ESPv2 argv + findings (migrate.go)
//	ParseESPv2(args)         ESPv2 argv -> validated Options (options.go, validate.go)
//	BindESPv2(fs)            every ESPv2 flag on a pflag.FlagSet (bind.go)
//	SplitESPArgs / JoinESPv2Args, ReadArgsFile   the other input forms (esp_args.go, file.go)
package flags

import "slices"

// Type is the kind of value a flag takes, as the proxy really interprets it (ESPv2 declares many
// numeric flags as strings in argparse and parses them later in configmanager; the registry
// records the numeric type so the value is checked before ESPv2 would fail on it).
type Type string

const (
	TypeHelp     Type = "help"     // -h/--help
	TypeBool     Type = "bool"     // store_true: takes no value
	TypeNegBool  Type = "negbool"  // --name / --no-name (argparse BooleanOptionalAction)
	TypeString   Type = "string"   // any text
	TypeInt      Type = "int"      // a decimal integer (may be negative)
	TypeUint     Type = "uint"     // a non-negative decimal integer
	TypeFloat    Type = "float"    // a decimal number
	TypeDuration Type = "duration" // a Go duration such as 1s, 480h
	TypeChoice   Type = "choice"   // one of Choices
	TypeList     Type = "list"     // repeatable (argparse action=append): every occurrence adds one item
)

// Fate is what ESPv2 does with an ESPv1 flag; flags-espv1.md section 2 defines the vocabulary.
type Fate string

const (
	FateSame        Fate = "same"
	FateRenamed     Fate = "renamed"
	FateMerged      Fate = "merged"
	FateReplaced    Fate = "replaced"
	FateDeprecated  Fate = "deprecated"
	FateRemoved     Fate = "removed"
	FateUnsupported Fate = "unsupported"
)

// Action is the migration action that corresponds to a fate (same = kept).
func (f Fate) Action() Action {
	if f == FateSame {
		return ActionKept
	}
	return Action(f)
}

// Flag is one start-up flag of ESPv1 or ESPv2.
type Flag struct {
	// Name is the long name without dashes; it is also the key in Result.Options.
	Name string `json:"name"`
	// Short is the one-letter short form without the dash, empty when there is none.
	Short string `json:"short,omitempty"`
	// Aliases are other long names of the same flag (ESPv2 `--admin_port` for `--status_port`).
	Aliases []string `json:"aliases,omitempty"`
	Type    Type     `json:"type"`
	// Choices are the accepted values of a TypeChoice flag.
	Choices []string `json:"choices,omitempty"`
	// Default is the parser's default (nil: unset).
	Default any `json:"default"`
	// Effective is the value the proxy really uses when the flag is not given (ESPv2: the
	// configmanager default); nil means the same as Default.
	Effective any `json:"effective,omitempty"`
	// Hidden flags are accepted but not shown in the proxy's own --help.
	Hidden bool `json:"hidden,omitempty"`
	// Meaning says in one line what the flag does.
	Meaning string `json:"meaning"`
	// Fate (ESPv1 flags only) is what ESPv2 does with the flag, Replacement the ESPv2 flags it
	// becomes, and Note what the migration guide says where it disagrees with ESPv2's code.
	Fate        Fate     `json:"fate,omitempty"`
	Replacement []string `json:"replacement,omitempty"`
	Note        string   `json:"note,omitempty"`
}

// TakesValue reports whether the flag consumes a value (`--name=value` or `--name value`).
func (f *Flag) TakesValue() bool {
	switch f.Type {
	case TypeHelp, TypeBool, TypeNegBool:
		return false
	}
	return true
}

// Repeatable reports whether every occurrence of the flag adds an item (otherwise the last
// occurrence wins).
func (f *Flag) Repeatable() bool { return f.Type == TypeList }

// OptionStrings lists every spelling the parser accepts, dashes included.
func (f *Flag) OptionStrings() []string {
	var out []string
	if f.Short != "" {
		out = append(out, "-"+f.Short)
	}
	out = append(out, "--"+f.Name)
	for _, a := range f.Aliases {
		out = append(out, "--"+a)
	}
	if f.Type == TypeNegBool {
		out = append(out, "--no-"+f.Name)
	}
	return out
}

// Registry is an ordered set of flags with lookups by every spelling.
type Registry struct {
	// Name is "ESPv1" or "ESPv2", used in messages.
	Name  string
	Flags []*Flag
	// byOption maps every option string (with dashes) to its flag.
	byOption map[string]optionRef
	// longOptions lists the long option strings, in registry order, for prefix matching.
	longOptions []string
}

// optionRef is what one option string selects: a flag, possibly in its negated `--no-` form.
type optionRef struct {
	flag    *Flag
	negated bool
}

func newRegistry(name string, flags []*Flag) *Registry {
	r := &Registry{Name: name, Flags: flags, byOption: map[string]optionRef{}}
	for _, f := range flags {
		for _, o := range f.OptionStrings() {
			if _, dup := r.byOption[o]; dup {
				panic("flags: duplicate option " + o + " in " + name + " registry") // unreachable: the tables are static and registry_test.go builds them
			}
			r.byOption[o] = optionRef{flag: f, negated: o == "--no-"+f.Name}
			if len(o) > 2 && o[1] == '-' {
				r.longOptions = append(r.longOptions, o)
			}
		}
	}
	return r
}

// Lookup returns the flag with this long name or alias (without dashes), or nil.
func (r *Registry) Lookup(name string) *Flag {
	if ref, ok := r.byOption["--"+name]; ok && !ref.negated {
		return ref.flag
	}
	return nil
}

// Names lists the canonical long names in registry order.
func (r *Registry) Names() []string {
	out := make([]string, len(r.Flags))
	for i, f := range r.Flags {
		out[i] = f.Name
	}
	return out
}

// index returns the flag's position in the registry, for stable output order.
func (r *Registry) index(name string) int {
	return slices.IndexFunc(r.Flags, func(f *Flag) bool { return f.Name == name })
}
