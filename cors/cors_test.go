package cors

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/espctl/espctl/golden"
)

// handler is the slice of the proxy this package plugs into, in ESPv2's order: wrap, preflight,
// route (a toy route table), the direct 400 for unrouted OPTIONS, then 404 or the "backend".
func handler(p *Policy) http.Handler {
	routes := map[string]bool{
		"GET /v1/shelves":        true,
		"OPTIONS /v1/options":    true, // an API binding of OPTIONS, or an allow_cors route
		"GET /v1/backend-cors":   true,
		"POST /v1/shelves/books": true,
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w = p.Wrap(w, r)
		if p.Preflight(w, r) {
			return
		}
		if !routes[r.Method+" "+r.URL.Path] {
			if p.RejectUnrouted(w, r, nil) {
				return
			}
			WriteJSONReply(w, r, http.StatusNotFound, "The current request is not defined by this API.")
			return
		}
		if r.URL.Path == "/v1/backend-cors" {
			// A backend writing its own CORS headers: the policy's values replace them.
			w.Header().Set(hdrAllowOrigin, "*")
			w.Header().Set(hdrExposeHeaders, "X-Backend")
			w.Header().Set(hdrAllowMethods, "GET")
		}
		w.Header().Set("Content-Type", "text/plain")
		_, _ = fmt.Fprintf(w, "backend saw %s %s\n", r.Method, r.URL.Path)
	})
}

type exchangeCase struct {
	name    string
	method  string
	path    string
	headers []string // "Name: value", repeated names allowed
}

func (c exchangeCase) request() *http.Request {
	r := httptest.NewRequest(c.method, c.path, nil)
	for _, h := range c.headers {
		k, v, _ := strings.Cut(h, ": ")
		r.Header.Add(k, v)
	}
	return r
}

// transcript renders one exchange: the request, then the status, headers (sorted) and body.
func transcript(c exchangeCase, rec *httptest.ResponseRecorder) string {
	var b strings.Builder
	fmt.Fprintf(&b, "=== %s\n> %s %s\n", c.name, c.method, c.path)
	for _, h := range c.headers {
		fmt.Fprintf(&b, "> %s\n", h)
	}
	fmt.Fprintf(&b, "< %d\n", rec.Code)
	res := rec.Result()
	var names []string
	for k := range res.Header {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		for _, v := range res.Header[k] {
			fmt.Fprintf(&b, "< %s: %s\n", k, v)
		}
	}
	if body := rec.Body.String(); body != "" {
		fmt.Fprintf(&b, "< body: %s\n", strings.TrimSuffix(body, "\n"))
	}
	return b.String() + "\n"
}

func runCases(t *testing.T, p *Policy, cases []exchangeCase) string {
	t.Helper()
	h := handler(p)
	var out strings.Builder
	for _, c := range cases {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, c.request())
		out.WriteString(transcript(c, rec))
	}
	return out.String()
}

func mustNew(t *testing.T, o Options) *Policy {
	t.Helper()
	p, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

const acrm = "Access-Control-Request-Method: PUT"

func TestBasicDefaults(t *testing.T) {
	p := mustNew(t, Defaults(PresetBasic))
	golden.AssertString(t, "testdata/basic_defaults.golden", runCases(t, p, []exchangeCase{
		{"preflight, any origin is allowed and echoed", "OPTIONS", "/v1/shelves", []string{"Origin: https://app.example.com", acrm}},
		{"preflight on an undefined path is answered too", "OPTIONS", "/not/defined", []string{"Origin: https://app.example.com", acrm}},
		{"preflight on a path with an OPTIONS route is answered, not proxied", "OPTIONS", "/v1/options", []string{"Origin: https://app.example.com", acrm}},
		{"preflight with Access-Control-Request-Headers", "OPTIONS", "/v1/shelves", []string{"Origin: https://app.example.com", acrm, "Access-Control-Request-Headers: X-Custom"}},
		{"OPTIONS without Access-Control-Request-Method: direct 400, still decorated", "OPTIONS", "/v1/shelves", []string{"Origin: https://app.example.com"}},
		{"OPTIONS without Origin: direct 400, no CORS headers", "OPTIONS", "/v1/shelves", []string{acrm}},
		{"OPTIONS with an empty Origin: direct 400", "OPTIONS", "/v1/shelves", []string{"Origin: ", acrm}},
		{"plain OPTIONS on an undefined path: direct 400, not 404", "OPTIONS", "/nowhere", nil},
		{"non-preflight OPTIONS on a path with an OPTIONS route goes to the backend", "OPTIONS", "/v1/options", []string{"Origin: https://app.example.com"}},
		{"simple request with an Origin", "GET", "/v1/shelves", []string{"Origin: https://app.example.com"}},
		{"simple request without an Origin", "GET", "/v1/shelves", nil},
		{"backend CORS headers are replaced, others kept", "GET", "/v1/backend-cors", []string{"Origin: https://app.example.com"}},
		{"local 404 with an Origin is decorated", "GET", "/nowhere", []string{"Origin: https://app.example.com"}},
		{"POST with Access-Control-Request-Method is not a preflight", "POST", "/v1/shelves/books", []string{"Origin: https://app.example.com", acrm}},
	}))
}

func TestBasicExactOriginWithCredentials(t *testing.T) {
	o := Defaults(PresetBasic)
	o.AllowOrigin = "https://app.example.com"
	o.AllowCredentials = true
	o.MaxAge = 90 * time.Minute
	p := mustNew(t, o)
	golden.AssertString(t, "testdata/basic_exact_credentials.golden", runCases(t, p, []exchangeCase{
		{"preflight from the allowed origin", "OPTIONS", "/v1/shelves", []string{"Origin: https://app.example.com", acrm}},
		{"preflight from another origin: 400 without CORS headers", "OPTIONS", "/v1/shelves", []string{"Origin: https://evil.example.com", acrm}},
		{"origin matching is case-sensitive", "OPTIONS", "/v1/shelves", []string{"Origin: https://APP.example.com", acrm}},
		{"origin with a trailing slash is another origin", "OPTIONS", "/v1/shelves", []string{"Origin: https://app.example.com/", acrm}},
		{"literal * as Origin is not the allowed origin", "OPTIONS", "/v1/shelves", []string{"Origin: *", acrm}},
		{"two Origin lines are one joined value", "OPTIONS", "/v1/shelves", []string{"Origin: https://app.example.com", "Origin: https://app.example.com", acrm}},
		{"simple request from the allowed origin", "GET", "/v1/shelves", []string{"Origin: https://app.example.com"}},
		{"simple request from another origin: served, no CORS headers", "GET", "/v1/shelves", []string{"Origin: https://evil.example.com"}},
	}))
}

func TestRegexPreset(t *testing.T) {
	o := Defaults(PresetRegex)
	o.AllowOriginRegex = `https://[a-z]+\.example\.com`
	o.MaxAge = 1500 * time.Millisecond
	p := mustNew(t, o)
	golden.AssertString(t, "testdata/regex.golden", runCases(t, p, []exchangeCase{
		{"preflight from a matching origin", "OPTIONS", "/v1/shelves", []string{"Origin: https://app.example.com", acrm}},
		{"the regex must match the whole origin", "OPTIONS", "/v1/shelves", []string{"Origin: https://app.example.com.evil.org", acrm}},
		{"the regex is case-sensitive", "OPTIONS", "/v1/shelves", []string{"Origin: https://APP.example.com", acrm}},
		{"simple request from a matching origin", "GET", "/v1/shelves", []string{"Origin: https://books.example.com"}},
		{"simple request from another origin", "GET", "/v1/shelves", []string{"Origin: http://books.example.com"}},
	}))
}

func TestRegexPresetEdgeCases(t *testing.T) {
	star := Defaults(PresetRegex)
	star.AllowOriginRegex = `.*` // matches the literal "*", so Envoy allows every origin
	wild := Defaults(PresetRegex)
	wild.AllowOriginRegex = `(?i)https://app\.example\.com`
	wild.AllowMethods = "*"
	wild.AllowHeaders = "*"
	wild.ExposeHeaders = ""
	wild.MaxAge = 0
	out := runCases(t, mustNew(t, star), []exchangeCase{
		{"a regex that matches * allows every origin", "OPTIONS", "/v1/shelves", []string{"Origin: null", acrm}},
	}) + runCases(t, mustNew(t, wild), []exchangeCase{
		{"(?i) makes it case-insensitive; * echoes the requested method and headers; no expose", "OPTIONS", "/v1/shelves", []string{"Origin: HTTPS://APP.EXAMPLE.COM", acrm, "Access-Control-Request-Headers: X-A, X-B"}},
		{"* Allow-Headers with no requested headers sends an empty value", "OPTIONS", "/v1/shelves", []string{"Origin: https://app.example.com", acrm}},
		{"simple request without expose headers", "GET", "/v1/shelves", []string{"Origin: https://app.example.com"}},
	})
	golden.AssertString(t, "testdata/regex_edge.golden", out)
}

func TestNilPolicyIsCORSOff(t *testing.T) {
	p, err := New(Options{Preset: "", AllowOrigin: ""})
	if err != nil || p != nil {
		t.Fatalf("New with no preset = %v, %v; want nil, nil", p, err)
	}
	golden.AssertString(t, "testdata/off.golden", runCases(t, p, []exchangeCase{
		{"preflight without a preset goes to routing (here 404)", "OPTIONS", "/v1/shelves", []string{"Origin: https://app.example.com", acrm}},
		{"OPTIONS on an OPTIONS route is proxied", "OPTIONS", "/v1/options", []string{"Origin: https://app.example.com", acrm}},
		{"simple request gets no CORS headers", "GET", "/v1/shelves", []string{"Origin: https://app.example.com"}},
	}))
}

func TestNewValidation(t *testing.T) {
	withOrigin := func(o string) Options { x := Defaults(PresetBasic); x.AllowOrigin = o; return x }
	withRegex := func(re string) Options { x := Defaults(PresetRegex); x.AllowOriginRegex = re; return x }
	cases := []struct {
		name string
		opts Options
	}{
		{"unknown preset", Defaults("cors_with_regexp")},
		{"preset names are case-sensitive", Defaults("BASIC")},
		{"basic with an empty origin", withOrigin("")},
		{"basic with an origin", withOrigin("https://a.example.com")},
		{"regex preset without a regex", Defaults(PresetRegex)},
		{"regex that is not RE2 (look-ahead)", withRegex(`https://(?!evil).*`)},
		{"regex that is not RE2 (back-reference)", withRegex(`(a)\1`)},
		{"unbalanced regex", withRegex(`https://(a`)},
		{"regex over the program-size cap", withRegex(`(https://[a-z0-9]+\.example\.com){50}`)},
		{"regex under the program-size cap", withRegex(`(https://[a-z0-9]+\.example\.com){4}`)},
		{"ESPv1-to-ESPv2 migrated regex", withRegex(`(?i).*(?:example\.com).*`)},
	}
	var out strings.Builder
	for _, c := range cases {
		_, err := New(c.opts)
		res := "ok"
		if err != nil {
			res = "error: " + err.Error()
		}
		fmt.Fprintf(&out, "%s\n  %s\n", c.name, res)
	}
	golden.AssertString(t, "testdata/validation.golden", out.String())
}
