package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/espctl/espctl/flags"
	"github.com/espctl/espctl/golden"
)

// Each case runs the whole CLI in process and pins exit code, stdout and stderr in one golden
// file, so the text, JSON and YAML outputs are reviewed as users see them.
func TestMigrateFlagsCLI(t *testing.T) {
	for _, c := range []struct {
		name  string
		stdin string
		args  []string
		code  int
	}{
		{"issue-example-text", "", []string{"migrate", "flags", "--", "--http_port=8081", "--backend=127.0.0.1:8080", "--service=SERVICE_NAME", "--rollout_strategy=managed"}, 0},
		{"issue-example-json", "", []string{"migrate", "flags", "-o", "json", "--", "--http_port=8081", "--backend=127.0.0.1:8080", "--service=SERVICE_NAME", "--rollout_strategy=managed"}, 0},
		{"issue-example-yaml", "", []string{"migrate", "flags", "-o", "yaml", "--", "--http_port=8081", "--backend=127.0.0.1:8080", "--service=SERVICE_NAME", "--rollout_strategy=managed"}, 0},
		{"built-in-example", "", []string{"migrate", "flags"}, 0},
		{"esp-args-json", "", []string{"migrate", "flags", "-o", "json", "--esp-args", "^++^--cors_allow_methods=GET,POST++--cors_allow_credentials", "--env", "CORS_PRESET=basic"}, 0},
		{"file", "", []string{"migrate", "flags", "--file", "testdata/migrate_flags/args.txt"}, 0},
		{"file-stdin", "-s SVC\n--version CFG\n", []string{"migrate", "flags", "--file", "-"}, 0},
		{"needs-a-person", "", []string{"migrate", "flags", "--", "-s", "SVC", "--rewrite", "^/a /b"}, 3},
		{"unknown-flag", "", []string{"migrate", "flags", "--", "-s", "SVC", "-R", "managed", "--servce_account_key=/k"}, 3},
		{"missing-value", "", []string{"migrate", "flags", "--", "-s"}, 2},
		{"bad-number", "", []string{"migrate", "flags", "--", "--http_port=eighty"}, 2},
		{"no-dashdash", "", []string{"migrate", "flags", "--http_port=8081"}, 2},
		{"two-inputs", "", []string{"migrate", "flags", "--esp-args", "--a", "--", "-s", "x"}, 2},
		{"empty-delimiter", "", []string{"migrate", "flags", "--esp-args", "^^--a"}, 2},
		{"missing-file", "", []string{"migrate", "flags", "--file", "testdata/migrate_flags/nosuch.txt"}, 2},
		{"env-without-esp-args", "", []string{"migrate", "flags", "--env", "CORS_PRESET=basic", "--", "-s", "x"}, 2},
		{"help", "", []string{"migrate", "flags", "--help"}, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := runCLI(t, c.stdin, c.args...)
			if r.code != c.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", r.code, c.code, r.stdout, r.stderr)
			}
			golden.AssertString(t, "testdata/migrate_flags/"+c.name+".golden",
				"$ espctl "+strings.Join(c.args, " ")+"\n--- exit\n"+itoa(r.code)+"\n--- stdout\n"+r.stdout+"--- stderr\n"+r.stderr)
		})
	}
}

func itoa(n int) string { return string(rune('0' + n)) }

// The -o json shape is a contract (issue 3 item 6): exactly these keys, every ESPv2 flag in
// options, findings with all six fields.
func TestMigrateFlagsJSONShape(t *testing.T) {
	r := runCLI(t, "", "migrate", "flags", "-o", "json", "--esp-args", "--http_port=9000,--enable_debug")
	var got map[string]json.RawMessage
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, r.stdout)
	}
	for _, k := range []string{"args", "env", "options", "findings"} {
		if _, ok := got[k]; !ok {
			t.Errorf("missing key %q", k)
		}
	}
	if len(got) != 4 {
		t.Errorf("keys %v, want exactly args, env, options, findings", got)
	}
	var options map[string]any
	_ = json.Unmarshal(got["options"], &options)
	for _, f := range flags.ESPv2().Flags {
		if _, ok := options[f.Name]; !ok && f.Name != "help" {
			t.Errorf("options lacks %q", f.Name)
		}
	}
	var findings []map[string]any
	_ = json.Unmarshal(got["findings"], &findings)
	for _, f := range findings {
		if len(f) != 6 {
			t.Errorf("finding %v: want flag, input, action, replacement, severity, message", f)
		}
	}
	var env map[string]string
	_ = json.Unmarshal(got["env"], &env)
	if env["ESPv2_ARGS"] != "--http_port=9000,--enable_debug" {
		t.Errorf("env = %v", env)
	}
	// Without ESP_ARGS there is no env key.
	r = runCLI(t, "", "migrate", "flags", "-o", "json", "--", "-s", "x", "-v", "y")
	if strings.Contains(r.stdout, `"env"`) {
		t.Errorf("env present for argv input:\n%s", r.stdout)
	}
}
