package translate

import (
	"slices"
	"testing"
)

func TestOperations(t *testing.T) {
	cfg := build(t, svc(t, `{
		"name": "ops.example.com",
		"id": "2024-01-01r0",
		"title": "Ops",
		"apis": [
			{"name": "pkg.Zeta", "version": "v2", "methods": [
				{"name": "Chat", "requestTypeUrl": "type.googleapis.com/pkg.Msg", "responseTypeUrl": "type.googleapis.com/pkg.Msg", "requestStreaming": true, "responseStreaming": true},
				{"name": "Get", "requestTypeUrl": "type.googleapis.com/pkg.GetRequest", "responseTypeUrl": "type.googleapis.com/google.protobuf.Empty"}
			]},
			{"name": "google.discovery.Discovery", "methods": [{"name": "GetDiscoveryRest"}]},
			{"name": "pkg.Alpha", "methods": [{"name": "Get"}, {"name": "Get"}, {"name": ""}]}
		]
	}`), Options{})

	if cfg.Service != "ops.example.com" || cfg.ConfigID != "2024-01-01r0" || cfg.Title != "Ops" {
		t.Errorf("service fields = %q %q %q", cfg.Service, cfg.ConfigID, cfg.Title)
	}
	var apis []string
	for _, a := range cfg.APIs {
		apis = append(apis, a.Name)
	}
	if want := []string{"pkg.Zeta", "pkg.Alpha"}; !slices.Equal(apis, want) {
		t.Errorf("apis = %q, want %q (input order, discovery skipped)", apis, want)
	}
	var sels []string
	for _, m := range cfg.Methods {
		sels = append(sels, m.Selector)
	}
	if want := []string{"pkg.Alpha.Get", "pkg.Zeta.Chat", "pkg.Zeta.Get"}; !slices.Equal(sels, want) {
		t.Errorf("methods = %q, want %q (sorted, repeated and nameless dropped)", sels, want)
	}
	chat := methodOf(t, cfg, "pkg.Zeta.Chat")
	if chat.API != "pkg.Zeta" || chat.Name != "Chat" || chat.RequestType != "pkg.Msg" || !chat.RequestStreaming || !chat.ResponseStreaming {
		t.Errorf("Chat = %+v", chat)
	}
	if get := methodOf(t, cfg, "pkg.Zeta.Get"); get.ResponseType != "google.protobuf.Empty" || get.GRPCPath != "" {
		t.Errorf("Get = %+v (no gRPC path without a gRPC backend)", get)
	}
}

func TestOperationsNamelessAPI(t *testing.T) {
	// ESPv1-era configs (esp's bookstore.json) have an API without a name and bare selectors.
	cfg := build(t, svc(t, `{
		"name": "b.example.com",
		"apis": [{"methods": [{"name": "ListShelves"}]}],
		"http": {"rules": [{"selector": "ListShelves", "get": "/shelves"}]}
	}`), Options{})
	if m := methodOf(t, cfg, "ListShelves"); len(m.HTTP) != 1 {
		t.Errorf("ListShelves bindings = %+v", m.HTTP)
	}
}

func TestOperationsErrors(t *testing.T) {
	if _, err := Build(nil, nil, Options{}); err == nil || err.Error() != "unexpected empty service config" {
		t.Errorf("nil service: %v", err)
	}
	wantErr(t, svc(t, `{"name": "x"}`), Options{}, "service config must have one api at least")
	wantErr(t, svc(t, `{"name": "x", "apis": [{"name": "google.discovery.X"}]}`), Options{}, "service config must have one api at least")
}

func TestOperationsNamelessAPIWithGRPCBackend(t *testing.T) {
	// No `//Method` gRPC path for an API without a name.
	cfg := build(t, svc(t, `{"name": "b", "apis": [{"methods": [{"name": "M"}]}]}`), Options{Backend: "grpc://h:1"})
	if len(cfg.Routes) != 0 || methodOf(t, cfg, "M").GRPCPath != "" {
		t.Errorf("routes %v", routeList(cfg))
	}
}
