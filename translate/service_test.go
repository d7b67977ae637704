package translate

import (
	"testing"
)

func TestServiceCORS(t *testing.T) {
	for _, c := range []struct {
		endpoints string
		want      bool
	}{
		{`[{"name": "s.example.com", "allowCors": true}]`, true},
		{`[{"name": "other.example.com", "allowCors": true}, {"name": "s.example.com"}]`, false},
		{`[]`, false},
	} {
		cfg := build(t, svc(t, `{"name": "s.example.com", "apis": [{"name": "p.S", "methods": [{"name": "A"}]}], "endpoints": `+c.endpoints+`}`), Options{})
		if cfg.AllowCORS != c.want {
			t.Errorf("endpoints %s: AllowCORS = %v, want %v", c.endpoints, cfg.AllowCORS, c.want)
		}
	}
}

func TestServiceControl(t *testing.T) {
	cfgOf := func(env string, opts Options) *Config {
		return build(t, svc(t, `{"name": "s", "apis": [{"name": "p.S", "methods": [{"name": "A"}]}], "control": {"environment": "`+env+`"}}`), opts)
	}
	cases := []struct {
		env  string
		opts Options
		want string
	}{
		{"servicecontrol.googleapis.com", Options{}, "https://servicecontrol.googleapis.com"},
		{"http://127.0.0.1:9000", Options{}, "http://127.0.0.1:9000"},
		{"servicecontrol.googleapis.com", Options{ServiceControlURL: "http://localhost:8989"}, "http://localhost:8989"},
		{"", Options{ServiceControlURL: "http://localhost:8989"}, ""},
	}
	for _, c := range cases {
		if got := cfgOf(c.env, c.opts).ServiceControl; got != c.want {
			t.Errorf("env %q opts %+v: %q, want %q", c.env, c.opts, got, c.want)
		}
	}
	wantErr(t, svc(t, `{"name": "s", "apis": [{"name": "p.S"}], "control": {"environment": "https://sc.example.com/v1"}}`), Options{},
		"error parsing service control url https://sc.example.com/v1: should not have path part: /v1")
}
