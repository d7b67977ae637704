package headerpolicy

import (
	"crypto/tls"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"github.com/espctl/espctl/golden"
)

// useLocalAddress fixes the address Envoy would append for a loopback peer.
func useLocalAddress(t *testing.T, a string) {
	t.Helper()
	old := localAddress
	localAddress = func() netip.Addr { return netip.MustParseAddr(a) }
	t.Cleanup(func() { localAddress = old })
}

func TestClientIPAndXFF(t *testing.T) {
	useLocalAddress(t, "192.0.2.10")
	xffs := []struct {
		name  string
		lines []string // nil: no X-Forwarded-For header
	}{
		{"absent", nil},
		{"one entry", []string{"198.51.100.1"}},
		{"three entries", []string{"198.51.100.1, 198.51.100.2,198.51.100.3"}},
		{"two header lines", []string{"198.51.100.1, 198.51.100.2", "198.51.100.3"}},
		{"IPv6 and IPv4-mapped", []string{"2001:db8::1, ::ffff:198.51.100.2"}},
		{"entry with a port (not an address)", []string{"198.51.100.1, 198.51.100.2:443"}},
		{"bracketed IPv6 and a zone (not addresses)", []string{"[2001:db8::1], fe80::1%eth0"}},
		{"garbage on the left", []string{"unknown, 198.51.100.2, 198.51.100.3"}},
		{"trailing comma", []string{"198.51.100.1, 198.51.100.2,"}},
		{"tabs and spaces around entries", []string{"198.51.100.1 ,\t198.51.100.2\t"}},
		{"empty value", []string{""}},
	}
	var out strings.Builder
	for _, peer := range []string{"203.0.113.9:5000", "127.0.0.1:5000"} {
		for _, x := range xffs {
			fmt.Fprintf(&out, "=== peer %s, X-Forwarded-For %s %q\n", peer, x.name, x.lines)
			for _, remote := range []bool{false, true} {
				for _, hops := range []int{0, 1, 2, 3} {
					r := httptest.NewRequest("GET", "/", nil)
					r.RemoteAddr = peer
					for _, l := range x.lines {
						r.Header.Add("X-Forwarded-For", l)
					}
					client := ClientIP(r, remote, hops)
					AppendXFF(r.Header, PeerAddr(r), remote)
					xff := "(absent)"
					if v, ok := r.Header["X-Forwarded-For"]; ok {
						xff = fmt.Sprintf("%q", v)
					}
					fmt.Fprintf(&out, "use_remote_address=%-5v hops=%d  client=%-15s xff=%s\n", remote, hops, client, xff)
				}
			}
		}
	}
	golden.AssertString(t, "testdata/clientip.golden", out.String())
}

func TestForwardingApply(t *testing.T) {
	useLocalAddress(t, "192.0.2.10")
	cases := []struct {
		name  string
		f     Forwarding
		peer  string
		tls   bool
		lines []string
	}{
		{"ESPv2 defaults: XFF untouched, proto and id added", Forwarding{XFFNumTrustedHops: 2}, "203.0.113.9:1", false,
			[]string{"X-Forwarded-For: 198.51.100.1, 10.0.0.1, 10.0.0.2"}},
		{"defaults keep a client's proto and request id", Forwarding{XFFNumTrustedHops: 2}, "203.0.113.9:1", true,
			[]string{"X-Forwarded-Proto: http", "X-Request-Id: client-id"}},
		{"edge with 0 hops: proto overwritten, id replaced", Forwarding{UseRemoteAddress: true}, "203.0.113.9:1", true,
			[]string{"X-Forwarded-Proto: http", "X-Request-Id: client-id"}},
		{"edge with 1 hop keeps a trusted proxy's proto, still replaces the id", Forwarding{UseRemoteAddress: true, XFFNumTrustedHops: 1}, "203.0.113.9:1", false,
			[]string{"X-Forwarded-Proto: https", "X-Request-Id: client-id", "X-Forwarded-For: 198.51.100.1"}},
		{"internal peer without XFF keeps its request id", Forwarding{UseRemoteAddress: true}, "10.1.2.3:1", false,
			[]string{"X-Request-Id: internal-id"}},
		{"internal peer with XFF is an edge request", Forwarding{UseRemoteAddress: true}, "10.1.2.3:1", false,
			[]string{"X-Request-Id: internal-id", "X-Forwarded-For: 198.51.100.1"}},
		{"127.0.0.2 is loopback but not internal for Envoy", Forwarding{UseRemoteAddress: true}, "127.0.0.2:1", false,
			[]string{"X-Request-Id: internal-id"}},
		{"control headers stripped too", Forwarding{XFFNumTrustedHops: 0}, "[2001:db8::9]:1", false,
			[]string{"X-Envoy-Retry-On: 5xx", "X-Forwarded-For: 198.51.100.1"}},
	}
	var out strings.Builder
	for _, c := range cases {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = c.peer
		if c.tls {
			r.TLS = &tls.ConnectionState{}
		} else {
			r.TLS = nil
		}
		for _, l := range c.lines {
			k, v, _ := strings.Cut(l, ": ")
			r.Header.Add(k, v)
		}
		before := r.Header.Get("X-Request-Id")
		client := c.f.Apply(r)
		id := r.Header.Get("X-Request-Id")
		switch {
		case id == before:
			r.Header.Set("X-Request-Id", "(kept) "+id)
		case len(id) == 36 && id[14] == '4':
			r.Header.Set("X-Request-Id", "(new UUID v4)")
		}
		fmt.Fprintf(&out, "=== %s\n%+v peer=%s tls=%v\nclient=%s\n%s\n", c.name, c.f, c.peer, c.tls, client, dumpHeader(r.Header))
	}
	golden.AssertString(t, "testdata/forwarding.golden", out.String())
}

func TestPeerAddr(t *testing.T) {
	for in, want := range map[string]string{
		"203.0.113.9:80":          "203.0.113.9",
		"[::ffff:203.0.113.9]:80": "203.0.113.9",
		"[fe80::1%eth0]:80":       "fe80::1",
		"203.0.113.9":             "203.0.113.9",
		"@":                       "invalid IP",
		"":                        "invalid IP",
	} {
		r := &http.Request{RemoteAddr: in, Header: http.Header{}}
		if got := PeerAddr(r).String(); got != want {
			t.Errorf("PeerAddr(%q) = %s, want %s", in, got, want)
		}
	}
	// A peer that is not IP gets no XFF entry.
	h := http.Header{}
	AppendXFF(h, netip.Addr{}, true)
	if len(h) != 0 {
		t.Errorf("invalid peer appended: %v", h)
	}
}

func FuzzLastAddressFromXFF(f *testing.F) {
	for _, s := range []string{"", "1.2.3.4", "1.2.3.4, 5.6.7.8", ",", "1.2.3.4,", " ::1 ,\t2001:db8::1", "[::1]:80", "fe80::1%eth0", strings.Repeat("1.1.1.1,", 50)} {
		f.Add(s, uint8(0))
		f.Add(s, uint8(2))
	}
	f.Fuzz(func(t *testing.T, xff string, skip uint8) {
		a, ok := LastAddressFromXFF(xff, int(skip))
		if !ok {
			if a.IsValid() {
				t.Fatalf("failed but returned %v", a)
			}
			return
		}
		if !a.IsValid() || a.Zone() != "" {
			t.Fatalf("LastAddressFromXFF(%q, %d) = %v", xff, skip, a)
		}
		// The address came from one comma-separated entry that has at least skip entries
		// after it.
		entries := strings.Split(xff, ",")
		if int(skip) >= len(entries) {
			t.Fatalf("%q has %d entries, skipped %d and still found %v", xff, len(entries), skip, a)
		}
		entry := strings.Trim(entries[len(entries)-1-int(skip)], " \t")
		if e, err := netip.ParseAddr(entry); err != nil || e != a {
			t.Fatalf("LastAddressFromXFF(%q, %d) = %v, entry %q", xff, skip, a, entry)
		}
		// The whole request path never panics either.
		r := &http.Request{RemoteAddr: "203.0.113.9:1", Header: http.Header{"X-Forwarded-For": {xff}}}
		for _, remote := range []bool{false, true} {
			_ = ClientIP(r, remote, int(skip))
		}
	})
}
