package xds

import (
	"fmt"
	"strings"
	"testing"

	"github.com/espctl/espctl/translate"
)

func TestGenerateGolden(t *testing.T) {
	withCORS := DefaultOptions()
	withCORS.CORS.Preset = "basic"
	withCORS.CORS.AllowOrigin = "https://app.example.com"
	withCORS.AdminPort = 9901
	ads := DefaultOptions()
	ads.RouteSource = RouteFromADS
	for _, tt := range []struct {
		name string
		cfg  *translate.Config
		opts Options
	}{
		{"openapi", openAPIConfig(), DefaultOptions()},
		{"openapi_cors_preset", openAPIConfig(), withCORS},
		{"openapi_service_control", withServiceControl(openAPIConfig()), DefaultOptions()},
		{"grpc", grpcConfig(), DefaultOptions()},
		{"grpc_ads", grpcConfig(), ads},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Generate(tt.cfg, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if tt.opts.RouteSource == RouteFromADS {
				assertJSON(t, "testdata/"+tt.name+"_listener.golden.json", res.Listeners[0])
				assertJSON(t, "testdata/"+tt.name+"_routes.golden.json", res.Routes[0])
				return
			}
			bs, err := StaticBootstrap(res, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			assertJSON(t, "testdata/"+tt.name+"_bootstrap.golden.json", bs)
		})
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	first, err := Generate(openAPIConfig(), DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		again, err := Generate(openAPIConfig(), DefaultOptions())
		if err != nil {
			t.Fatal(err)
		}
		a, _ := JSON(first.Routes[0])
		b, _ := JSON(again.Routes[0])
		if string(a) != string(b) {
			t.Fatalf("run %d differs", i)
		}
	}
}

func TestGenerateRejects(t *testing.T) {
	for _, tt := range []struct {
		name, want string
		edit       func(c *translate.Config)
	}{
		{"unknown provider", "Required provider ['nope'] is not configured", func(c *translate.Config) {
			c.Methods[0].Auth.Providers[0].ProviderID = "nope"
		}},
		{"provider without jwks", "no jwks_uri", func(c *translate.Config) { c.Providers[1].JWKSURI = "" }},
		{"route to unknown method", `no method "nope"`, func(c *translate.Config) { c.Routes[0].Selector = "nope" }},
		{"bad template", "route 0", func(c *translate.Config) { c.Routes[0].Pattern = "/a/{b" }},
		{"unknown kind", `unknown route kind "weird"`, func(c *translate.Config) { c.Routes[0].Kind = "weird" }},
		{"bad port", "out of range", func(c *translate.Config) { c.Methods[0].Backend.Port = 70000 }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := openAPIConfig()
			tt.edit(c)
			_, err := Generate(c, DefaultOptions())
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
	if _, err := Generate(nil, DefaultOptions()); err == nil {
		t.Error("nil config accepted")
	}
}

func TestGenerateEmptyConfig(t *testing.T) {
	res, err := Generate(&translate.Config{Service: "empty.example.com"}, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	if n := len(res.Routes[0].VirtualHosts[0].Routes); n != 1 {
		t.Errorf("routes = %d, want only the 404 route", n)
	}
}

func withServiceControl(c *translate.Config) *translate.Config {
	c.ServiceControl = "https://servicecontrol.googleapis.com"
	c.Methods[0].APIKey.AllowUnregisteredCalls = true
	return c
}

// BenchmarkGenerate: a large API (2,000 methods, each with an HTTP binding and a gRPC path).
func BenchmarkGenerate(b *testing.B) {
	cfg := &translate.Config{Service: "big.example.com", LocalBackend: localBackend()}
	for i := 0; i < 2000; i++ {
		sel := fmt.Sprintf("big.Service.Method%d", i)
		cfg.Methods = append(cfg.Methods, translate.Method{Selector: sel, Backend: local()})
		cfg.Routes = append(cfg.Routes,
			translate.Route{Method: "GET", Pattern: fmt.Sprintf("/v1/items%d/{id}", i), Selector: sel, Kind: "http"},
			translate.Route{Method: "POST", Pattern: fmt.Sprintf("/big.Service/Method%d", i), Selector: sel, Kind: "grpc"})
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Generate(cfg, DefaultOptions()); err != nil {
			b.Fatal(err)
		}
	}
}
