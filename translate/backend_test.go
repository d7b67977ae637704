package translate

import (
	"reflect"
	"strings"
	"testing"
)

func backendSvc(t *testing.T, rules string) *Config {
	t.Helper()
	return build(t, svc(t, `{
		"name": "be.example.com",
		"apis": [{"name": "p.S", "methods": [{"name": "A"}, {"name": "B"}, {"name": "Stream", "responseStreaming": true}]}],
		"backend": {"rules": `+rules+`}
	}`), Options{})
}

func TestParseBackendAddress(t *testing.T) {
	cases := []struct {
		addr, protocol string
		want           Backend
	}{
		{"https://example.com", "", Backend{Scheme: "https", Host: "example.com", Port: 443, TLS: true, Protocol: "http/1.1"}},
		{"example.com", "", Backend{Scheme: "https", Host: "example.com", Port: 443, TLS: true, Protocol: "http/1.1"}},
		{"http://example.com:8080/api/", "h2", Backend{Scheme: "http", Host: "example.com", Port: 8080, Path: "/api", Protocol: "h2"}},
		{"HTTP://example.com/", "HTTP/1.1", Backend{Scheme: "http", Host: "example.com", Port: 80, Protocol: "http/1.1"}},
		{"grpc://svc.default.svc.cluster.local", "h2", Backend{Scheme: "grpc", Host: "svc.default.svc.cluster.local", Port: 80, Protocol: "grpc"}},
		{"grpcs://run.app:8443", "", Backend{Scheme: "grpcs", Host: "run.app", Port: 8443, TLS: true, Protocol: "grpc"}},
		{"https://h/a/b?q=1", "", Backend{Scheme: "https", Host: "h", Port: 443, TLS: true, Path: "/a/b", Protocol: "http/1.1"}},
		{"http://[::1]:9000", "", Backend{Scheme: "http", Host: "::1", Port: 9000, Protocol: "http/1.1"}},
	}
	for _, c := range cases {
		got, err := parseBackendAddress(c.addr, c.protocol)
		if err != nil {
			t.Errorf("%s: %v", c.addr, err)
			continue
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", c.addr, got, c.want)
		}
	}
}

func TestParseBackendAddressErrors(t *testing.T) {
	cases := []struct{ addr, protocol, want string }{
		{"ftp://x", "", `unknown backend scheme [ftp], should be one of "http(s)" or "grpc(s)"`},
		{"https://x", "h3", `unknown backend http protocol [h3], should be one of "http/1.1", "h2", or not set`},
		{"https://x:notaport", "", `invalid backend address`},
		{"https://x:70000", "", `port 70000 out of range`},
		{"https://", "", `no host`},
		{"https://[::1", "", `invalid backend address`},
	}
	for _, c := range cases {
		_, err := parseBackendAddress(c.addr, c.protocol)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.addr, err, c.want)
		}
	}
}

func TestBackendRules(t *testing.T) {
	cfg := backendSvc(t, `[
		{"selector": "p.S.A", "address": "https://first.example.com"},
		{"selector": "p.S.A", "address": "https://run.example.com:8443/v1/", "deadline": 7.12345, "pathTranslation": "CONSTANT_ADDRESS"},
		{"selector": "p.S.B", "deadline": -3, "jwtAudience": "aud-b"},
		{"selector": "p.S.Stream", "address": "grpcs://s.example.com", "deadline": 60, "disableAuth": true},
		{"selector": "p.S.Unknown", "address": "bogus://ignored"}
	]`)
	a := methodOf(t, cfg, "p.S.A").Backend
	want := Backend{Address: "https://run.example.com:8443/v1/", Scheme: "https", Host: "run.example.com", Port: 8443, Path: "/v1",
		Protocol: "http/1.1", TLS: true, DeadlineSeconds: 7.123, IdleTimeoutSeconds: 300, PathTranslation: "CONSTANT_ADDRESS",
		JWTAudience: "https://run.example.com"}
	if !reflect.DeepEqual(a, want) {
		t.Errorf("A (last rule wins):\n got %+v\nwant %+v", a, want)
	}
	b := methodOf(t, cfg, "p.S.B").Backend
	if !b.Local || b.Address != "" || b.Host != "127.0.0.1" || b.Port != 8082 || b.DeadlineSeconds != 15 || b.JWTAudience != "aud-b" || b.PathTranslation != "" {
		t.Errorf("B (no address: local backend, negative deadline -> 15): %+v", b)
	}
	s := methodOf(t, cfg, "p.S.Stream").Backend
	if s.Protocol != "grpc" || !s.DisableAuth || s.JWTAudience != "" || s.DeadlineSeconds != 60 || s.IdleTimeoutSeconds != 60 {
		t.Errorf("Stream: %+v", s)
	}
	if cfg.GRPCBackend {
		t.Error("GRPCBackend: the first rule has an http address, the third none: want false")
	}
}

func TestBackendDefaults(t *testing.T) {
	cfg := backendSvc(t, `[]`)
	local := Backend{Scheme: "http", Host: "127.0.0.1", Port: 8082, Protocol: "http/1.1", DeadlineSeconds: 15, IdleTimeoutSeconds: 300, Local: true}
	if !reflect.DeepEqual(cfg.LocalBackend, local) {
		t.Errorf("local backend %+v", cfg.LocalBackend)
	}
	if got := methodOf(t, cfg, "p.S.A").Backend; !reflect.DeepEqual(got, local) {
		t.Errorf("A without rule %+v", got)
	}
	// Streaming without a deadline: idle timeout max(16 s, 5 min).
	if got := methodOf(t, cfg, "p.S.Stream").Backend; got.IdleTimeoutSeconds != 300 {
		t.Errorf("Stream idle timeout %v", got.IdleTimeoutSeconds)
	}
}

func TestBackendDeadlines(t *testing.T) {
	cases := []struct {
		in        float64
		want      float64
		set       bool
		idleUnary float64
	}{
		{0, 15, false, 300},
		{-1, 15, false, 300},
		{2.0004, 2, true, 300},
		{2.0005, 2.001, true, 300},
		{0.0001, 0.001, true, 300},
		{400, 400, true, 401},
	}
	for _, c := range cases {
		got, set := ruleDeadline(c.in)
		if got != c.want || set != c.set {
			t.Errorf("ruleDeadline(%v) = %v, %v; want %v, %v", c.in, got, set, c.want, c.set)
		}
		if idle := idleTimeout(got, set, false); idle != c.idleUnary {
			t.Errorf("idleTimeout(%v) = %v, want %v", got, idle, c.idleUnary)
		}
	}
}

func TestBackendAudience(t *testing.T) {
	cfg := backendSvc(t, `[
		{"selector": "p.S.A", "address": "http://plain.example.com:8080/x", "disableAuth": false},
		{"selector": "p.S.B", "address": "grpcs://secure.example.com:9000"}
	]`)
	if got := methodOf(t, cfg, "p.S.A").Backend.JWTAudience; got != "http://plain.example.com" {
		t.Errorf("A audience %q", got)
	}
	if got := methodOf(t, cfg, "p.S.B").Backend.JWTAudience; got != "https://secure.example.com" {
		t.Errorf("B audience %q", got)
	}
	nonGCP := build(t, svc(t, `{"name": "x", "apis": [{"name": "p.S", "methods": [{"name": "A"}]}],
		"backend": {"rules": [{"selector": "p.S.A", "address": "https://h", "jwtAudience": "a"}]}}`), Options{NonGCP: true})
	if got := methodOf(t, nonGCP, "p.S.A").Backend.JWTAudience; got != "" {
		t.Errorf("--non_gcp audience %q, want none", got)
	}
}

func TestBackendGRPCDecision(t *testing.T) {
	cases := []struct {
		name  string
		rules string
		opts  Options
		want  bool
	}{
		{"no rules", `[]`, Options{}, false},
		{"grpc --backend", `[]`, Options{Backend: "grpc://127.0.0.1:8081"}, true},
		{"first rule grpc", `[{"selector": "p.S.A", "address": "grpc://h"}, {"selector": "p.S.B"}]`, Options{}, true},
		{"http then grpc", `[{"selector": "p.S.A", "address": "https://h"}, {"selector": "p.S.B", "address": "GRPCS://h"}]`, Options{}, true},
		{"address-less first", `[{"selector": "p.S.A"}, {"selector": "p.S.B", "address": "grpc://h"}]`, Options{}, false},
		{"override", `[{"selector": "p.S.A", "address": "grpc://h"}]`, Options{EnableBackendAddressOverride: true}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := build(t, svc(t, `{"name": "x", "apis": [{"name": "p.S", "methods": [{"name": "A"}, {"name": "B"}]}],
				"backend": {"rules": `+c.rules+`}}`), c.opts)
			if cfg.GRPCBackend != c.want {
				t.Errorf("GRPCBackend = %v, want %v", cfg.GRPCBackend, c.want)
			}
			if c.want != (methodOf(t, cfg, "p.S.A").GRPCPath == "/p.S/A") || cfg.APIs[0].GRPC != c.want {
				t.Errorf("GRPCPath %q / API.GRPC %v do not follow GRPCBackend", methodOf(t, cfg, "p.S.A").GRPCPath, cfg.APIs[0].GRPC)
			}
		})
	}
}

func TestBackendAddressOverride(t *testing.T) {
	cfg := build(t, svc(t, `{"name": "x", "apis": [{"name": "p.S", "methods": [{"name": "A"}]}],
		"backend": {"rules": [{"selector": "p.S.A", "address": "https://remote/p", "deadline": 30, "pathTranslation": "APPEND_PATH_TO_ADDRESS"}]}}`),
		Options{Backend: "127.0.0.1:9000", EnableBackendAddressOverride: true})
	a := methodOf(t, cfg, "p.S.A").Backend
	if !a.Local || a.Host != "127.0.0.1" || a.Port != 9000 || a.Scheme != "http" || a.DeadlineSeconds != 30 || a.PathTranslation != "" || a.JWTAudience != "" {
		t.Errorf("overridden backend %+v", a)
	}
}

func TestBackendHTTPOverride(t *testing.T) {
	cfg := build(t, svc(t, `{"name": "x", "apis": [{"name": "p.S", "methods": [{"name": "A"}]}],
		"backend": {"rules": [{"selector": "p.S.A", "address": "grpcs://g", "overridesByRequestProtocol": {"http": {"address": "https://h/base", "pathTranslation": "APPEND_PATH_TO_ADDRESS"}}}]}}`), Options{})
	a := methodOf(t, cfg, "p.S.A")
	if a.Backend.Protocol != "grpc" || a.HTTPBackend == nil || a.HTTPBackend.Host != "h" || a.HTTPBackend.Path != "/base" || a.HTTPBackend.PathTranslation != "APPEND_PATH_TO_ADDRESS" {
		t.Errorf("A backend %+v, http %+v", a.Backend, a.HTTPBackend)
	}
	wantErr(t, svc(t, `{"name": "x", "apis": [{"name": "p.S", "methods": [{"name": "A"}]}],
		"backend": {"rules": [{"selector": "p.S.A", "address": "grpcs://g", "overridesByRequestProtocol": {"http": {"deadline": 3}}}]}}`), Options{},
		`HTTP backend rule for selector "p.S.A" has empty address`)
}

func TestBackendErrors(t *testing.T) {
	one := func(rule string) string {
		return `{"name": "x", "apis": [{"name": "p.S", "methods": [{"name": "A"}]}], "backend": {"rules": [` + rule + `]}}`
	}
	wantErr(t, svc(t, one(`{"selector": "p.S.A", "address": "ws://h"}`)), Options{},
		`backend rule for operation (p.S.A): unknown backend scheme [ws], should be one of "http(s)" or "grpc(s)"`)
	wantErr(t, svc(t, one(`{"selector": "p.S.A", "address": "https://h", "protocol": "spdy"}`)), Options{},
		`unknown backend http protocol [spdy], should be one of "http/1.1", "h2", or not set`)
	wantErr(t, svc(t, one(`{"selector": "p.S.A"}`)), Options{Backend: "tcp://h:1"}, `--backend tcp://h:1: unknown backend scheme [tcp]`)
}
