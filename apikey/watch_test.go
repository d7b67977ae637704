package apikey

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestReloadSwapsAndKeepsOldOnError(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "keys.yaml")
	writeStore := func(key string) {
		t.Helper()
		s, _ := NewStore([]*Entry{{ID: key[:IDLength], Hash: HashKey(key), ProjectID: "p", ProjectNumber: "1", APIs: []string{"*"}}})
		if err := WriteFile(path, s); err != nil {
			t.Fatal(err)
		}
	}
	const first, second = "first-key-0123456789", "second-key-0123456789"
	writeStore(first)
	var logs bytes.Buffer
	ch, err := Open(path, Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ok := func(key string) bool {
		r := httptest.NewRequest(http.MethodGet, "/?key="+key, nil)
		_, rej := ch.Check(r, keyRequired(), "", clientIP)
		return rej == nil
	}
	if !ok(first) || ok(second) {
		t.Fatal("initial store")
	}
	if ch.ReloadIfChanged() {
		t.Fatal("reloaded an unchanged file")
	}

	writeStore(second)
	touch(t, path, 1)
	if !ch.ReloadIfChanged() {
		t.Fatal("change not seen")
	}
	if ok(first) || !ok(second) {
		t.Fatal("reload did not swap the store")
	}

	if err := os.WriteFile(path, []byte("keys: [broken\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	touch(t, path, 2)
	ch.ReloadIfChanged()
	if !ok(second) {
		t.Fatal("a bad file replaced the good store")
	}
	if !strings.Contains(logs.String(), "api keys file rejected") || !strings.Contains(logs.String(), "keys.yaml") {
		t.Fatalf("rejection not logged: %s", logs.String())
	}
	if err := ch.Reload(); err == nil {
		t.Fatal("Reload of a bad file should fail")
	}
	if err := New(nil, Options{}).Reload(); !errors.Is(err, ErrNoFile) {
		t.Fatalf("reload without file: %v", err)
	}
}

// touch moves the modification time so the change is seen even on coarse file systems.
func touch(t *testing.T, path string, n int) {
	t.Helper()
	tm := time.Date(2030, 1, 1, 0, 0, n, 0, time.UTC)
	if err := os.Chtimes(path, tm, tm); err != nil {
		t.Fatal(err)
	}
}

func TestWatchPicksUpANewKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys.yaml")
	if err := AddKey(path, &Entry{ID: "first", Hash: HashKey("first-key"), ProjectID: "p", ProjectNumber: "1", APIs: []string{"*"}}); err != nil {
		t.Fatal(err)
	}
	ch, err := Open(path, Options{Logger: slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { ch.Watch(ctx, 5*time.Millisecond); close(done) }()
	t.Cleanup(func() { cancel(); <-done })

	if err := AddKey(path, &Entry{ID: "second", Hash: HashKey("second-key"), ProjectID: "p", ProjectNumber: "1", APIs: []string{"*"}}); err != nil {
		t.Fatal(err)
	}
	touch(t, path, 3)
	// Wait (bounded) for the watcher; this asserts that it happens, not how fast.
	for i := 0; ch.Store().Find("second") == nil; i++ {
		if i == 1000 {
			t.Fatal("the watcher never loaded the new key")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
