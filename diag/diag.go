// Package diag holds the diagnostic value every input checker in espctl reports: a position in
// a file, a rule id, a severity, a message and a hint. A diagnostic is a value, not a string, so
// the same list renders as text (`file:line:col: error: message [E101]`) or as JSON.
package diag

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Severity says whether a diagnostic stops the input from being used.
type Severity string

const (
	Error   Severity = "error"
	Warning Severity = "warning"
	Info    Severity = "info"
)

// Pos is a position in a user's file. Line and Col are 1-based; 0 means unknown.
type Pos struct {
	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"`
	Col  int    `json:"column,omitempty"`
}

// String renders the position as `file:line:col`, leaving out the parts that are unknown.
func (p Pos) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		if b.Len() > 0 {
			b.WriteByte(':')
		}
		fmt.Fprintf(&b, "%d", p.Line)
		if p.Col > 0 {
			fmt.Fprintf(&b, ":%d", p.Col)
		}
	}
	return b.String()
}

// Diagnostic is one finding about a user's input.
type Diagnostic struct {
	Pos      Pos      `json:"position"`
	Rule     string   `json:"rule"`
	Severity Severity `json:"severity"`
	// Field is the path of the offending field as the user wrote it (`backend.rules[2].address`).
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
	// Hint says what to do about it.
	Hint string `json:"hint,omitempty"`
}

// String renders `file:line:col: severity: field: message [RULE]`.
func (d Diagnostic) String() string {
	var b strings.Builder
	if p := d.Pos.String(); p != "" {
		b.WriteString(p)
		b.WriteString(": ")
	}
	b.WriteString(string(d.Severity))
	b.WriteString(": ")
	if d.Field != "" {
		b.WriteString(d.Field)
		b.WriteString(": ")
	}
	b.WriteString(d.Message)
	if d.Rule != "" {
		fmt.Fprintf(&b, " [%s]", d.Rule)
	}
	return b.String()
}

// List is a set of diagnostics. Sort it before printing so output is deterministic.
type List []Diagnostic

// Add appends a diagnostic.
func (l *List) Add(d Diagnostic) { *l = append(*l, d) }

// HasErrors reports whether any diagnostic has severity Error.
func (l List) HasErrors() bool {
	return slices.ContainsFunc(l, func(d Diagnostic) bool { return d.Severity == Error })
}

// Sort orders by file, line, column, rule and message, and removes exact duplicates.
func (l List) Sort() List {
	out := slices.Clone(l)
	slices.SortStableFunc(out, func(a, b Diagnostic) int {
		return cmp.Or(
			cmp.Compare(a.Pos.File, b.Pos.File),
			cmp.Compare(a.Pos.Line, b.Pos.Line),
			cmp.Compare(a.Pos.Col, b.Pos.Col),
			cmp.Compare(a.Rule, b.Rule),
			cmp.Compare(a.Field, b.Field),
			cmp.Compare(a.Message, b.Message),
		)
	})
	return slices.Compact(out)
}

// Text renders every diagnostic on its own line, with its hint indented below it.
func (l List) Text() string {
	var b strings.Builder
	for _, d := range l {
		b.WriteString(d.String())
		b.WriteByte('\n')
		if d.Hint != "" {
			b.WriteString("  hint: ")
			b.WriteString(d.Hint)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// Error makes a list usable as an error; it is the text of the errors only.
func (l List) Error() string {
	var errs List
	for _, d := range l {
		if d.Severity == Error {
			errs = append(errs, d)
		}
	}
	return strings.TrimRight(errs.Text(), "\n")
}

// Err returns the list as an error when it holds at least one error, else nil.
func (l List) Err() error {
	if l.HasErrors() {
		return l.Sort()
	}
	return nil
}
