package apikey

import (
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"testing"
)

// FuzzParse: any bytes either load or fail with an error, never a panic; what loads writes
// back to a document that loads to the same entries.
func FuzzParse(f *testing.F) {
	if data, err := os.ReadFile("testdata/roundtrip.yaml"); err == nil {
		f.Add(data)
	}
	for _, c := range badStores {
		f.Add([]byte(c.doc))
	}
	f.Add([]byte("keys:\n- {id: a, sha256: " + HashHex("k") + ", project_id: p, project_number: 1, apis: ['*'], allowed_ips: ['::ffff:1.2.3.4/120'], allowed_referrers: ['*.x/*']}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse("fuzz.yaml", data)
		if err != nil {
			return
		}
		out, err := s.Marshal()
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		back, err := Parse("again.yaml", out)
		if err != nil {
			t.Fatalf("what Marshal wrote does not load: %v\n%s", err, out)
		}
		again, _ := back.Marshal()
		if string(again) != string(out) {
			t.Fatalf("round trip differs:\n%s\n---\n%s", out, again)
		}
	})
}

// FuzzCheck: any query, header and Referer give a consumer or a rejection, never a panic, and
// a checked consumer always comes from a key the store holds.
func FuzzCheck(f *testing.F) {
	f.Add("key="+keyGood, "", "", false)
	f.Add("api_key=%zz&key="+keyReferrer, "", "https://www.example.com/", false)
	f.Add("", keyIPLimited, "", true)
	f.Add("k=%00&key=;", "\x00", "*", true)
	ch := testChecker(f)
	f.Fuzz(func(t *testing.T, rawQuery, header, referer string, unregistered bool) {
		r := &http.Request{Method: http.MethodGet, URL: &url.URL{Path: "/v1/shelves", RawQuery: rawQuery}, Header: http.Header{}}
		r.Header["X-Api-Key"] = []string{header}
		r.Header["Referer"] = []string{referer}
		m := keyRequired()
		m.APIKey.AllowUnregisteredCalls = unregistered
		c, rej := ch.Check(r, m, "", netip.MustParseAddr("10.0.0.1"))
		if c != nil && rej != nil {
			t.Fatal("both a consumer and a rejection")
		}
		if c != nil {
			key, _ := ExtractKey(r, m.APIKey)
			if ch.Store().lookup(key) == nil {
				t.Fatalf("consumer %+v for a key not in the store", c)
			}
		}
		if rej == nil && c == nil && !unregistered {
			t.Fatal("a key-required method let an unidentified caller through")
		}
	})
}
