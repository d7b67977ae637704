package manifest

import (
	"fmt"
	"os"
	"path/filepath"
)

// WriteInPlace replaces the file atomically (a temp file in the same directory, then rename),
// keeping its mode; with backup the original is kept as FILE.orig first.
func (r *FileResult) WriteInPlace(backup bool) error {
	if !r.Changed {
		return nil
	}
	info, err := os.Stat(r.Path)
	if err != nil {
		return err
	}
	if backup {
		if err := os.WriteFile(r.Path+".orig", r.Original, info.Mode().Perm()); err != nil {
			return fmt.Errorf("writing backup: %w", err)
		}
	}
	tmp, err := os.CreateTemp(filepath.Dir(r.Path), "."+filepath.Base(r.Path)+".espctl-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	if _, err := tmp.Write(r.Rewritten); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(info.Mode().Perm()); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), r.Path)
}
