package manifest

import (
	"slices"
	"unicode/utf8"
)

// edit replaces the bytes [start, end) of the original text.
type edit struct {
	start, end int
	text       string
}

// editor collects edits on one text and applies them at the end, so positions found in the
// original stay valid while edits are planned.
type editor struct {
	src        []byte
	lineStarts []int
	edits      []edit
}

func newEditor(src []byte) *editor {
	e := &editor{src: src, lineStarts: []int{0}}
	for i, b := range src {
		if b == '\n' {
			e.lineStarts = append(e.lineStarts, i+1)
		}
	}
	return e
}

// offset converts a 1-based line and a 1-based column counted in characters (as yaml.v3
// reports them) to a byte offset.
func (e *editor) offset(line, col int) int {
	if line < 1 || line > len(e.lineStarts) {
		return len(e.src)
	}
	off := e.lineStarts[line-1]
	for c := 1; c < col && off < len(e.src) && e.src[off] != '\n'; c++ {
		_, size := utf8.DecodeRune(e.src[off:])
		off += size
	}
	return off
}

// lineEnd is the offset of the newline ending the given line (or the end of the text).
func (e *editor) lineEnd(line int) int {
	if line < len(e.lineStarts) {
		return e.lineStarts[line] - 1
	}
	return len(e.src)
}

// lineText returns a line without its newline.
func (e *editor) lineText(line int) string {
	if line < 1 || line > len(e.lineStarts) {
		return ""
	}
	return string(e.src[e.lineStarts[line-1]:e.lineEnd(line)])
}

func (e *editor) replace(start, end int, text string) {
	e.edits = append(e.edits, edit{start: start, end: end, text: text})
}

// apply returns the edited text. Overlapping edits keep the first one planned.
func (e *editor) apply() []byte {
	edits := slices.Clone(e.edits)
	slices.SortStableFunc(edits, func(a, b edit) int { return a.start - b.start })
	out := make([]byte, 0, len(e.src))
	pos := 0
	for _, ed := range edits {
		if ed.start < pos {
			continue
		}
		out = append(out, e.src[pos:ed.start]...)
		out = append(out, ed.text...)
		pos = ed.end
	}
	return append(out, e.src[pos:]...)
}

// scalarEnd finds where a scalar token starting at off ends: the closing quote of a quoted
// scalar, or the end of a plain scalar on its line (before a comment or a flow delimiter).
func (e *editor) scalarEnd(off int, inFlow bool) int {
	src := e.src
	if off >= len(src) {
		return off
	}
	switch src[off] {
	case '"':
		for i := off + 1; i < len(src); i++ {
			if src[i] == '\\' {
				i++
				continue
			}
			if src[i] == '"' {
				return i + 1
			}
		}
		return len(src)
	case '\'':
		for i := off + 1; i < len(src); i++ {
			if src[i] == '\'' {
				if i+1 < len(src) && src[i+1] == '\'' {
					i++
					continue
				}
				return i + 1
			}
		}
		return len(src)
	}
	end := off
	for end < len(src) && src[end] != '\n' {
		if src[end] == '#' && end > off && (src[end-1] == ' ' || src[end-1] == '\t') {
			break
		}
		if inFlow && (src[end] == ',' || src[end] == ']' || src[end] == '}') {
			break
		}
		end++
	}
	for end > off && (src[end-1] == ' ' || src[end-1] == '\t' || src[end-1] == '\r') {
		end--
	}
	return end
}
