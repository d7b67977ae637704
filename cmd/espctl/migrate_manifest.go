package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/espctl/espctl/manifest"
	"github.com/espctl/espctl/output"
)

const (
	inPlaceFlagName   = "in-place"
	backupFlagName    = "backup"
	targetTagFlagName = "target-tag"
	recursiveFlagName = "recursive"
	reportFlagName    = "report"
)

type migrateManifestFlags struct {
	inPlace, backup, recursive bool
	targetTag, report          string
}

func newMigrateManifestCommand(c *cli) *cobra.Command {
	f := &migrateManifestFlags{}
	cmd := &cobra.Command{
		Use:   "manifest FILE... | -r DIR | -",
		Short: "Rewrite ESPv1 deployments (Kubernetes, docker run, Cloud Run, Dockerfiles) to ESPv2",
		Long: `Rewrite the files an ESPv1 deployment lives in so they run ESPv2, changing only the ESP parts:

  Kubernetes YAML   ESP containers (by image endpoints-runtime[-serverless]:1.*, any registry, or
                    by their flags): image tag, args/command flags, ESP_ARGS -> ESPv2_ARGS; then
                    checks ports, Service targetPorts, probes and TLS secrets the change breaks
  shell, Markdown   docker run ... endpoints-runtime:1 <flags> (with \ continuations), and
                    gcloud run deploy --set-env-vars=ESP_ARGS=...
  Dockerfile        FROM ...endpoints-runtime-serverless:1
  app.yaml          endpoints_api_service: reported as unsupported (ESPv2 cannot run on App
                    Engine), nothing changed

The default output is a unified diff (apply it with git apply or patch -p1) on stdout and the
findings on stderr; --in-place writes the files (atomically, mode kept), -o json prints the
findings per file with line numbers.

Exit codes: 0 migrated; 2 a file could not be read or is not a manifest (it is left untouched);
3 migrated, but at least one finding needs a person.`,
		Example: `  # See what would change
  espctl migrate manifest k8s/deployment.yaml

  # Rewrite a copy in place, keeping deployment.yaml.orig
  espctl migrate manifest --in-place --backup k8s/deployment.yaml

  # A whole directory, with a Markdown report of the manual steps
  espctl migrate manifest -r deploy/ --report migration.md

  # From stdin
  cat run.sh | espctl migrate manifest -`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runMigrateManifest(c, f, args)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&f.inPlace, inPlaceFlagName, false, "write the migrated files in place instead of printing a diff")
	fl.BoolVar(&f.backup, backupFlagName, false, "with --in-place, keep the original as FILE.orig")
	fl.StringVar(&f.targetTag, targetTagFlagName, "2", "ESPv2 image tag to write")
	fl.BoolVarP(&f.recursive, recursiveFlagName, "r", false, "migrate every YAML, shell, Markdown and Dockerfile under the given directories")
	fl.StringVar(&f.report, reportFlagName, "", "write a Markdown migration report to this file")
	return cmd
}

// manifestFileJSON is the -o json shape for one file (documented in docs/migrate-manifests.md).
type manifestFileJSON struct {
	*manifest.FileResult
	Error string `json:"error,omitempty"`
}

func runMigrateManifest(c *cli, f *migrateManifestFlags, args []string) error {
	format, err := c.format()
	if err != nil {
		return err
	}
	if len(args) == 0 {
		return badInput(errors.New("give at least one FILE, a directory with -r, or - for stdin"))
	}
	if f.backup && !f.inPlace {
		return badInput(errors.New("--backup needs --in-place"))
	}
	paths, err := manifestPaths(args, f.recursive)
	if err != nil {
		return badInput(err)
	}
	opts := manifest.Options{TargetTag: f.targetTag}
	var results []*manifest.FileResult
	var jsonOut []manifestFileJSON
	failed := map[string]error{}
	code := exitOK
	for _, p := range paths {
		data, readErr := readManifestInput(c, p)
		var res *manifest.FileResult
		if readErr == nil {
			res, readErr = manifest.Migrate(p, data, opts)
		}
		if readErr != nil {
			failed[p] = readErr
			jsonOut = append(jsonOut, manifestFileJSON{FileResult: &manifest.FileResult{Path: p, Findings: []manifest.Finding{}}, Error: readErr.Error()})
			if format == output.Text {
				printError(c.stderr, readErr)
			}
			code = exitBadInput
			continue
		}
		results = append(results, res)
		jsonOut = append(jsonOut, manifestFileJSON{FileResult: res})
		if res.NeedsPerson() && code == exitOK {
			code = exitNeedsPerson
		}
		if f.inPlace && p != "-" {
			if err := res.WriteInPlace(f.backup); err != nil {
				return fmt.Errorf("writing %s: %w", p, err)
			}
		}
		if format == output.Text {
			if err := printManifestText(c, res, f.inPlace); err != nil {
				return err
			}
		}
	}
	if format != output.Text {
		if err := output.Write(c.stdout, format, map[string]any{"files": jsonOut}, nil); err != nil {
			return err
		}
	}
	if f.report != "" {
		out, err := os.Create(f.report)
		if err != nil {
			return err
		}
		if err := manifest.WriteReport(out, results, failed); err != nil {
			out.Close()
			return err
		}
		if err := out.Close(); err != nil {
			return err
		}
	}
	return withCode(code)
}

func printManifestText(c *cli, res *manifest.FileResult, inPlace bool) error {
	if !inPlace {
		diff, err := res.UnifiedDiff()
		if err != nil {
			return err
		}
		io.WriteString(c.stdout, diff)
	} else if res.Changed {
		fmt.Fprintf(c.stderr, "%s: rewritten\n", res.Path)
	}
	for _, fd := range res.Findings {
		fmt.Fprintf(c.stderr, "%s:%d: %s: %s\n", res.Path, fd.Line, fd.Severity, fd.Message)
	}
	return nil
}

func readManifestInput(c *cli, p string) ([]byte, error) {
	if p == "-" {
		return io.ReadAll(c.stdin)
	}
	return os.ReadFile(p)
}

// manifestPaths expands directories (with -r) into the files a rewriter understands.
func manifestPaths(args []string, recursive bool) ([]string, error) {
	var out []string
	for _, a := range args {
		info, err := os.Stat(a)
		if a == "-" || (err == nil && !info.IsDir()) {
			out = append(out, a)
			continue
		}
		if err != nil {
			return nil, err
		}
		if !recursive {
			return nil, fmt.Errorf("%s is a directory: use -r to migrate every file in it", a)
		}
		var found []string
		err = filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if strings.HasPrefix(d.Name(), ".") && p != a {
					return filepath.SkipDir
				}
				return nil
			}
			if manifestCandidate(d.Name()) {
				found = append(found, p)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		sort.Strings(found)
		out = append(out, found...)
	}
	return out, nil
}

func manifestCandidate(name string) bool {
	lower := strings.ToLower(name)
	for _, suffix := range []string{".yaml", ".yml", ".sh", ".bash", ".md", ".markdown", ".dockerfile"} {
		if strings.HasSuffix(lower, suffix) {
			return true
		}
	}
	return lower == "dockerfile" || strings.HasPrefix(lower, "dockerfile.")
}
