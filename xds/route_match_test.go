package xds

import (
	"regexp"
	"strings"
	"testing"

	"github.com/espctl/espctl/httprule"
)

func mustTemplate(t *testing.T, s string) httprule.Template {
	t.Helper()
	tp, err := httprule.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return *tp
}

// The capture regex must match exactly what the route regex matches, and bind what ESPv2's
// CONSTANT_ADDRESS examples bind (proxy-behavior.md section 7).
func TestCaptureRegexAgreesWithRoute(t *testing.T) {
	for _, tt := range []struct {
		tmpl, path, want string
	}{
		{"/pet/{pet_id}/num/{number}", "/pet/123/num/987", "pet_id=123&number=987"},
		{"/pet/{pet_id}/num/{number}", "/pet/123/num/987/", "pet_id=123&number=987"},
		{"/pet/{pet_id}/num/{number}", "/pet/a%20b/num/9%3B8", "pet_id=a%20b&number=9%3B8"},
		{"/wildcard/a/*/b/{name=*}/c/**", "/wildcard/a/1/b/2/c/3/4/5", "name=2"},
		{"/field_path/{s_1=a/*/b/*}/{s_2=x/**}:upload", "/field_path/a/1/b/2/x/9/8/7:upload", "s_1=a/1/b/2&s_2=x/9/8/7"},
		{"/field_path/{s_1=a/*/b/*}/{s_2=x/**}:upload", "/field_path/a/1/b/2/x/9/8/7/:upload", "s_1=a/1/b/2&s_2=x/9/8/7/"},
	} {
		tp := mustTemplate(t, tt.tmpl)
		_, route := tp.Regex(false)
		if got := templateRegex(tp, false, false); got != route {
			t.Errorf("%s: regex without groups %q, httprule says %q", tt.tmpl, got, route)
		}
		capture := regexp.MustCompile(templateRegex(tp, false, true))
		if !regexp.MustCompile(route).MatchString(tt.path) || !capture.MatchString(tt.path) {
			t.Errorf("%s does not match %s", tt.path, tt.tmpl)
			continue
		}
		// Envoy's \N becomes Go's ${N}.
		sub := regexp.MustCompile(`\\(\d)`).ReplaceAllString(constantBindings(tp), `$${$1}`)
		if got := capture.ReplaceAllString(tt.path, sub); got != tt.want {
			t.Errorf("%s on %s: bindings %q, want %q", tt.tmpl, tt.path, got, tt.want)
		}
	}
}

func TestMatchFor(t *testing.T) {
	for _, tt := range []struct{ tmpl, want string }{
		{"/v1/shelves", "exact:/v1/shelves|/v1/shelves/"},
		{"/v1/fixedshelves/{shelf=100}", "exact:/v1/fixedshelves/100|/v1/fixedshelves/100/"},
		{"/", "exact:/"},
		{"/v1/shelves/{shelf}", `regex:^/v1/shelves/[^\/]+\/?$`},
		{"/**", `regex:^/.*\/?$`},
	} {
		if got := matchFor(mustTemplate(t, tt.tmpl), false).key(); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.tmpl, got, tt.want)
		}
	}
	if got := matchFor(mustTemplate(t, "/a/{y=*}"), true).key(); !strings.Contains(got, `[^\/:]+`) {
		t.Errorf("disallow colon: %s", got)
	}
}
