package flags

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/espctl/espctl/golden"
	"github.com/espctl/espctl/output"
)

// Golden cases live on disk, one file per flag family:
//
//	testdata/migrate/<family>.txt  ESPv1 inputs  -> testdata/migrate/<family>.golden (text + JSON)
//	testdata/espv2/<family>.txt    ESPv2 inputs  -> testdata/espv2/<family>.golden (args + options, or the error)
//
// A case is a `## name` line followed by one input line: `argv: <shell words>`,
// `esp_args: <value>` (optionally `env: K=V ...` before it) or `file: <text with \n>`.
// TestEveryRegistryEntryHasAGoldenCase fails when a flag of either registry appears in no case.

type goldenCase struct {
	name  string
	kind  string // argv, esp_args, file
	input string
	env   map[string]string
}

func readCases(t *testing.T, path string) []goldenCase {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []goldenCase
	var cur *goldenCase
	for i, line := range strings.Split(string(data), "\n") {
		switch {
		case strings.HasPrefix(line, "## "):
			out = append(out, goldenCase{name: strings.TrimSpace(line[3:])})
			cur = &out[len(out)-1]
		case strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#"):
		case cur == nil:
			t.Fatalf("%s:%d: input before the first ## name line", path, i+1)
		default:
			kind, rest, ok := strings.Cut(line, ": ")
			if !ok {
				t.Fatalf("%s:%d: want `kind: input`", path, i+1)
			}
			if kind == "env" {
				cur.env = map[string]string{}
				for _, kv := range strings.Fields(rest) {
					k, v, _ := strings.Cut(kv, "=")
					cur.env[k] = v
				}
				continue
			}
			cur.kind, cur.input = kind, rest
		}
	}
	return out
}

// shellWords splits like a POSIX shell for the simple cases tests need: spaces separate,
// single and double quotes group.
func shellWords(s string) []string {
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

// caseArgs returns the argv and options a case means.
func caseArgs(c goldenCase) ([]string, MigrateOptions, error) {
	switch c.kind {
	case "argv":
		return shellWords(c.input), MigrateOptions{Input: FromArgv}, nil
	case "esp_args":
		items, err := SplitESPArgs(c.input)
		return items, MigrateOptions{Input: FromESPArgs, Env: c.env}, err
	case "file":
		items, pos := ReadArgsFile("args.txt", []byte(strings.ReplaceAll(c.input, `\n`, "\n")))
		return items, MigrateOptions{Input: FromFile, Positions: pos}, nil
	}
	return nil, MigrateOptions{}, fmt.Errorf("unknown case kind %q", c.kind)
}

// compactResult is Result with options reduced to the values that differ from ESPv2's
// defaults, so the goldens stay readable; the CLI test pins the full shape.
type compactResult struct {
	Args           []string          `json:"args"`
	Env            map[string]string `json:"env,omitempty"`
	OptionsChanged map[string]any    `json:"options_changed"`
	Findings       []Finding         `json:"findings"`
}

func changedOptions(opts map[string]any) map[string]any {
	d := DefaultOptions()
	def := d.Values()
	out := map[string]any{}
	for k, v := range opts {
		if !reflect.DeepEqual(v, def[k]) {
			out[k] = v
		}
	}
	return out
}

func TestMigrateGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/migrate/*.txt")
	if len(files) == 0 {
		t.Fatal("no cases in testdata/migrate")
	}
	for _, file := range files {
		var b bytes.Buffer
		for _, c := range readCases(t, file) {
			fmt.Fprintf(&b, "=== %s\n%s: %s\n", c.name, c.kind, c.input)
			args, opts, err := caseArgs(c)
			var r *Result
			if err == nil {
				r, err = Migrate(args, opts)
			}
			if err != nil {
				fmt.Fprintf(&b, "error (exit 2): %v\n\n", err)
				continue
			}
			b.WriteString("--- text\n")
			if err := r.WriteText(&b); err != nil {
				t.Fatal(err)
			}
			b.WriteString("--- json\n")
			if err := output.WriteJSON(&b, compactResult{r.Args, r.Env, changedOptions(r.Options), r.Findings}); err != nil {
				t.Fatal(err)
			}
			b.WriteString("\n")
			checkResultInvariants(t, c, args, r)
		}
		golden.Assert(t, strings.TrimSuffix(file, ".txt")+".golden", b.Bytes())
	}
}

// checkResultInvariants: nothing the user passed is silently dropped, and the output either
// starts ESPv2 or carries an error finding.
func checkResultInvariants(t *testing.T, c goldenCase, args []string, r *Result) {
	t.Helper()
	parsed, _ := ParseESPv1(args)
	covered := map[string]bool{}
	for _, f := range r.Findings {
		covered[f.Input] = true
	}
	for _, a := range parsed {
		if !covered[a.Input] && !(a.Input == "" && covered[`""`]) {
			t.Errorf("%s: input %q has no finding", c.name, a.Input)
		}
	}
	if _, err := parseESPv2(append([]string{"--on_serverless", "--http_port=8080", "--service=S", "--rollout_strategy=managed"}, r.Args...), noEnv); err != nil && !r.NeedsPerson() && c.kind != "esp_args" {
		if _, err2 := parseESPv2(r.Args, func(string) (string, bool) { return "k", true }); err2 != nil && !errors.Is(err2, ErrHelp) {
			t.Errorf("%s: output does not validate (%v) but nothing needs a person", c.name, err2)
		}
	}
	if len(r.Options) != len(ESPv2().Flags)-1 {
		t.Errorf("%s: options has %d keys, want %d", c.name, len(r.Options), len(ESPv2().Flags)-1)
	}
}

func TestESPv2Golden(t *testing.T) {
	files, _ := filepath.Glob("testdata/espv2/*.txt")
	for _, file := range files {
		var b bytes.Buffer
		for _, c := range readCases(t, file) {
			fmt.Fprintf(&b, "=== %s\n%s: %s\n", c.name, c.kind, c.input)
			args := shellWords(c.input)
			o, err := parseESPv2(args, noEnv)
			if err != nil {
				fmt.Fprintf(&b, "error: %v\n\n", err)
				continue
			}
			parsed, _ := Parse(ESPv2(), args, false)
			b.WriteString("--- text\n" + strings.Join(Format(parsed), "\n") + "\n--- json\n")
			if err := output.WriteJSON(&b, changedOptions(o.Values())); err != nil {
				t.Fatal(err)
			}
			b.WriteString("\n")
		}
		golden.Assert(t, strings.TrimSuffix(file, ".txt")+".golden", b.Bytes())
	}
}

// TestEveryRegistryEntryHasAGoldenCase: every ESPv1 flag appears in the input of a migrate
// case, every ESPv2 flag in the input of an ESPv2 case or the output of a migrate case.
func TestEveryRegistryEntryHasAGoldenCase(t *testing.T) {
	v1, v2 := map[string]bool{}, map[string]bool{}
	files, _ := filepath.Glob("testdata/migrate/*.txt")
	for _, file := range files {
		for _, c := range readCases(t, file) {
			args, opts, err := caseArgs(c)
			if err != nil {
				continue
			}
			parsed, _ := ParseESPv1(args)
			for _, a := range parsed {
				if a.Known() {
					v1[a.Flag.Name] = true
				}
			}
			if r, err := Migrate(args, opts); err == nil {
				out, _ := Parse(ESPv2(), r.Args, false)
				for _, a := range out {
					v2[a.Flag.Name] = true
				}
			}
		}
	}
	files, _ = filepath.Glob("testdata/espv2/*.txt")
	for _, file := range files {
		for _, c := range readCases(t, file) {
			parsed, _ := Parse(ESPv2(), shellWords(c.input), true)
			for _, a := range parsed {
				if a.Known() {
					v2[a.Flag.Name] = true
				}
			}
		}
	}
	var missing []string
	for _, f := range ESPv1().Flags {
		if !v1[f.Name] {
			missing = append(missing, "ESPv1 --"+f.Name)
		}
	}
	for _, f := range ESPv2().Flags {
		if !v2[f.Name] {
			missing = append(missing, "ESPv2 --"+f.Name)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("%d registry entries have no golden case (add one to testdata/migrate or testdata/espv2):\n  %s", len(missing), strings.Join(missing, "\n  "))
	}
	_ = slices.Contains[[]string]
	_ = json.Marshal
}
