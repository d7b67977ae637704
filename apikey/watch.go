package apikey

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"
)

// ErrNoFile is returned by Reload for a Checker made with New.
var ErrNoFile = errors.New("api keys: no store file to reload")

// Reload reads the store file again and swaps it in whole. A file that does not load keeps the
// old store serving; the error says why (the caller logs it).
func (c *Checker) Reload() error {
	if c.path == "" {
		return ErrNoFile
	}
	s, err := LoadFile(c.path)
	if err != nil {
		return err
	}
	c.store.Store(s)
	return nil
}

// Watch polls the store file's size and modification time every interval (1 s when zero) and
// reloads it when they change, until ctx ends. Polling needs no platform file-notification
// support and also sees files replaced by rename (editors, `espctl keys`, Kubernetes
// Secrets). Reloads and rejected files are logged; a rejected file keeps the old keys.
func (c *Checker) Watch(ctx context.Context, interval time.Duration) {
	if c.path == "" {
		return
	}
	if interval <= 0 {
		interval = time.Second
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			c.ReloadIfChanged()
		}
	}
}

// ReloadIfChanged is one step of Watch: it reloads when the file changed since the last look,
// and reports whether it tried. Only Watch (one goroutine) should call it.
func (c *Checker) ReloadIfChanged() bool {
	now := fileStamp(c.path)
	if now == c.stamp {
		return false
	}
	c.stamp = now
	log := c.opts.Logger
	if err := c.Reload(); err != nil {
		log.Error("api keys file rejected; the previous keys stay in use", "file", c.path, "error", err.Error())
		return true
	}
	log.Info("api keys reloaded", "file", c.path, "keys", len(c.Store().Entries))
	return true
}

func fileStamp(path string) string {
	fi, err := os.Stat(path)
	if err != nil {
		return "missing"
	}
	return fmt.Sprintf("%d|%d", fi.Size(), fi.ModTime().UnixNano())
}
