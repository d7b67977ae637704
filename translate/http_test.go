package translate

import (
	"testing"
)

func TestHTTPBindings(t *testing.T) {
	cfg := build(t, svc(t, `{
		"name": "h.example.com",
		"apis": [{"name": "p.S", "methods": [{"name": "Get", "requestTypeUrl": "type.googleapis.com/p.GetRequest"}, {"name": "Any"}, {"name": "None"}]}],
		"http": {"rules": [
			{"selector": "p.S.Get", "get": "/old"},
			{"selector": "p.S.Get", "get": "/v1/{name=shelves/*}", "responseBody": "shelf",
			 "additionalBindings": [
				{"post": "/v1/shelves/{name}:get", "body": "*", "additionalBindings": [{"get": "/nested/ignored"}]},
				{"custom": {"kind": "HEAD", "path": "/v1/head/{name}"}}
			 ]},
			{"selector": "p.S.Any", "custom": {"kind": "*", "path": "/any/**"}},
			{"selector": "p.S.Missing", "get": "/missing"}
		]}
	}`), Options{})
	get := methodOf(t, cfg, "p.S.Get")
	if len(get.HTTP) != 3 {
		t.Fatalf("Get bindings = %+v (last rule + 2 additional, nested ignored)", get.HTTP)
	}
	b0, b1, b2 := get.HTTP[0], get.HTTP[1], get.HTTP[2]
	if b0.Method != "GET" || b0.Pattern != "/v1/{name=shelves/*}" || b0.ResponseBody != "shelf" || b0.Template.Raw != b0.Pattern {
		t.Errorf("primary %+v", b0)
	}
	if len(b0.Template.Variables) != 1 || b0.Template.Variables[0].FieldPath != "name" || b0.Template.Variables[0].Start != 1 || b0.Template.Variables[0].End != 3 {
		t.Errorf("primary variables %+v", b0.Template.Variables)
	}
	if b1.Method != "POST" || b1.Body != "*" || b1.Template.Verb != "get" {
		t.Errorf("additional %+v", b1)
	}
	if b2.Method != "HEAD" || b2.Pattern != "/v1/head/{name}" {
		t.Errorf("custom %+v", b2)
	}
	if a := methodOf(t, cfg, "p.S.Any"); len(a.HTTP) != 1 || a.HTTP[0].Method != "*" {
		t.Errorf("custom kind * %+v", a.HTTP)
	}
	if n := methodOf(t, cfg, "p.S.None"); n.HTTP != nil {
		t.Errorf("None bindings %+v", n.HTTP)
	}
}

// TestHTTPJSONNames checks A.4: top-level request fields whose json_name differs rename the
// first component of path variables.
func TestHTTPJSONNames(t *testing.T) {
	cfg := build(t, svc(t, `{
		"name": "h.example.com",
		"apis": [{"name": "p.S", "methods": [{"name": "Get", "requestTypeUrl": "type.googleapis.com/p.Req"}, {"name": "NoType", "requestTypeUrl": "type.googleapis.com/p.Missing"}]}],
		"types": [{"name": "p.Req", "fields": [
			{"name": "s_h_e_l_f", "jsonName": "SHELF"},
			{"name": "b_o_o_k", "jsonName": "BOOK"},
			{"name": "same", "jsonName": "same"},
			{"name": "no_json"}
		]}],
		"http": {"rules": [
			{"selector": "p.S.Get", "get": "/shelves/{s_h_e_l_f.i_d}/books/{b_o_o_k}/{same}/{no_json}"},
			{"selector": "p.S.NoType", "get": "/x/{s_h_e_l_f}"}
		]}
	}`), Options{})
	var got []string
	for _, v := range methodOf(t, cfg, "p.S.Get").HTTP[0].Template.Variables {
		got = append(got, v.FieldPath)
	}
	want := []string{"SHELF.i_d", "BOOK", "same", "no_json"}
	if len(got) != len(want) {
		t.Fatalf("variables %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("variables %q, want %q", got, want)
			break
		}
	}
	if p := methodOf(t, cfg, "p.S.Get").HTTP[0].Pattern; p != "/shelves/{s_h_e_l_f.i_d}/books/{b_o_o_k}/{same}/{no_json}" {
		t.Errorf("pattern must stay as written, got %q", p)
	}
	if v := methodOf(t, cfg, "p.S.NoType").HTTP[0].Template.Variables[0].FieldPath; v != "s_h_e_l_f" {
		t.Errorf("missing request type: %q", v)
	}
}

func TestHTTPErrors(t *testing.T) {
	base := func(rules string) string {
		return `{"name": "x", "apis": [{"name": "p.S", "methods": [{"name": "A", "requestTypeUrl": "type.googleapis.com/p.R"}]}],
			"http": {"rules": ` + rules + `}}`
	}
	wantErr(t, svc(t, base(`[{"selector": "p.S.A", "get": "no-slash"}]`)), Options{}, "http rule for operation (p.S.A): invalid uri template no-slash")
	wantErr(t, svc(t, base(`[{"selector": "p.S.A", "get": "/a/**/*"}]`)), Options{}, "invalid uri template /a/**/*")
	wantErr(t, svc(t, base(`[{"selector": "p.S.A", "body": "*"}]`)), Options{}, "no HTTP method and path")
	wantErr(t, svc(t, base(`[{"selector": "p.S.A", "custom": {"path": "/a"}}]`)), Options{}, "has no kind")
	wantErr(t, svc(t, `{"name": "x", "apis": [{"name": "p.S", "methods": [{"name": "A", "requestTypeUrl": "type.googleapis.com/p.R"}]}],
		"types": [{"name": "p.R", "fields": [{"name": "a_b", "jsonName": "aB"}, {"name": "a_b", "jsonName": "AB"}]}],
		"http": {"rules": [{"selector": "p.S.A", "get": "/a/{a_b}"}]}}`), Options{},
		"detected two types with same snake_name (a_b) but mistmatching json_name (aB, AB)")
}
