package apikey

import (
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
