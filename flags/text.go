package flags

import (
	"fmt"
	"io"
	"strings"
)

// WriteText prints a Result for people: the ESPv2 flags one per line (and ESPv2_ARGS when the
// input was ESP_ARGS), then the findings table, then a one-line summary. The JSON form (-o json)
// carries the same data.
func (r *Result) WriteText(w io.Writer) error {
	var b strings.Builder
	if len(r.Args) == 0 {
		b.WriteString("# no ESPv2 flags needed\n")
	}
	for _, a := range r.Args {
		b.WriteString(a + "\n")
	}
	if v, ok := r.Env["ESPv2_ARGS"]; ok {
		fmt.Fprintf(&b, "\nESPv2_ARGS=%s\n", v)
	}
	if len(r.Findings) > 0 {
		b.WriteString("\nfindings:\n")
		for _, f := range r.Findings {
			subject := f.Input
			if subject == "" {
				subject = f.Flag + " (not given)"
				if f.Flag == "" {
					subject = "(result)"
				} else if !strings.HasPrefix(f.Flag, "-") {
					subject = f.Flag
				}
			}
			repl := "-"
			if len(f.Replacement) > 0 {
				repl = strings.Join(f.Replacement, " ")
			}
			fmt.Fprintf(&b, "  %-8s %-12s %s -> %s\n", f.Severity, f.Action, subject, repl)
			for _, line := range wrap(f.Message, 100-messageIndent) {
				fmt.Fprintf(&b, "%*s%s\n", messageIndent, "", line)
			}
		}
	}
	counts := map[Severity]int{}
	for _, f := range r.Findings {
		counts[f.Severity]++
	}
	fmt.Fprintf(&b, "\n%d findings: %d need a person (error), %d warnings, %d info\n", len(r.Findings), counts[SeverityError], counts[SeverityWarning], counts[SeverityInfo])
	_, err := io.WriteString(w, b.String())
	return err
}

// messageIndent lines finding messages up under the input column.
const messageIndent = 24

// wrap breaks text into lines of at most width bytes at spaces; a longer word gets a line of
// its own.
func wrap(text string, width int) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(text) {
		switch {
		case line == "":
			line = word
		case len(line)+1+len(word) <= width:
			line += " " + word
		default:
			lines = append(lines, line)
			line = word
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}
