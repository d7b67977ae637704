package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/espctl/espctl/golden"
)

// cliResult is what one in-process run of espctl produced.
type cliResult struct {
	code           int
	stdout, stderr string
}

// runCLI runs the whole command tree in process, as a user would from a shell.
func runCLI(t *testing.T, stdin string, args ...string) cliResult {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return cliResult{code: code, stdout: out.String(), stderr: errb.String()}
}

func TestVersionFormats(t *testing.T) {
	for _, format := range []string{"text", "json", "yaml"} {
		r := runCLI(t, "", "version", "-o", format)
		if r.code != 0 || !strings.Contains(r.stdout, "devel") {
			t.Errorf("version -o %s: code %d, stdout %q, stderr %q", format, r.code, r.stdout, r.stderr)
		}
	}
}

func TestBadUsageExitsTwo(t *testing.T) {
	for _, args := range [][]string{{"nosuchcommand"}, {"-o", "xml", "version"}, {"version", "--nosuchflag"}} {
		r := runCLI(t, "", args...)
		if r.code != exitBadInput {
			t.Errorf("%v: exit %d, want %d (stderr %q)", args, r.code, exitBadInput, r.stderr)
		}
		if !strings.HasPrefix(r.stderr, "espctl: ") {
			t.Errorf("%v: stderr %q should start with espctl:", args, r.stderr)
		}
	}
}

func TestRootHelpGolden(t *testing.T) {
	r := runCLI(t, "", "--help")
	if r.code != 0 {
		t.Fatalf("--help: exit %d: %s", r.code, r.stderr)
	}
	golden.AssertString(t, "testdata/help/root.txt", r.stdout)
}

// TestEveryCommandHasAnExample: --help teaches by example on every command of the tree.
func TestEveryCommandHasAnExample(t *testing.T) {
	var walk func(cmd *cobra.Command)
	walk = func(cmd *cobra.Command) {
		if cmd.Hidden || cmd.Name() == "help" || cmd.Name() == "completion" || cmd.Parent() != nil && cmd.Parent().Name() == "completion" {
			return
		}
		if cmd.Example == "" {
			t.Errorf("%q has no Example", cmd.CommandPath())
		}
		for _, sub := range cmd.Commands() {
			walk(sub)
		}
	}
	walk(newRootCommand(&cli{stdout: io.Discard, stderr: io.Discard}))
}
