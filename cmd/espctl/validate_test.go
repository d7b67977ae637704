package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/espctl/espctl/golden"
)

// sharedCorpus is ../shared/corpus next to the repository root; tests that need it skip
// when it is absent.
func sharedCorpus(t *testing.T) string {
	t.Helper()
	const dir = "../../../shared/corpus"
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("shared corpus not found at %s", dir)
	}
	return dir
}

const (
	libraryProtos = "../../grpcconfig/testdata/protos"
	libraryProto  = libraryProtos + "/shelf/v1/library.proto"
	rulesDir      = "../../grpcconfig/testdata/rules"
)

// corpusValidateArgs are the corpus configs with both descriptor routes where there are two.
func corpusValidateArgs(c string) map[string][]string {
	return map[string][]string{
		"getting-started-grpc.pb":                    {c + "/getting-started-grpc/api_config.yaml", "--descriptor", c + "/getting-started-grpc/api_descriptor.pb"},
		"getting-started-grpc.proto":                 {c + "/getting-started-grpc/api_config.yaml", "--proto", c + "/getting-started-grpc/protos/helloworld.proto"},
		"bookstore-grpc.api_config":                  {c + "/bookstore-grpc/api_config.yaml", "--proto", c + "/bookstore-grpc/bookstore.proto"},
		"bookstore-grpc.api_config_auth":             {c + "/bookstore-grpc/api_config_auth.yaml", "--proto", c + "/bookstore-grpc/http_bookstore.proto"},
		"bookstore-grpc.api_config_http":             {c + "/bookstore-grpc/api_config_http.yaml", "--proto", c + "/bookstore-grpc/bookstore.proto"},
		"bookstore-grpc.api_config_anthos":           {c + "/bookstore-grpc/api_config_anthos.yaml", "--proto", c + "/bookstore-grpc/bookstore.proto"},
		"bookstore-grpc-transcoding.api_config":      {c + "/bookstore-grpc-transcoding/api_config.yaml", "--proto", c + "/bookstore-grpc-transcoding/bookstore.proto"},
		"bookstore-grpc-transcoding.api_config_auth": {c + "/bookstore-grpc-transcoding/api_config_auth.yaml", "-I", c + "/bookstore-grpc-transcoding", "--proto", c + "/bookstore-grpc-transcoding/bookstore.proto"},
		"esp-v1-grpc-transcoding":                    {c + "/esp-v1-grpc-transcoding/bookstore-api.yaml", "--proto", c + "/esp-v1-grpc-transcoding/bookstore.proto"},
		"esp-v1-service-config.service":              {"--service_json_path", c + "/esp-v1-service-config/service.json"},
		"esp-v1-service-config.bookstore":            {c + "/esp-v1-service-config/bookstore.json"},
	}
}

func TestValidateCorpusIsValid(t *testing.T) {
	c := sharedCorpus(t)
	for name, args := range corpusValidateArgs(c) {
		r := runCLI(t, "", append([]string{"validate"}, args...)...)
		if r.code != exitOK || !strings.Contains(r.stdout, ": valid (0 errors") {
			t.Errorf("%s: exit %d\nstdout:\n%s\nstderr:\n%s", name, r.code, r.stdout, r.stderr)
		}
	}
}

// TestValidateRuleCases: every broken input of the rule catalogue fails with exit 1 and its
// rule id, through the command.
func TestValidateRuleCases(t *testing.T) {
	dirs, _ := filepath.Glob(rulesDir + "/*")
	for _, dir := range dirs {
		rule := strings.SplitN(filepath.Base(dir), "_", 2)[0]
		args := []string{"validate"}
		files, _ := filepath.Glob(dir + "/*.yaml")
		if js, _ := filepath.Glob(dir + "/service.json"); len(js) > 0 {
			args = append(args, "--service_json_path", js[0])
		}
		args = append(args, files...)
		if protos, _ := filepath.Glob(dir + "/*.proto"); len(protos) > 0 {
			args = append(args, "-I", dir)
			for _, p := range protos {
				args = append(args, "--proto", p)
			}
		} else {
			args = append(args, "-I", libraryProtos, "--proto", libraryProto)
		}
		r := runCLI(t, "", args...)
		wantCode := exitInvalid
		if rule[0] == 'W' {
			wantCode = exitOK
		}
		if r.code != wantCode || !strings.Contains(r.stdout, "["+rule+"]") {
			t.Errorf("%s: exit %d (want %d), stdout:\n%s\nstderr:\n%s", filepath.Base(dir), r.code, wantCode, r.stdout, r.stderr)
		}
	}
}

func TestValidateTextAndJSON(t *testing.T) {
	args := []string{"validate", rulesDir + "/E116_unknown_body/api_config.yaml", "--proto", libraryProto, "-I", libraryProtos}
	r := runCLI(t, "", args...)
	if r.code != exitInvalid || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	golden.AssertString(t, "testdata/validate/e116.txt", r.stdout)

	r = runCLI(t, "", append(args, "-o", "json")...)
	if r.code != exitInvalid {
		t.Fatalf("-o json: exit %d", r.code)
	}
	var rep validateReport
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil || rep.Valid || rep.Errors != 1 || rep.Diagnostics[0].Rule != "E116" {
		t.Errorf("-o json: %v %+v", err, rep)
	}
	golden.AssertString(t, "testdata/validate/e116.json", r.stdout)
}

func TestValidateUnreadableInputExitsTwo(t *testing.T) {
	for _, args := range [][]string{
		{"validate", "testdata/validate/nope.yaml", "--descriptor", "nope.pb"},
		{"validate", rulesDir + "/E101_unknown_field/api_config.yaml"}, // no descriptors
		{"validate"},
		{"validate", rulesDir + "/E101_unknown_field/api_config.yaml", "--descriptor", "x.pb", "--proto", "x.proto"},
	} {
		r := runCLI(t, "", args...)
		if r.code != exitBadInput || !strings.HasPrefix(r.stderr, "espctl: ") {
			t.Errorf("%v: exit %d, stderr %q", args, r.code, r.stderr)
		}
	}
}

// TestListRules pins the catalogue and keeps docs/rules.md in step with it.
func TestListRules(t *testing.T) {
	r := runCLI(t, "", "validate", "--list-rules")
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	golden.AssertString(t, "testdata/validate/list-rules.txt", r.stdout)

	var doc strings.Builder
	doc.WriteString(rulesDocHeader)
	doc.WriteString("| id | severity | input | what it catches |\n|---|---|---|---|\n")
	for _, row := range allRules() {
		doc.WriteString("| " + row.ID + " | " + string(row.Severity) + " | " + row.Source + " | " + strings.ReplaceAll(row.Summary, "|", "\\|") + " |\n")
	}
	golden.AssertString(t, "../../docs/rules.md", doc.String())
}

const rulesDocHeader = `# Validation rules

Every check of ` + "`espctl validate`" + ` (and of every command that loads an API config) has an id:
` + "`E1xx`" + ` errors and ` + "`W1xx`" + ` warnings for gRPC service configs (package grpcconfig), ` + "`E2xx`" + ` /
` + "`W2xx`" + ` for OpenAPI documents (package openapi). Errors make ` + "`validate`" + ` exit 1; warnings do not.
` + "`espctl validate --list-rules`" + ` prints this table. Each diagnostic reads
` + "`file:line:col: severity: field: message [ID]`" + ` with a ` + "`hint:`" + ` line below it.

Each E1xx/W1xx rule has a small broken input and its exact output under
` + "`grpcconfig/testdata/rules/<ID>_<what>/`" + ` (E131, W104 and E133 are built in
` + "`grpcconfig/rules_test.go`" + `). This file is generated by ` + "`TestListRules`" + ` in cmd/espctl:
run ` + "`go test ./cmd/espctl -run TestListRules -update`" + ` after changing a rule.

`

func TestValidateAndConfigHelp(t *testing.T) {
	for _, name := range []string{"validate", "config"} {
		r := runCLI(t, "", name, "--help")
		if r.code != exitOK {
			t.Fatalf("%s --help: exit %d", name, r.code)
		}
		golden.AssertString(t, "testdata/"+name+"/help.txt", r.stdout)
	}
}
