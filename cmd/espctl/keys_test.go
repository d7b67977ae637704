package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/espctl/espctl/apikey"
	"github.com/espctl/espctl/golden"
	"github.com/espctl/espctl/translate"
)

// runKeysCLI runs espctl with the keys command.
func runKeysCLI(t *testing.T, args ...string) cliResult {
	t.Helper()
	return runCLI(t, "", args...)
}

var bookstoreMethod = &translate.Method{Selector: "endpoints.examples.bookstore.Bookstore.ListShelves",
	API: "endpoints.examples.bookstore.Bookstore", Name: "ListShelves"}

// checkKey asks the apikey package, as the proxy would, what the store says about key.
func checkKey(t *testing.T, store, key, ip string) string {
	t.Helper()
	ch, err := apikey.Open(store, apikey.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodGet, "/v1/shelves?key="+key, nil)
	c, rej := ch.Check(r, bookstoreMethod, "", netip.MustParseAddr(ip))
	if rej != nil {
		return rej.Message
	}
	return "ok " + c.ProjectID + " " + c.ProjectNumber
}

func TestKeysCreateCheckRevoke(t *testing.T) {
	store := filepath.Join(t.TempDir(), "keys.yaml")
	r := runKeysCLI(t, "keys", "create", "--store", store, "--project-id", "shop", "--project-number", "1001")
	if r.code != 0 {
		t.Fatalf("create: exit %d: %s", r.code, r.stderr)
	}
	key := strings.TrimSpace(r.stdout)
	if len(key) != 43 || strings.Count(r.stdout, "\n") != 1 {
		t.Fatalf("stdout should be the key alone: %q", r.stdout)
	}
	id := key[:apikey.IDLength]
	if !strings.Contains(r.stderr, "created API key "+id+" for project shop (1001)") || !strings.Contains(r.stderr, "shown only now") {
		t.Fatalf("stderr: %q", r.stderr)
	}
	data, err := os.ReadFile(store)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), key) || !strings.Contains(string(data), apikey.HashHex(key)) {
		t.Fatalf("the store must hold the hash, not the key:\n%s", data)
	}
	if got := checkKey(t, store, key, "192.0.2.1"); got != "ok shop 1001" {
		t.Fatalf("new key: %s", got)
	}

	r = runKeysCLI(t, "keys", "revoke", "--store", store, id)
	if r.code != 0 || r.stdout != "revoked API key "+id+" of project shop (1001)\n" {
		t.Fatalf("revoke: %d %q %q", r.code, r.stdout, r.stderr)
	}
	if got := checkKey(t, store, key, "192.0.2.1"); got != "INVALID_ARGUMENT: API key not valid. Please pass a valid API key." {
		t.Fatalf("revoked key: %s", got)
	}
	r = runKeysCLI(t, "keys", "list", "--store", store, "-o", "json")
	var list keysList
	if err := json.Unmarshal([]byte(r.stdout), &list); err != nil || len(list.Keys) != 1 || list.Keys[0].Status != "revoked" {
		t.Fatalf("list after revoke: %v %s", err, r.stdout)
	}
	entries, _ := os.ReadDir(filepath.Dir(store))
	if len(entries) != 1 {
		t.Fatalf("temporary files left: %v", entries)
	}
}

func TestKeysCreateWithRestrictionsJSON(t *testing.T) {
	store := filepath.Join(t.TempDir(), "keys.yaml")
	r := runKeysCLI(t, "keys", "create", "--store", store, "--project-id", "shop", "--project-number", "1001",
		"--api", "endpoints.examples.bookstore.Bookstore", "--allow-ip", "10.0.0.0/8", "--allow-ip", "192.0.2.7",
		"--allow-referrer", "*.example.com/*", "--expires", "2999-01-01T00:00:00Z", "-o", "json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var info keyInfo
	if err := json.Unmarshal([]byte(r.stdout), &info); err != nil {
		t.Fatal(err)
	}
	if checkKey(t, store, info.Key, "10.1.1.1") != "PERMISSION_DENIED: Referer blocked." ||
		checkKey(t, store, info.Key, "203.0.113.1") != "PERMISSION_DENIED: IP address blocked." {
		t.Fatal("restrictions not applied")
	}
	// The random parts vary; the shape is the golden part.
	masked := regexp.MustCompile(`"(id|key|created)": "[^"]*"`).ReplaceAllString(r.stdout, `"$1": "..."`)
	golden.AssertString(t, "testdata/keys/create.json", masked)
}

func TestKeysListGolden(t *testing.T) {
	for _, format := range []string{"text", "json"} {
		r := runKeysCLI(t, "keys", "list", "--store", "testdata/keys/store.yaml", "-o", format)
		if r.code != 0 {
			t.Fatalf("%s: exit %d: %s", format, r.code, r.stderr)
		}
		golden.AssertString(t, "testdata/keys/list."+format, r.stdout)
	}
}

func TestKeysErrors(t *testing.T) {
	dir := t.TempDir()
	store := filepath.Join(dir, "keys.yaml")
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("keys:\n- id: x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	create := []string{"keys", "create", "--store", store, "--project-id", "p", "--project-number"}
	var out strings.Builder
	for _, args := range [][]string{
		{"keys", "list"},
		{"keys", "create", "--store", store, "--project-id", "p"},
		append(create, "12x"),
		append(create, "1", "--allow-ip", "10.0.0.0/33"),
		append(create, "1", "--expires", "soon"),
		append(create, "1", "--api", ""),
		{"keys", "list", "--store", store},
		{"keys", "revoke", "--store", bad, "x"},
		{"keys", "revoke", "--store", "testdata/keys/store.yaml", "nosuchid"},
		{"keys", "revoke", "--store", store},
	} {
		r := runKeysCLI(t, args...)
		if r.code != exitBadInput || r.stdout != "" {
			t.Errorf("%v: exit %d, stdout %q; want exit 2 and no output", args, r.code, r.stdout)
		}
		out.WriteString(strings.ReplaceAll("$ espctl "+strings.Join(args, " ")+"\n"+r.stderr, dir, "$TMP"))
	}
	golden.AssertString(t, "testdata/keys/errors.txt", out.String())
	if _, err := os.Stat(store); !os.IsNotExist(err) {
		t.Fatal("a failed create wrote the store")
	}
}
