package flags

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/espctl/espctl/diag"
)

// Migrate turns ESPv1 start-up flags into ESPv2 flags with a finding for every input flag
// (flag-migration.md sections 1-6). The error is only for input that cannot be parsed at all
// (a missing value, a bad number or choice, an ambiguous abbreviation): the caller's exit 2.
// Everything else, unknown flags included, is a finding; Result.NeedsPerson says whether one of
// them needs a decision. The ESPv2 flags in Result.Args pass ParseESPv2's validation, or a
// finding with severity error says why not.
func Migrate(args []string, opts MigrateOptions) (*Result, error) {
	parsed, err := ParseESPv1(args)
	if err != nil {
		if pe, ok := err.(*ParseError); ok && pe.Index >= 0 && pe.Index < len(opts.Positions) {
			pe.Pos = opts.Positions[pe.Index]
		}
		return nil, err
	}
	m := &migration{opts: opts, in: parsed, last: map[string]Arg{}, all: map[string][]Arg{}, notes: map[int]string{}, done: map[int]bool{}}
	m.run()
	return m.result(), nil
}

// migration is the state of one Migrate call.
type migration struct {
	opts MigrateOptions
	in   []Arg
	// last is the last occurrence of every known flag (the one that counts), all every
	// occurrence.
	last map[string]Arg
	all  map[string][]Arg
	// notes are extra sentences for the finding of the argument at an index.
	notes map[int]string
	// done marks the arguments that already have their finding.
	done map[int]bool

	out      []Arg // ESPv2 flags, in emission order
	findings []indexed
}

// indexed keeps findings in input order; implicit notes (about flags that were not given) and
// breaking-change notes come after all input flags, in the order they were added.
type indexed struct {
	order int
	f     Finding
}

const (
	orderImplicit = 1 << 20
	orderBreaking = 2 << 20
)

func (m *migration) serverless() bool { return m.opts.Input == FromESPArgs }

func (m *migration) run() {
	for _, a := range m.in {
		if !a.Known() {
			continue
		}
		m.last[a.Flag.Name] = a
		m.all[a.Flag.Name] = append(m.all[a.Flag.Name], a)
	}
	m.booleanValues()
	m.overridden()
	m.serverlessConflicts()
	m.service()
	m.ports()
	m.backend()
	m.tls()
	m.dns()
	m.clientIP()
	m.cors()
	m.logging()
	m.simple()
	m.unknown()
	m.breakingChanges()
	m.check()
}

// has reports whether a known flag was given (and not switched off with `=false`).
func (m *migration) has(name string) bool {
	_, ok := m.last[name]
	return ok
}

func (m *migration) val(name string) string { return m.last[name].Value }

// emit adds an ESPv2 flag to the output. A later emit of a non-list flag replaces the earlier.
func (m *migration) emit(name, value string) string {
	f := ESPv2().Lookup(name)
	if f == nil {
		// A rule names a flag the ESPv2 registry lacks: a bug in espctl, reported as a finding
		// that needs a person rather than passed to ESPv2 (which would refuse to start) or
		// crashing. The golden cases run every rule, so this stays unreachable.
		m.implicit("--"+name, "--"+name+"="+value, ActionUnsupported, SeverityError, nil,
			"internal error: espctl produced --%s, which ESPv2 does not have; please report it", name)
		return ""
	}
	a := Arg{Flag: f, Option: "--" + f.Name}
	if f.TakesValue() {
		a.Value, a.HasValue = value, true
	}
	if f.Type != TypeList {
		m.out = slices.DeleteFunc(m.out, func(o Arg) bool { return o.Flag == f })
	}
	m.out = append(m.out, a)
	return a.String()
}

// emitOff adds the `--no-name` form of a TypeNegBool flag.
func (m *migration) emitOff(name string) string {
	f := ESPv2().Lookup(name)
	m.out = slices.DeleteFunc(m.out, func(o Arg) bool { return o.Flag == f })
	a := Arg{Flag: f, Option: "--no-" + f.Name, Negated: true}
	m.out = append(m.out, a)
	return a.String()
}

// emitArg passes an already parsed ESPv2 argument through.
func (m *migration) emitArg(a Arg) string {
	if a.Flag.Type != TypeList {
		m.out = slices.DeleteFunc(m.out, func(o Arg) bool { return o.Flag == a.Flag })
	}
	m.out = append(m.out, a)
	return a.String()
}

// find records the finding for one input argument.
func (m *migration) find(a Arg, action Action, sev Severity, repl []string, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if p := m.positionFor(a); p.Line > 0 && sev == SeverityError {
		msg = p.String() + ": " + msg
	}
	if n := m.notes[a.Index]; n != "" {
		msg = n + " " + msg
		if sev == SeverityInfo {
			sev = SeverityWarning
		}
	}
	flag := a.Option
	switch {
	case a.Flag != nil:
		flag = "--" + a.Flag.Name
	case a.Positional:
		flag = a.Value
	}
	if repl == nil {
		repl = []string{}
	}
	m.done[a.Index] = true
	m.findings = append(m.findings, indexed{order: a.Index, f: Finding{Flag: flag, Input: a.Input, Action: action, Replacement: repl, Severity: sev, Message: strings.TrimSpace(msg)}})
}

// findAll records the same finding for every occurrence of a flag that has no finding yet.
func (m *migration) findAll(name string, action Action, sev Severity, repl []string, format string, args ...any) {
	for _, a := range m.all[name] {
		if !m.done[a.Index] {
			m.find(a, action, sev, repl, format, args...)
		}
	}
}

// implicit records a note about something the input did not say (a default that changed).
func (m *migration) implicit(flag, input string, action Action, sev Severity, repl []string, format string, args ...any) {
	if repl == nil {
		repl = []string{}
	}
	m.findings = append(m.findings, indexed{order: orderImplicit + len(m.findings), f: Finding{Flag: flag, Input: input, Action: action, Replacement: repl, Severity: sev, Message: fmt.Sprintf(format, args...)}})
}

// fromEnvironment records a finding about a launcher variable (CORS_PRESET); it sorts before
// the flags, because the launcher placed it before ESP_ARGS.
func (m *migration) fromEnvironment(flag, input string, action Action, sev Severity, repl []string, format string, args ...any) {
	if repl == nil {
		repl = []string{}
	}
	m.findings = append(m.findings, indexed{order: -1, f: Finding{Flag: flag, Input: input, Action: action, Replacement: repl, Severity: sev, Message: fmt.Sprintf(format, args...)}})
}

// booleanValues handles `--flag=true` / `--flag=false`, which ESPv1's argparse rejected: the
// value is read, the flag kept or dropped, and the finding says so.
func (m *migration) booleanValues() {
	for _, a := range m.in {
		if !a.Known() || a.Flag.TakesValue() || !a.HasValue {
			continue
		}
		on, _ := parseBoolWord(a.Value)
		if on {
			m.notes[a.Index] = fmt.Sprintf("ESPv1 rejected %q (booleans take no value); read as --%s.", a.Input, a.Flag.Name)
			continue
		}
		m.find(a, ActionRemoved, SeverityWarning, nil, "ESPv1 rejected %q (booleans take no value); read as \"not set\" and dropped.", a.Input)
		if l := m.all[a.Flag.Name]; len(l) > 0 && l[len(l)-1].Index == a.Index {
			delete(m.last, a.Flag.Name)
		}
		m.all[a.Flag.Name] = slices.DeleteFunc(m.all[a.Flag.Name], func(o Arg) bool { return o.Index == a.Index })
		if len(m.all[a.Flag.Name]) == 0 {
			delete(m.all, a.Flag.Name)
		} else if _, ok := m.last[a.Flag.Name]; !ok {
			m.last[a.Flag.Name] = m.all[a.Flag.Name][len(m.all[a.Flag.Name])-1]
		}
	}
}

// overridden gives earlier occurrences of a non-list flag their finding: the last one wins.
func (m *migration) overridden() {
	for name, occ := range m.all {
		if len(occ) < 2 || occ[0].Flag.Repeatable() {
			continue
		}
		last := occ[len(occ)-1]
		for _, a := range occ[:len(occ)-1] {
			m.find(a, a.Flag.Fate.Action(), SeverityInfo, nil, "overridden by the later %q (the last occurrence wins in ESPv1 and ESPv2).", last.Input)
		}
		m.all[name] = []Arg{last}
	}
}

// result assembles the Result. Findings are in input order; each ESPv2 flag stands where the
// input flag it came from stood (as in the reference's worked examples), flags the migration
// added for defaults come last, and flags from the launcher's environment (CORS_PRESET) first.
func (m *migration) result() *Result {
	reg := ESPv2()
	slices.SortStableFunc(m.findings, func(a, b indexed) int { return cmp.Compare(a.order, b.order) })
	orderOf := map[string]int{}
	for _, f := range m.findings {
		for _, repl := range f.f.Replacement {
			if _, seen := orderOf[repl]; !seen {
				orderOf[repl] = f.order
			}
		}
	}
	position := func(a Arg) int {
		if o, ok := orderOf[a.String()]; ok {
			return o
		}
		return orderBreaking
	}
	out := slices.Clone(m.out)
	slices.SortStableFunc(out, func(a, b Arg) int {
		if c := cmp.Compare(position(a), position(b)); c != 0 {
			return c
		}
		return cmp.Compare(reg.index(a.Flag.Name), reg.index(b.Flag.Name))
	})
	r := &Result{Args: Format(out), Findings: []Finding{}}
	if r.Args == nil {
		r.Args = []string{}
	}
	for _, f := range m.findings {
		r.Findings = append(r.Findings, f.f)
	}
	if m.serverless() && len(r.Args) > 0 {
		r.Env = map[string]string{"ESPv2_ARGS": JoinESPv2Args(r.Args)}
	}
	ns := newNamespace(out)
	r.Options = buildOptions(ns, noEnv).Values()
	return r
}

// check runs ESPv2's own validation on the output, as the launcher would see it, so the
// promise "the output starts ESPv2" is tested on every migration.
func (m *migration) check() {
	args := Format(m.out)
	env := func(k string) (string, bool) {
		// ESPv1 with --non_gcp and no key could only start with this variable set.
		if k == "GOOGLE_APPLICATION_CREDENTIALS" && m.has("non_gcp") && !m.has("service_account_key") {
			return "(from the environment)", true
		}
		return "", false
	}
	if m.opts.ServiceFromElsewhere && !m.has("version") && !m.has("service_json_path") && !m.has("rollout_strategy") && !m.has("service") && !m.has("check_metadata") {
		args = append(args, "--rollout_strategy=managed")
	}
	if m.serverless() {
		// What env_start_proxy.py puts before ESPv2_ARGS when ENDPOINTS_SERVICE_NAME is set.
		args = append([]string{"--on_serverless", "--http_port=8080", "--service=SERVICE_NAME", "--rollout_strategy=managed"}, args...)
	}
	if _, err := parseESPv2(args, env); err != nil && !errors.Is(err, ErrHelp) {
		m.implicit("", "", ActionReplaced, SeverityError, nil, "ESPv2 would refuse the migrated flags: %v. Resolve the findings above, then run espctl migrate flags again.", err)
	}
}

// positionFor gives the file position of an input argument, if the input came from a file.
func (m *migration) positionFor(a Arg) diag.Pos {
	if a.Index >= 0 && a.Index < len(m.opts.Positions) {
		return m.opts.Positions[a.Index]
	}
	return diag.Pos{}
}
