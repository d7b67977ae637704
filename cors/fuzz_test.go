package cors

import (
	"net/http/httptest"
	"testing"
)

// Any flag value and any request: New either refuses or builds a policy, and the policy
// never panics on a request.
func FuzzPolicy(f *testing.F) {
	f.Add(PresetRegex, `https://[a-z]+\.example\.com`, "https://a.example.com", "OPTIONS", "GET")
	f.Add(PresetBasic, "*", "null", "OPTIONS", "")
	f.Add(PresetRegex, `(a{1000}){1000}`, "", "GET", "")
	f.Add("x", "", "\x00", "PUT", "\xff")
	f.Fuzz(func(t *testing.T, preset, allow, origin, method, requestMethod string) {
		o := Defaults(preset)
		o.AllowOrigin, o.AllowOriginRegex = allow, allow
		p, err := New(o)
		if err != nil {
			if p != nil {
				t.Fatal("error with a policy")
			}
			return
		}
		r := httptest.NewRequest("GET", "/", nil)
		r.Method = method
		r.Header["Origin"] = []string{origin}
		r.Header["Access-Control-Request-Method"] = []string{requestMethod}
		w := httptest.NewRecorder()
		if !p.Preflight(w, r) {
			p.Decorate(w.Header(), r)
			_ = p.RejectUnrouted(w, r, nil)
		}
	})
}
