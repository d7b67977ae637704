package xds

import (
	"testing"

	"github.com/espctl/espctl/httprule"
	"github.com/espctl/espctl/translate"
)

// FuzzGenerateTemplate: any template that parses, with any path translation, gives resources
// that validate, or an error; never a panic.
func FuzzGenerateTemplate(f *testing.F) {
	for _, seed := range []string{"/v1/shelves/{shelf}", "/**", "/", "/a/{x=b/*/c/**}:verb", "/field_path/{s_1=a/*/b/*}/{s_2=x/**}:upload", "/v1/{name=100}", "/a.b/c+d", "/$^/(x)"} {
		f.Add(seed, "/const", true)
		f.Add(seed, "", false)
	}
	f.Fuzz(func(t *testing.T, tmpl, addrPath string, constant bool) {
		tp, err := httprule.Parse(tmpl)
		if err != nil {
			return
		}
		mode := "APPEND_PATH_TO_ADDRESS"
		if constant {
			mode = "CONSTANT_ADDRESS"
		}
		cfg := &translate.Config{
			Service: "fuzz.example.com",
			Methods: []translate.Method{{Selector: "a.M", Backend: translate.Backend{
				Address: "https://h.example.com" + addrPath, Scheme: "https", Host: "h.example.com", Path: addrPath, PathTranslation: mode,
			}}},
			Routes: []translate.Route{{Method: "GET", Pattern: tmpl, Template: *tp, Selector: "a.M", Kind: "http"}},
		}
		for _, colon := range []bool{false, true} {
			opts := DefaultOptions()
			opts.DisallowColonInWildcardPathSegment = colon
			_, err := Generate(cfg, opts)
			// Generate validates; printable templates and paths must always give valid routes
			// (control bytes or invalid UTF-8 are an error, never a panic).
			if err != nil && printable(tmpl) && printable(addrPath) {
				t.Fatalf("%q (%s %q): %v", tmpl, mode, addrPath, err)
			}
		}
	})
}

func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}
