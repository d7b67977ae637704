package headerpolicy

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/espctl/espctl/golden"
)

// dumpHeader prints h sorted by name, one value per line.
func dumpHeader(h http.Header) string {
	var names []string
	for k := range h {
		names = append(names, k)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, k := range names {
		for _, v := range h[k] {
			fmt.Fprintf(&b, "  %s: %s\n", k, v)
		}
	}
	return b.String()
}

func headerOf(lines ...string) http.Header {
	h := http.Header{}
	for _, l := range lines {
		k, v, _ := strings.Cut(l, ": ")
		h.Add(k, v)
	}
	return h
}

func TestStripRequestRemovesEveryListedHeader(t *testing.T) {
	h := http.Header{}
	for _, k := range EnvoyControlHeaders {
		h.Set(k, "1")
		h[strings.ToLower(k)+"-not"] = []string{"similar name, kept"}
	}
	for _, k := range HopByHopHeaders {
		h.Set(k, "x")
	}
	for _, k := range KeptHeaders {
		h.Set(k, "kept")
	}
	h.Set("X-Endpoint-Api-Userinfo", "handled by jwtauth, not here")
	h["x-envoy-max-retries"] = []string{"a hand-built, non-canonical key"}
	StripRequest(h)
	if _, ok := h["x-envoy-max-retries"]; ok {
		t.Error("non-canonical x-envoy-max-retries kept")
	}
	if len(h[strings.ToLower(EnvoyControlHeaders[0])+"-not"]) != 1 {
		t.Error("a header whose name only starts like a control header was removed")
	}
	for _, k := range append(append([]string{}, EnvoyControlHeaders...), HopByHopHeaders...) {
		if v, ok := h[k]; ok {
			t.Errorf("%s kept: %q", k, v)
		}
	}
	for _, k := range append(KeptHeaders, "X-Endpoint-Api-Userinfo") {
		if h.Get(k) == "" {
			t.Errorf("%s removed", k)
		}
	}
}

func TestStripRequest(t *testing.T) {
	cases := []struct {
		name  string
		lines []string
	}{
		{"control and hop-by-hop headers go, the rest stays", []string{
			"X-Envoy-Retry-On: 5xx", "X-Envoy-Max-Retries: 100", "X-Envoy-Upstream-Rq-Timeout-Ms: 1",
			"X-Envoy-Internal: true", "X-Envoy-Force-Trace: 1", "X-Envoy-Original-Path: /kept",
			"X-Envoy-Decorator-Operation: not a control header, kept",
			"Connection: keep-alive", "Keep-Alive: timeout=5", "Proxy-Connection: keep-alive",
			"Transfer-Encoding: chunked", "Upgrade: h2c",
			"X-Forwarded-For: 1.2.3.4", "Authorization: Bearer t", "Accept: */*",
		}},
		{"WebSocket upgrade keeps Upgrade and a plain Connection: upgrade", []string{
			"Connection: keep-alive, Upgrade", "Upgrade: websocket", "Sec-Websocket-Key: abc", "Sec-Websocket-Version: 13",
		}},
		{"Upgrade without the Connection token is not an upgrade", []string{"Upgrade: websocket"}},
		{"a valid absolute Referer stays", []string{"Referer: https://app.example.com/page?q=1"}},
		{"a valid relative Referer stays", []string{"Referer: /page"}},
		{"two Referer headers are removed", []string{"Referer: https://a.example.com/", "Referer: https://b.example.com/"}},
		{"a Referer with a fragment is removed", []string{"Referer: https://a.example.com/#frag"}},
		{"a Referer with a space is removed", []string{"Referer: not a url"}},
		{"a Referer with a scheme and no host is removed", []string{"Referer: https://"}},
		{"an empty Referer is removed", []string{"Referer: "}},
	}
	var out strings.Builder
	for _, c := range cases {
		h := headerOf(c.lines...)
		fmt.Fprintf(&out, "=== %s\nin:\n%s", c.name, dumpHeader(h))
		StripRequest(h)
		fmt.Fprintf(&out, "out:\n%s\n", dumpHeader(h))
	}
	golden.AssertString(t, "testdata/strip.golden", out.String())
}

func TestCheckUnderscores(t *testing.T) {
	cases := []struct {
		name  string
		lines []string
		allow bool
	}{
		{"no underscores", []string{"X-Api-Key: k", "Content-Type: text/plain"}, false},
		{"one underscore name", []string{"X_Api_Key: k", "Accept: */*"}, false},
		{"two: the first in sorted order is named", []string{"Z_b: 1", "A_b: 2"}, false},
		{"underscore in the value is fine", []string{"X-Note: a_b"}, false},
		{"allowed with --underscores_in_headers", []string{"X_Api_Key: k"}, true},
	}
	var out strings.Builder
	for _, c := range cases {
		err := CheckUnderscores(headerOf(c.lines...), c.allow)
		fmt.Fprintf(&out, "%s: ", c.name)
		if err == nil {
			out.WriteString("ok\n")
			continue
		}
		ue, _ := err.(*UnderscoreError)
		fmt.Fprintf(&out, "%d %q (%v)\n", ue.Status(), MsgUnderscores, err)
	}
	golden.AssertString(t, "testdata/underscores.golden", out.String())
}

func TestSetHSTS(t *testing.T) {
	h := http.Header{"Strict-Transport-Security": {"max-age=60"}}
	SetHSTS(h, false)
	if got := h.Get("Strict-Transport-Security"); got != "max-age=60" {
		t.Errorf("disabled HSTS changed the header: %q", got)
	}
	SetHSTS(h, true)
	if got := h.Values("Strict-Transport-Security"); len(got) != 1 || got[0] != "max-age=31536000; includeSubdomains" {
		t.Errorf("HSTS = %q", got)
	}
}
