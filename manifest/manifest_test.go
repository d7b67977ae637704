package manifest

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/espctl/espctl/golden"
)

// TestMigrateGolden runs every file in testdata/in and compares the diff and the findings
// with testdata/out/<file>.diff and .json.
func TestMigrateGolden(t *testing.T) {
	files, err := os.ReadDir("testdata/in")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		t.Run(f.Name(), func(t *testing.T) {
			path := filepath.Join("testdata/in", f.Name())
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			res, err := Migrate(path, data, Options{})
			if err != nil {
				t.Fatalf("Migrate: %v", err)
			}
			diff, err := res.UnifiedDiff()
			if err != nil {
				t.Fatal(err)
			}
			golden.AssertString(t, filepath.Join("testdata/out", f.Name()+".diff"), diff)
			golden.Assert(t, filepath.Join("testdata/out", f.Name()+".json"), jsonOf(t, res))
			assertOnlyESPLinesChanged(t, res)
		})
	}
}

// TestBadInput: files that are not manifests fail with the file and line, and nothing else.
func TestBadInput(t *testing.T) {
	files, err := os.ReadDir("testdata/bad")
	if err != nil {
		t.Fatal(err)
	}
	var got strings.Builder
	for _, f := range files {
		path := filepath.Join("testdata/bad", f.Name())
		data, _ := os.ReadFile(path)
		res, err := Migrate(path, data, Options{})
		if err == nil {
			t.Errorf("%s: want an error, got %d findings", path, len(res.Findings))
			continue
		}
		if !strings.HasPrefix(err.Error(), path) {
			t.Errorf("%s: error %q does not name the file", path, err)
		}
		got.WriteString(err.Error() + "\n")
	}
	golden.AssertString(t, "testdata/out/bad.txt", got.String())
}

// assertOnlyESPLinesChanged checks the byte-identity promise: the rewritten YAML parses, and
// every original line the diff touches holds an ESP word (image, flag, ESP_ARGS, list bracket).
func assertOnlyESPLinesChanged(t *testing.T, res *FileResult) {
	t.Helper()
	if res.Kind == KindKubernetes {
		if _, err := decodeDocuments(res.Path, res.Rewritten); err != nil {
			t.Errorf("rewritten YAML does not parse: %v", err)
		}
	}
	orig := strings.Split(string(res.Original), "\n")
	next := strings.Split(string(res.Rewritten), "\n")
	changed := changedLines(orig, next)
	for _, i := range changed {
		line := strings.TrimSpace(orig[i])
		if !isESPLine(line) {
			t.Errorf("line %d changed but holds no ESP part: %q", i+1, orig[i])
		}
	}
}

func isESPLine(line string) bool {
	for _, marker := range []string{"endpoints-runtime", "-", "ESP_ARGS", "]", "[", "start_esp"} {
		if strings.Contains(line, marker) {
			return true
		}
	}
	return false
}

// changedLines returns the indexes of lines of a that are not kept in b (a longest common
// subsequence, which is all the small test files need).
func changedLines(a, b []string) []int {
	n, m := len(a), len(b)
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out []int
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case a[i] == b[j]:
			i++
			j++
		case lcs[i+1][j] >= lcs[i][j+1]:
			out = append(out, i)
			i++
		default:
			j++
		}
	}
	for ; i < n; i++ {
		out = append(out, i)
	}
	return out
}

// invalidUpstream lists corpus files that are not valid YAML as published: in
// k8s-grpc-bookstore.yaml, `ports:` sits at the indentation of the container list's `-`.
var invalidUpstream = map[string]bool{"kubernetes/k8s-grpc-bookstore.yaml": true}

// TestCorpusManifests: every manifest and script in ../shared/corpus migrates (exit 0 or 3),
// gives valid YAML, and changes only ESP lines.
func TestCorpusManifests(t *testing.T) {
	root := filepath.Join("..", "..", "shared", "corpus")
	if _, err := os.Stat(root); err != nil {
		t.Skip("../shared/corpus not present: conformance skipped")
	}
	var paths []string
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".sh")) {
			data, _ := os.ReadFile(p)
			if strings.Contains(string(data), "containers:") || strings.Contains(string(data), "endpoints_api_service") || strings.Contains(string(data), "docker run") {
				paths = append(paths, p)
			}
		}
		return nil
	})
	if len(paths) == 0 {
		t.Fatal("no manifests found in the corpus")
	}
	for _, p := range paths {
		t.Run(strings.TrimPrefix(p, root+"/"), func(t *testing.T) {
			data, _ := os.ReadFile(p)
			res, err := Migrate(p, data, Options{})
			if invalidUpstream[filepath.ToSlash(strings.TrimPrefix(p, root+"/"))] {
				// Not valid YAML upstream (kubectl rejects it too): the promise is a clear error
				// with the line, and exit 2.
				if err == nil || !strings.Contains(err.Error(), ":52: not valid YAML") {
					t.Fatalf("want a YAML error at line 52, got %v", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Migrate: %v", err)
			}
			if res.Kind == KindKubernetes && !res.Changed {
				t.Errorf("nothing changed in an ESPv1 manifest")
			}
			assertOnlyESPLinesChanged(t, res)
		})
	}
}

func FuzzMigrateKubernetes(f *testing.F) {
	for _, p := range []string{"testdata/in/deployment.yaml", "testdata/in/statefulset_tls.yaml", "testdata/in/knative_esp_args.yaml", "testdata/in/command_override.yaml"} {
		data, err := os.ReadFile(p)
		if err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := Migrate("fuzz.yaml", data, Options{})
		if err != nil {
			return
		}
		if _, err := decodeDocuments("fuzz.yaml", res.Rewritten); err != nil {
			t.Fatalf("rewritten output does not parse: %v\n%s", err, res.Rewritten)
		}
	})
}

// jsonOf encodes as `espctl migrate manifest -o json` does: indented, `<>&` unescaped.
func jsonOf(t *testing.T, v any) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
