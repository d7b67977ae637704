// Package manifest rewrites the files ESPv1 deployments live in — Kubernetes YAML, shell
// scripts and Markdown with `docker run` or `gcloud run deploy` lines, Dockerfiles, App Engine
// app.yaml — so they run ESPv2, changing only the ESP parts and reporting what it could not do.
//
// Every rewrite is a set of byte-range edits on the original text: the untouched parts of a
// file come out byte-identical (comments, key order, indentation, other containers). yaml.v3
// nodes are used only to find where the edits go.
package manifest

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/espctl/espctl/flags"
)

// Options tune a migration.
type Options struct {
	// TargetTag is the ESPv2 image tag to write (default "2").
	TargetTag string
}

func (o Options) targetTag() string {
	if o.TargetTag == "" {
		return "2"
	}
	return o.TargetTag
}

// Kind names the kind of file a rewriter understood.
type Kind string

const (
	KindKubernetes Kind = "kubernetes"
	KindShell      Kind = "shell"
	KindMarkdown   Kind = "markdown"
	KindDockerfile Kind = "dockerfile"
	KindAppEngine  Kind = "appengine"
)

// Finding is one thing the migration did or could not do, at a line of the file.
type Finding struct {
	Line     int            `json:"line,omitempty"`
	Severity flags.Severity `json:"severity"`
	// Topic groups findings: image, flag, env, port, secret, probe, command, unsupported.
	Topic   string `json:"topic"`
	Message string `json:"message"`
	// Flag is the per-flag account when the finding comes from the flag migration.
	Flag *flags.Finding `json:"flag,omitempty"`
}

// FileResult is the migration of one file.
type FileResult struct {
	Path      string    `json:"path"`
	Kind      Kind      `json:"kind"`
	Changed   bool      `json:"changed"`
	Findings  []Finding `json:"findings"`
	Original  []byte    `json:"-"`
	Rewritten []byte    `json:"-"`
}

// NeedsPerson reports whether any finding needs a person's decision (exit code 3).
func (r *FileResult) NeedsPerson() bool {
	for _, f := range r.Findings {
		if f.Severity == flags.SeverityError {
			return true
		}
	}
	return false
}

// InputError is a file that cannot be migrated at all (not YAML, binary, ...): exit 2.
type InputError struct {
	Path string
	Line int
	Msg  string
}

func (e *InputError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.Path, e.Msg)
}

// Migrate rewrites one file. The file kind is decided by name and content.
func Migrate(path string, data []byte, opts Options) (*FileResult, error) {
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, &InputError{Path: path, Msg: "binary file: not a manifest, script or Dockerfile"}
	}
	res := &FileResult{Path: path, Original: data, Rewritten: data, Findings: []Finding{}}
	var err error
	switch kind := detectKind(path, data); kind {
	case KindDockerfile:
		res.Kind = kind
		err = migrateDockerfile(res, opts)
	case KindShell, KindMarkdown:
		res.Kind = kind
		err = migrateShell(res, opts)
	case KindAppEngine:
		res.Kind = kind
		err = migrateAppEngine(res)
	default:
		res.Kind = KindKubernetes
		err = migrateKubernetes(res, opts)
	}
	if err != nil {
		return nil, err
	}
	res.Changed = !bytes.Equal(res.Original, res.Rewritten)
	return res, nil
}

// detectKind picks the rewriter: Dockerfiles and scripts by name, YAML by content.
func detectKind(path string, data []byte) Kind {
	base := strings.ToLower(filepath.Base(path))
	switch {
	case base == "dockerfile" || strings.HasPrefix(base, "dockerfile.") || strings.HasSuffix(base, ".dockerfile"):
		return KindDockerfile
	case strings.HasSuffix(base, ".md") || strings.HasSuffix(base, ".markdown"):
		return KindMarkdown
	case strings.HasSuffix(base, ".sh") || strings.HasSuffix(base, ".bash"):
		return KindShell
	}
	if isAppEngine(data) {
		return KindAppEngine
	}
	if strings.HasSuffix(base, ".yaml") || strings.HasSuffix(base, ".yml") || strings.HasSuffix(base, ".json") {
		return KindKubernetes
	}
	// No telling name: YAML if it looks like a manifest, a script otherwise.
	if bytes.Contains(data, []byte("apiVersion:")) || bytes.Contains(data, []byte("kind:")) {
		return KindKubernetes
	}
	if bytes.HasPrefix(bytes.TrimSpace(data), []byte("FROM ")) {
		return KindDockerfile
	}
	return KindShell
}
