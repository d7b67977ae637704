package xds

import (
	"strconv"
	"strings"
	"testing"

	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"

	"github.com/espctl/espctl/translate"
)

func TestRewriteVariants(t *testing.T) {
	remote := func(path, mode string) translate.Backend {
		return translate.Backend{Address: "https://b.example.com" + path, Host: "b.example.com", Scheme: "https", Path: path, PathTranslation: mode}
	}
	for _, tt := range []struct {
		name, tmpl string
		b          translate.Backend
		want       []string // pattern => substitution, one per variant
	}{
		{"local backend", "/a/{x}", local(), []string{""}},
		{"append", "/searchpet", remote("/dynamicrouting/searchpet", "APPEND_PATH_TO_ADDRESS"), []string{`^(.*)$ => /dynamicrouting/searchpet\1`}},
		{"append without path", "/searchroot", remote("", "APPEND_PATH_TO_ADDRESS"), []string{""}},
		{"constant without path", "/empty_path", remote("", "CONSTANT_ADDRESS"), []string{`^.*$ => /`}},
		{"constant literal", "/shelves", remote("/dynamicrouting/shelves", "CONSTANT_ADDRESS"), []string{`^.*$ => /dynamicrouting/shelves`}},
		{"constant variables", "/pet/{pet_id}", remote("/getpet", "CONSTANT_ADDRESS"), []string{
			`^/pet/([^\/]+)\/?$ => /getpet?pet_id=\1`, `^.*$ => /getpet`}},
		{"constant literal variable", "/v1/{shelf=100}", remote("/c", "CONSTANT_ADDRESS"), []string{`^.*$ => /c?shelf=100`, `^.*$ => /c`}},
		{"unspecified", "/a", remote("/p", ""), []string{""}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			vs, err := rewriteVariants(tt.b, mustTemplate(t, tt.tmpl), false)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, v := range vs {
				if v.rewrite == nil {
					got = append(got, "")
					continue
				}
				got = append(got, v.rewrite.GetPattern().GetRegex()+" => "+v.rewrite.GetSubstitution())
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestRouteTimeouts(t *testing.T) {
	for _, tt := range []struct {
		name          string
		m             *translate.Method
		b             translate.Backend
		timeout, idle float64
	}{
		{"defaults", nil, translate.Backend{}, 15, 300},
		{"long deadline", nil, translate.Backend{DeadlineSeconds: 400}, 400, 401},
		{"streaming", &translate.Method{ResponseStreaming: true}, translate.Backend{DeadlineSeconds: 15}, 0, 300},
		{"from config", nil, translate.Backend{DeadlineSeconds: 5, IdleTimeoutSeconds: 300}, 5, 300},
	} {
		to, idle := routeTimeouts(tt.m, tt.b)
		if to != tt.timeout || idle != tt.idle {
			t.Errorf("%s: %v/%v, want %v/%v", tt.name, to, idle, tt.timeout, tt.idle)
		}
	}
}

// The tail of the table: CORS preset routes, then 405s once per path, then 404.
func TestDirectResponseRoutes(t *testing.T) {
	opts := DefaultOptions()
	opts.CORS.Preset = "cors_with_regex"
	opts.CORS.AllowOriginRegex = `https://.*\.example\.com`
	res, err := Generate(openAPIConfig(), opts)
	if err != nil {
		t.Fatal(err)
	}
	var tail []string
	for _, r := range res.Routes[0].VirtualHosts[0].Routes {
		if d := r.GetDirectResponse(); d != nil {
			tail = append(tail, routeSummary(r))
		}
	}
	want := []string{
		"OPTIONS prefix / 200",
		"OPTIONS prefix / 400",
		"path /echo 405", "path /echo/ 405",
		"path /pets 405", "path /pets/ 405",
		`regex ^/pets/[^\/]+/num/[^\/]+\/?$ 405`,
		"path /healthz 405", "path /healthz/ 405",
		"prefix / 404",
	}
	if strings.Join(tail, "\n") != strings.Join(want, "\n") {
		t.Errorf("direct routes:\n%s\nwant\n%s", strings.Join(tail, "\n"), strings.Join(want, "\n"))
	}
}

func routeSummary(r *routev3.Route) string {
	var parts []string
	for _, h := range r.GetMatch().GetHeaders() {
		if h.GetName() == ":method" {
			parts = append(parts, h.GetStringMatch().GetExact())
		}
	}
	m := r.GetMatch()
	switch {
	case m.GetPath() != "":
		parts = append(parts, "path "+m.GetPath())
	case m.GetSafeRegex() != nil:
		parts = append(parts, "regex "+m.GetSafeRegex().GetRegex())
	default:
		parts = append(parts, "prefix "+m.GetPrefix())
	}
	parts = append(parts, strconv.Itoa(int(r.GetDirectResponse().GetStatus())))
	return strings.Join(parts, " ")
}

// overrides_by_request_protocol["http"]: HTTP routes of the method go to the HTTP backend with
// the transcoder off; its gRPC route keeps the gRPC backend.
func TestHTTPBackendOverride(t *testing.T) {
	cfg := grpcConfig()
	cfg.Methods[0].HTTPBackend = &translate.Backend{Address: "https://web.example.com", Scheme: "https", Host: "web.example.com", Port: 443, TLS: true}
	res, err := Generate(cfg, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res.Routes[0].VirtualHosts[0].Routes {
		if r.GetDecorator().GetOperation() != "helloworld.Greeter.SayHello" {
			continue
		}
		_, disabled := r.GetTypedPerFilterConfig()[transcoderFilterName]
		http := r.GetMatch().GetSafeRegex() != nil
		if want := "backend-cluster-web.example.com:443"; http && (r.GetRoute().GetCluster() != want || !disabled) {
			t.Errorf("HTTP route: cluster %s, transcoder disabled %v", r.GetRoute().GetCluster(), disabled)
		}
		if !http && (r.GetRoute().GetCluster() == "backend-cluster-web.example.com:443" || disabled) {
			t.Errorf("gRPC route: cluster %s, transcoder disabled %v", r.GetRoute().GetCluster(), disabled)
		}
	}
}
