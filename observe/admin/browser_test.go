package admin

import (
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"regexp"
	"testing"
	"time"

	"github.com/espctl/espctl/observe"
)

// chromiumPath is Debian's chromium (package chromium); ESPCTL_CHROMIUM overrides it.
func chromiumPath() string {
	if p := os.Getenv("ESPCTL_CHROMIUM"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}

// The page as a real browser builds it: headless Chromium loads it over loopback and dumps
// the DOM, which must have one method row per configured method (plus the unknown-route row)
// with the live counts in it.
func TestPageInHeadlessChromium(t *testing.T) {
	bin := chromiumPath()
	if _, err := os.Stat(bin); err != nil {
		t.Skipf("no Chromium at %s (install Debian's chromium package, or set ESPCTL_CHROMIUM): the admin page is not checked in a browser", bin)
	}
	m := newMetrics(t)
	m.ConfigReload(observe.ReloadEvent{Trigger: "start", Service: "bookstore.endpoints.example.cloud.goog", ConfigID: "2026-11-29r1"})
	for range 3 {
		m.Request(observe.RequestRecord{Selector: listShelves, HTTPCode: 200, Total: time.Millisecond})
	}
	m.Request(observe.RequestRecord{HTTPCode: 404})
	srv := httptest.NewServer(New(Options{}, newSource(bookstoreConfig()), m))
	t.Cleanup(srv.Close)

	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin,
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
		"--user-data-dir="+t.TempDir(), "--dump-dom", srv.URL+"/")
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	var stderr limitedBuffer
	cmd.Stderr = &stderr
	dom, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium: %v\n%s", err, stderr.String())
	}
	rows := regexp.MustCompile(`<tr class="method" data-selector="([^"]+)">`).FindAllStringSubmatch(string(dom), -1)
	var got []string
	for _, r := range rows {
		got = append(got, r[1])
	}
	want := []string{createBook, getShelf, listShelves, observe.UnknownMethod}
	if len(got) != len(want) {
		t.Fatalf("DOM method rows %q, want %q\n%s", got, want, dom)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("row %d: %s, want %s", i, got[i], want[i])
		}
	}
	listRow := regexp.MustCompile(`(?s)data-selector="` + regexp.QuoteMeta(listShelves) + `">.*?<td class="num requests">(\d+)</td>`).FindStringSubmatch(string(dom))
	if listRow == nil || listRow[1] != "3" {
		t.Errorf("ListShelves request count in the DOM: %v, want 3", listRow)
	}
	if !regexp.MustCompile(`<td class="mono" id="config-id">2026-11-29r1</td>`).Match(dom) {
		t.Error("DOM lacks the config id")
	}
}

// limitedBuffer keeps the first 64 KiB of Chromium's chatty stderr, for failure messages.
type limitedBuffer struct{ b []byte }

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if room := 64<<10 - len(l.b); room > 0 {
		l.b = append(l.b, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

func (l *limitedBuffer) String() string { return string(l.b) }
