package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func copyTestdata(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "manifest", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), filepath.Base(name))
	if err := os.WriteFile(p, data, 0o640); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestMigrateManifestDiffByDefault(t *testing.T) {
	p := copyTestdata(t, "in/deployment.yaml")
	before, _ := os.ReadFile(p)
	r := runCLI(t, "", "migrate", "manifest", p)
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "+        image: gcr.io/endpoints-release/endpoints-runtime:2") {
		t.Errorf("diff misses the image change:\n%s", r.stdout)
	}
	after, _ := os.ReadFile(p)
	if string(before) != string(after) {
		t.Error("without --in-place the file must not change")
	}
}

func TestMigrateManifestInPlaceWithBackup(t *testing.T) {
	p := copyTestdata(t, "in/statefulset_tls.yaml")
	before, _ := os.ReadFile(p)
	r := runCLI(t, "", "migrate", "manifest", "--in-place", "--backup", p)
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	after, _ := os.ReadFile(p)
	if !strings.Contains(string(after), "--listener_port=8443") {
		t.Errorf("file not rewritten:\n%s", after)
	}
	orig, err := os.ReadFile(p + ".orig")
	if err != nil || string(orig) != string(before) {
		t.Errorf("backup missing or different: %v", err)
	}
	info, _ := os.Stat(p)
	if info.Mode().Perm() != 0o640 {
		t.Errorf("mode %v, want 0640 kept", info.Mode().Perm())
	}
}

func TestMigrateManifestExitCodes(t *testing.T) {
	needsPerson := copyTestdata(t, "in/job_replicaset.yaml") // carries an unknown flag
	if r := runCLI(t, "", "migrate", "manifest", needsPerson); r.code != exitNeedsPerson {
		t.Errorf("unknown flag: exit %d, want 3 (%s)", r.code, r.stderr)
	}
	bad := copyTestdata(t, "bad/not_yaml.yaml")
	before, _ := os.ReadFile(bad)
	r := runCLI(t, "", "migrate", "manifest", "--in-place", bad)
	if r.code != exitBadInput || !strings.Contains(r.stderr, "not_yaml.yaml:4:") {
		t.Errorf("not YAML: exit %d, stderr %q", r.code, r.stderr)
	}
	after, _ := os.ReadFile(bad)
	if string(before) != string(after) {
		t.Error("a bad file must be left untouched")
	}
	if r := runCLI(t, "", "migrate", "manifest"); r.code != exitBadInput {
		t.Errorf("no file: exit %d, want 2", r.code)
	}
}

func TestMigrateManifestJSONAndStdin(t *testing.T) {
	data, _ := os.ReadFile(filepath.Join("..", "..", "manifest", "testdata", "in", "deployment.yaml"))
	r := runCLI(t, string(data), "migrate", "manifest", "-o", "json", "-")
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var out struct {
		Files []struct {
			Path     string `json:"path"`
			Changed  bool   `json:"changed"`
			Findings []struct {
				Line int `json:"line"`
				Flag *struct {
					Action string `json:"action"`
				} `json:"flag"`
			} `json:"findings"`
		} `json:"files"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, r.stdout)
	}
	if len(out.Files) != 1 || !out.Files[0].Changed || len(out.Files[0].Findings) == 0 || out.Files[0].Findings[0].Line == 0 {
		t.Errorf("unexpected JSON: %s", r.stdout)
	}
}

func TestMigrateManifestReport(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"in/deployment.yaml", "in/run.sh", "in/app.yaml"} {
		data, _ := os.ReadFile(filepath.Join("..", "..", "manifest", "testdata", name))
		os.WriteFile(filepath.Join(dir, filepath.Base(name)), data, 0o644)
	}
	report := filepath.Join(t.TempDir(), "report.md")
	r := runCLI(t, "", "migrate", "manifest", "-r", dir, "--report", report)
	if r.code != exitNeedsPerson { // app.yaml cannot move to ESPv2
		t.Errorf("exit %d, want 3: %s", r.code, r.stderr)
	}
	md, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"# ESPv1 -> ESPv2 migration report", "X-Endpoint-API-UserInfo", "value_prefix", "- [ ] ", "app.yaml"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("report misses %q", want)
		}
	}
}

func TestMigrateNginx(t *testing.T) {
	p := copyTestdata(t, "nginx/custom.conf")
	r := runCLI(t, "", "migrate", "nginx", p)
	if r.code != exitNeedsPerson {
		t.Errorf("exit %d, want 3", r.code)
	}
	for _, want := range []string{"--listener_port=8443", "--ssl_server_cert_path=/etc/nginx/ssl", "--backend=http://127.0.0.1:8081", "--dns_resolver_addresses=8.8.8.8;8.8.4.4"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout misses %s:\n%s", want, r.stdout)
		}
	}
}
