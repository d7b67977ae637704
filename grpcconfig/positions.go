package grpcconfig

import (
	"strings"

	"github.com/espctl/espctl/diag"
)

// Positions maps a field path, written with proto (snake_case) names and list indexes
// (`backend.rules[2].address`), to where its value is in the user's files. It is built while
// decoding, so every diagnostic about the decoded Service can cite file:line:col.
type Positions struct {
	m map[string]diag.Pos
	// quoted marks scalars written in quotes: a column inside the value is one further right.
	quoted map[string]bool
	// files lists the config files in merge order; the first one is where positions of
	// fields nobody wrote (defaults, expansions) point.
	files []string
	// root is the top of the first file's mapping, for fields nobody wrote.
	root diag.Pos
}

func newPositions(files []string) *Positions {
	return &Positions{m: map[string]diag.Pos{}, quoted: map[string]bool{}, files: files}
}

func (p *Positions) set(path string, pos diag.Pos) {
	if p == nil {
		return
	}
	p.m[path] = pos
}

// Has reports whether the user wrote the field at path.
func (p *Positions) Has(path string) bool {
	if p == nil {
		return false
	}
	_, ok := p.m[path]
	return ok
}

// Pos returns the position of path, or of its nearest written parent, or the first file.
func (p *Positions) Pos(path string) diag.Pos {
	if p == nil {
		return diag.Pos{}
	}
	for path != "" {
		if pos, ok := p.m[path]; ok {
			return pos
		}
		path = parentPath(path)
	}
	if p.root.File != "" {
		return p.root
	}
	if len(p.files) > 0 {
		return diag.Pos{File: p.files[0]}
	}
	return diag.Pos{}
}

// parentPath strips the last component: `a.b[2].c` -> `a.b[2]` -> `a.b` -> `a` -> “.
func parentPath(path string) string {
	if strings.HasSuffix(path, "]") {
		if i := strings.LastIndexByte(path, '['); i >= 0 {
			return path[:i]
		}
	}
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		return path[:i]
	}
	return ""
}

// Inside returns the position of the col-th character (1-based) of the scalar at path.
func (p *Positions) Inside(path string, col int) diag.Pos {
	pos := p.Pos(path)
	if p == nil || !p.Has(path) || pos.Col == 0 || col < 1 {
		return pos
	}
	pos.Col += col - 1
	if p.quoted[path] {
		pos.Col++
	}
	return pos
}
