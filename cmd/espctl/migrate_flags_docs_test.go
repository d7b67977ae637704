package main

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestMigrateFlagsDocExamples runs every `$ espctl migrate flags ...` example of
// docs/migrate-flags.md and compares the printed output, so the documentation cannot drift. The
// examples leave out the info notes about flags that were not given (the doc says so) and the
// summary line; the same filter is applied here. Examples that need a file on disk are skipped.
func TestMigrateFlagsDocExamples(t *testing.T) {
	data, err := os.ReadFile("../../docs/migrate-flags.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```console\n(.*?)```").FindAllStringSubmatch(string(data), -1)
	ran := 0
	for _, b := range blocks {
		body := b[1]
		if !strings.HasPrefix(body, "$ espctl migrate flags") || strings.Contains(body, "--file") {
			continue
		}
		cmdLine, rest, _ := strings.Cut(body, "\n")
		args := splitShell(strings.TrimPrefix(cmdLine, "$ espctl "))
		want, code := rest, -1
		if out, c, ok := strings.Cut(rest, "$ echo $?\n"); ok {
			want = out
			code, _ = strconv.Atoi(strings.TrimSpace(c))
		}
		r := runCLI(t, "", args...)
		// The built-in example (no input) is shown in full and without its stderr note.
		got := r.stdout
		if len(args) > 2 {
			got = filterDocOutput(r.stdout) + r.stderr
		}
		if strings.TrimSpace(got) != strings.TrimSpace(want) {
			t.Errorf("docs example %q drifted:\n--- doc\n%s\n--- now\n%s", cmdLine, want, got)
		}
		if code >= 0 && r.code != code {
			t.Errorf("docs example %q: exit %d, doc says %d", cmdLine, r.code, code)
		}
		ran++
	}
	if ran < 10 {
		t.Errorf("only %d examples found in docs/migrate-flags.md", ran)
	}
}

// filterDocOutput drops info findings about flags that were not given (with their message
// line) and the summary line, and collapses blank lines, as the doc examples do.
func filterDocOutput(s string) string {
	var out []string
	skip := false
	for _, line := range strings.Split(s, "\n") {
		switch {
		case strings.HasPrefix(line, "  info ") && strings.Contains(line, "(not given)"):
			skip = true
			continue
		case strings.HasPrefix(line, "  ") && !strings.HasPrefix(line, "   "):
			skip = false
		case skip && strings.HasPrefix(line, "   "):
			continue
		case regexp.MustCompile(`^\d+ findings:`).MatchString(line):
			continue
		}
		if line == "" && len(out) > 0 && out[len(out)-1] == "" {
			continue
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

// splitShell splits a command line as the doc's shell would: spaces, single and double quotes.
func splitShell(s string) []string {
	var out []string
	var cur strings.Builder
	in, quote := false, byte(0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0:
			cur.WriteByte(c)
		case c == '\'' || c == '"':
			quote, in = c, true
		case c == ' ':
			if in {
				out = append(out, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteByte(c)
			in = true
		}
	}
	if in {
		out = append(out, cur.String())
	}
	return out
}
