package translate

import (
	"reflect"
	"testing"
)

func TestAPIKeys(t *testing.T) {
	cfg := build(t, svc(t, `{
		"name": "k.example.com",
		"apis": [
			{"name": "p.S", "methods": [{"name": "A"}, {"name": "B"}, {"name": "C"}]},
			{"name": "grpc.health.v1.Health", "methods": [{"name": "Check"}, {"name": "Watch"}]}
		],
		"usage": {"rules": [
			{"selector": "p.S.A", "allowUnregisteredCalls": true},
			{"selector": "p.S.B", "skipServiceControl": true},
			{"selector": "p.S.B", "allowUnregisteredCalls": true},
			{"selector": "grpc.health.v1.Health.Watch"}
		]},
		"systemParameters": {"rules": [
			{"selector": "p.S.A", "parameters": [{"name": "api_key", "httpHeader": "X-My-Key", "urlQueryParameter": "mykey"}, {"name": "other", "httpHeader": "X-Other"}, {"name": "api_key", "httpHeader": "X-Second"}]},
			{"selector": "p.S.C", "parameters": [{"name": "not_api_key", "httpHeader": "X-Ignored"}]}
		]}
	}`), Options{})
	a := methodOf(t, cfg, "p.S.A").APIKey
	wantA := APIKeyRule{AllowUnregisteredCalls: true, Locations: []APIKeyLocation{{Query: "mykey"}, {Header: "X-My-Key"}, {Header: "X-Second"}}}
	if !reflect.DeepEqual(a, wantA) {
		t.Errorf("A\n got %+v\nwant %+v", a, wantA)
	}
	b := methodOf(t, cfg, "p.S.B").APIKey
	if !b.AllowUnregisteredCalls || b.SkipServiceControl || !b.DefaultLocations {
		t.Errorf("B (last rule wins) %+v", b)
	}
	c := methodOf(t, cfg, "p.S.C").APIKey
	wantC := APIKeyRule{Locations: defaultAPIKeyLocations, DefaultLocations: true}
	if !reflect.DeepEqual(c, wantC) {
		t.Errorf("C (defaults, key required)\n got %+v\nwant %+v", c, wantC)
	}
	if !methodOf(t, cfg, "grpc.health.v1.Health.Check").APIKey.SkipServiceControl {
		t.Error("Health.Check should skip Service Control by default")
	}
	if methodOf(t, cfg, "grpc.health.v1.Health.Watch").APIKey.SkipServiceControl {
		t.Error("Health.Watch has a user rule: its skip_service_control (false) wins")
	}
}
