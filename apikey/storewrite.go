package apikey

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"go.yaml.in/yaml/v3"
)

// IDLength is how many leading characters of a key make its id. A generated key has 256
// random bits in 43 characters; the 48 bits the id shows leave 208 secret.
const IDLength = 8

// NewKey makes a random key (43 base64url characters) and returns it with its id.
func NewKey() (key, id string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("generating a key: %w", err)
	}
	key = base64.RawURLEncoding.EncodeToString(b)
	return key, key[:IDLength], nil
}

// storeHeader opens every store espctl writes, for whoever opens the file next.
const storeHeader = `# espctl API key store (--api_keys_file). Keys are stored as SHA-256 hashes only;
# manage it with "espctl keys create|list|revoke" (which rewrite this file). See docs/security.md.
`

type wireStore struct {
	Keys []wireEntry `yaml:"keys"`
}

type wireEntry struct {
	ID               string   `yaml:"id"`
	SHA256           string   `yaml:"sha256"`
	ProjectID        string   `yaml:"project_id"`
	ProjectNumber    string   `yaml:"project_number"`
	APIs             []string `yaml:"apis,flow"`
	AllowedIPs       []string `yaml:"allowed_ips,omitempty,flow"`
	AllowedReferrers []string `yaml:"allowed_referrers,omitempty,flow"`
	Revoked          bool     `yaml:"revoked,omitempty"`
	Expires          string   `yaml:"expires,omitempty"`
	Created          string   `yaml:"created,omitempty"`
}

// Marshal writes the store in the file format Parse reads.
func (s *Store) Marshal() ([]byte, error) {
	w := wireStore{Keys: []wireEntry{}}
	for _, e := range s.Entries {
		we := wireEntry{
			ID: e.ID, SHA256: hex.EncodeToString(e.Hash[:]), ProjectID: e.ProjectID, ProjectNumber: e.ProjectNumber,
			APIs: e.APIs, AllowedReferrers: e.AllowedReferrers, Revoked: e.Revoked,
		}
		for _, p := range e.AllowedIPs {
			we.AllowedIPs = append(we.AllowedIPs, p.String())
		}
		if !e.Expires.IsZero() {
			we.Expires = e.Expires.UTC().Format(time.RFC3339)
		}
		if !e.Created.IsZero() {
			we.Created = e.Created.UTC().Format(time.RFC3339)
		}
		w.Keys = append(w.Keys, we)
	}
	var buf bytes.Buffer
	buf.WriteString(storeHeader)
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(w); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// loadForEdit reads a store to change it; a missing file is an empty store.
func loadForEdit(path string) (*Store, error) {
	s, err := LoadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &Store{}, nil
	}
	return s, err
}

// AddKey appends e to the store file at path (creating it) and writes it atomically.
func AddKey(path string, e *Entry) error {
	s, err := loadForEdit(path)
	if err != nil {
		return err
	}
	ns, err := NewStore(append(append([]*Entry{}, s.Entries...), e))
	if err != nil {
		return err
	}
	return WriteFile(path, ns)
}

// ErrNoSuchKey is returned by RevokeKey for an id the store does not have.
var ErrNoSuchKey = errors.New("no key with this id")

// RevokeKey marks the key with this id revoked and writes the store atomically. The entry is
// kept, so `espctl keys list` still shows it and its id is not reused.
func RevokeKey(path, id string) (*Entry, error) {
	s, err := LoadFile(path)
	if err != nil {
		return nil, err
	}
	var found *Entry
	entries := make([]*Entry, len(s.Entries))
	for i, e := range s.Entries {
		if e.ID == id {
			c := *e
			c.Revoked = true
			found = &c
			e = &c
		}
		entries[i] = e
	}
	if found == nil {
		return nil, fmt.Errorf("%s: %w %q", path, ErrNoSuchKey, id)
	}
	ns, err := NewStore(entries)
	if err != nil {
		return nil, err
	}
	return found, WriteFile(path, ns)
}

// WriteFile writes the store atomically: a temporary file in the same directory, synced, then
// renamed over path, so a proxy reloading the file never reads half of it. A new file is
// readable by its owner only; an existing file keeps its mode.
func WriteFile(path string, s *Store) error {
	data, err := s.Marshal()
	if err != nil {
		return err
	}
	mode := fs.FileMode(0o600)
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("writing api keys file: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("writing api keys file: %w", err)
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return fmt.Errorf("writing api keys file: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("writing api keys file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing api keys file: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("writing api keys file: %w", err)
	}
	return nil
}
