package manifest

import (
	"github.com/pmezard/go-difflib/difflib"
)

// UnifiedDiff renders the change as a unified diff (`a/path`, `b/path`, 3 lines of context)
// that `git apply` and `patch -p1` accept; empty when nothing changed.
func (r *FileResult) UnifiedDiff() (string, error) {
	if !r.Changed {
		return "", nil
	}
	return difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
		A:        difflib.SplitLines(string(r.Original)),
		B:        difflib.SplitLines(string(r.Rewritten)),
		FromFile: "a/" + r.Path,
		ToFile:   "b/" + r.Path,
		Context:  3,
	})
}
