package layering

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/espctl/espctl/golden" // defines -update for `go test ./... -update`
)

const module = "github.com/espctl/espctl/"

// forbidden lists, per package, the espctl packages it must not import.
var forbidden = map[string][]string{
	// Leaves: nothing of espctl but each other where noted.
	"diag":     {"flags", "grpcconfig", "openapi", "load", "translate", "transcode", "proxy", "xds", "manifest"},
	"output":   {"flags", "grpcconfig", "openapi", "load", "translate", "transcode", "proxy", "xds", "manifest"},
	"httprule": {"flags", "grpcconfig", "openapi", "load", "translate", "transcode", "proxy", "xds", "manifest"},
	// Inputs never reach forward.
	"flags":      {"grpcconfig", "openapi", "load", "translate", "transcode", "proxy", "xds", "manifest"},
	"grpcconfig": {"openapi", "load", "translate", "transcode", "proxy", "xds", "manifest"},
	"openapi":    {"grpcconfig", "load", "translate", "transcode", "proxy", "xds", "manifest"},
	"load":       {"translate", "transcode", "proxy", "xds", "manifest"},
	// The normalized config knows nothing of how it was read or who reads it.
	"translate": {"grpcconfig", "openapi", "load", "transcode", "proxy", "xds", "manifest"},
	// Consumers read translate.Config, never the inputs.
	"transcode": {"grpcconfig", "openapi", "load", "proxy", "xds", "manifest"},
	"proxy":     {"grpcconfig", "openapi", "load", "xds", "manifest"},
	"xds":       {"grpcconfig", "openapi", "load", "proxy", "transcode", "manifest"},
	"manifest":  {"grpcconfig", "openapi", "load", "translate", "transcode", "proxy", "xds"},
	// API management and observability: consumers of translate.Config the proxy calls.
	"jwtauth":      {"grpcconfig", "openapi", "load", "proxy", "xds", "manifest", "transcode"},
	"apikey":       {"grpcconfig", "openapi", "load", "proxy", "xds", "manifest", "transcode"},
	"quota":        {"grpcconfig", "openapi", "load", "proxy", "xds", "manifest", "transcode"},
	"observe":      {"grpcconfig", "openapi", "load", "transcode", "proxy", "xds", "manifest"},
	"cors":         {"flags", "grpcconfig", "openapi", "load", "translate", "transcode", "proxy", "xds", "manifest"},
	"headerpolicy": {"flags", "grpcconfig", "openapi", "load", "translate", "transcode", "proxy", "xds", "manifest"},
	"demo":         {"proxy", "xds", "manifest"},
	"internal":     {"flags", "grpcconfig", "openapi", "load", "translate", "transcode", "proxy", "xds", "manifest"},
}

func TestImportsFlowOneWay(t *testing.T) {
	root := filepath.Join("..", "..")
	fset := token.NewFileSet()
	checked := 0
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		rel = filepath.ToSlash(rel)
		top := strings.Split(rel, "/")[0]
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		checked++
		for _, imp := range f.Imports {
			p := strings.Trim(imp.Path.Value, `"`)
			if !strings.HasPrefix(p, module) {
				continue
			}
			target := strings.Split(strings.TrimPrefix(p, module), "/")[0]
			if target == "cmd" {
				t.Errorf("%s imports %s: nothing imports the command", path, p)
			}
			for _, bad := range forbidden[top] {
				if target == bad {
					t.Errorf("%s imports %s: %s must not depend on %s (docs/development.md)", path, p, top, bad)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked == 0 {
		t.Fatal("no Go files checked")
	}
}
