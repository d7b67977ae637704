package apikey

import (
	"errors"
	"io/fs"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/espctl/espctl/golden"
)

// badStores are store files with one problem each; the golden file holds the errors, so the
// positions and wording are reviewed together.
var badStores = []struct{ name, doc string }{
	{"not yaml", "keys: [\n"},
	{"top level list", "- a\n"},
	{"unknown top field", "keys: []\nkey: []\n"},
	{"keys not a list", "keys: {}\n"},
	{"unknown key field", "keys:\n- id: a\n  sha256: " + strings.Repeat("ab", 32) + "\n  project_id: p\n  project_number: 1\n  apis: ['*']\n  color: red\n"},
	{"missing fields", "keys:\n- id: a\n"},
	{"short hash", "keys:\n- {id: a, sha256: abcd, project_id: p, project_number: 1, apis: ['*']}\n"},
	{"bad project number", "keys:\n- {id: a, sha256: " + strings.Repeat("ab", 32) + ", project_id: p, project_number: 12x, apis: ['*']}\n"},
	{"empty apis", "keys:\n- {id: a, sha256: " + strings.Repeat("ab", 32) + ", project_id: p, project_number: 1, apis: []}\n"},
	{"bad cidr", "keys:\n- {id: a, sha256: " + strings.Repeat("ab", 32) + ", project_id: p, project_number: 1, apis: ['*'], allowed_ips: [10.0.0.0/33, nonsense]}\n"},
	{"revoked not bool", "keys:\n- {id: a, sha256: " + strings.Repeat("ab", 32) + ", project_id: p, project_number: 1, apis: ['*'], revoked: yes please}\n"},
	{"bad expiry", "keys:\n- {id: a, sha256: " + strings.Repeat("ab", 32) + ", project_id: p, project_number: 1, apis: ['*'], expires: tomorrow}\n"},
	{"bad id", "keys:\n- {id: 'a b', sha256: " + strings.Repeat("ab", 32) + ", project_id: p, project_number: 1, apis: ['*']}\n"},
	{"duplicate field", "keys:\n- {id: a, id: b, sha256: " + strings.Repeat("ab", 32) + ", project_id: p, project_number: 1, apis: ['*']}\n"},
	{"duplicate id", "keys:\n- {id: a, sha256: " + strings.Repeat("ab", 32) + ", project_id: p, project_number: 1, apis: ['*']}\n- {id: a, sha256: " + strings.Repeat("cd", 32) + ", project_id: p, project_number: 1, apis: ['*']}\n"},
	{"duplicate hash", "keys:\n- {id: a, sha256: " + strings.Repeat("ab", 32) + ", project_id: p, project_number: 1, apis: ['*']}\n- {id: b, sha256: " + strings.Repeat("AB", 32) + ", project_id: p, project_number: 1, apis: ['*']}\n"},
	{"alias", "x: &a {id: a}\nkeys:\n- *a\n"},
	{"project id a list", "keys:\n- {id: a, sha256: " + strings.Repeat("ab", 32) + ", project_id: [p], project_number: 1, apis: ['*']}\n"},
}

func TestParseErrors(t *testing.T) {
	var out strings.Builder
	for _, c := range badStores {
		_, err := Parse("keys.yaml", []byte(c.doc))
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		out.WriteString("# " + c.name + "\n" + err.Error() + "\n")
	}
	golden.AssertString(t, "testdata/parse_errors.golden", out.String())
}

func TestParseEmpty(t *testing.T) {
	for _, doc := range []string{"", "# nothing\n", "keys:\n", "keys: []\n"} {
		s, err := Parse("keys.yaml", []byte(doc))
		if err != nil || len(s.Entries) != 0 {
			t.Errorf("%q: %v %v", doc, s, err)
		}
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	s := testStore(t)
	s.Entries[0].Created = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	s.Entries[3].AllowedIPs = append(s.Entries[3].AllowedIPs, mustPrefix(t, "::ffff:172.16.0.0/108"))
	data, err := s.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	golden.Assert(t, "testdata/roundtrip.yaml", data)
	back, err := Parse("roundtrip.yaml", data)
	if err != nil {
		t.Fatalf("reading back what Marshal wrote: %v\n%s", err, data)
	}
	again, _ := back.Marshal()
	if string(again) != string(data) {
		t.Fatalf("second round trip differs:\n%s", golden.Diff(string(data), string(again)))
	}
}

func TestAddAndRevokeKeyFiles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys.yaml")
	key, id, err := NewKey()
	if err != nil {
		t.Fatal(err)
	}
	if len(key) != 43 || id != key[:IDLength] {
		t.Fatalf("key %q id %q", key, id)
	}
	e := &Entry{ID: id, Hash: HashKey(key), ProjectID: "p", ProjectNumber: "7", APIs: []string{"*"}}
	if err := AddKey(path, e); err != nil {
		t.Fatal(err)
	}
	if err := AddKey(path, e); err == nil {
		t.Fatal("adding the same key twice should fail")
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("new store mode: %v %v", fi, err)
	}
	data, _ := os.ReadFile(path)
	if strings.Contains(string(data), key) {
		t.Fatal("the store file contains the key in clear")
	}
	if _, err := RevokeKey(path, "nope"); !errors.Is(err, ErrNoSuchKey) {
		t.Fatalf("revoking an unknown id: %v", err)
	}
	got, err := RevokeKey(path, id)
	if err != nil || !got.Revoked {
		t.Fatalf("revoke: %v %v", got, err)
	}
	s, err := LoadFile(path)
	if err != nil || len(s.Entries) != 1 || !s.Entries[0].Revoked {
		t.Fatalf("after revoke: %+v %v", s, err)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Fatalf("temporary files left behind: %v", entries)
	}
}

func TestLoadFileMissing(t *testing.T) {
	_, err := LoadFile(filepath.Join(t.TempDir(), "none.yaml"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
}

func TestReferrerGlob(t *testing.T) {
	for _, c := range []struct {
		pattern, ref string
		want         bool
	}{
		{"example.com", "https://example.com/", true},
		{"example.com", "https://example.com/a", false},
		{"example.com/*", "http://example.com/a/b", true},
		{"*", "anything", true},
		{"a*b*c", "aXXbYYc", true},
		{"a*b*c", "aXXbYY", false},
		{strings.Repeat("*a", 50), strings.Repeat("a", 1000) + "b", false},
	} {
		if got := referrerMatches(c.pattern, c.ref); got != c.want {
			t.Errorf("%q vs %q: %v", c.pattern, c.ref, got)
		}
	}
}

func TestStoreEntriesEqualAfterParse(t *testing.T) {
	a, b := testStore(t), testStore(t)
	if !reflect.DeepEqual(a.Entries, b.Entries) {
		t.Fatal("parse is not deterministic")
	}
}

func mustPrefix(t *testing.T, s string) netip.Prefix {
	t.Helper()
	p, err := ParsePrefix(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
