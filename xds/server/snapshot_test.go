package server

import (
	"strings"
	"testing"

	"github.com/espctl/espctl/translate"
	"github.com/espctl/espctl/xds"
)

// A listener whose routes are missing never becomes a snapshot.
func TestInconsistentSnapshotRejected(t *testing.T) {
	cfg, err := buildTestSourceConfig("items.example.com", 5)
	if err != nil {
		t.Fatal(err)
	}
	opts := xds.DefaultOptions()
	opts.RouteSource = xds.RouteFromADS
	res, err := xds.Generate(cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := snapshot(res); err != nil {
		t.Fatalf("good resources: %v", err)
	}
	res.Routes = nil
	if _, _, err := snapshot(res); err == nil || !strings.Contains(err.Error(), "inconsistent") {
		t.Fatalf("err = %v, want an inconsistent snapshot", err)
	}
}

// The version is a function of the resources only.
func TestSnapshotVersionIsContentHash(t *testing.T) {
	version := func(deadline float64) string {
		cfg, _ := buildTestSourceConfig("items.example.com", deadline)
		opts := xds.DefaultOptions()
		opts.RouteSource = xds.RouteFromADS
		res, err := xds.Generate(cfg, opts)
		if err != nil {
			t.Fatal(err)
		}
		_, v, err := snapshot(res)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if version(5) != version(5) {
		t.Error("same config, different versions")
	}
	if version(5) == version(6) {
		t.Error("different configs, same version")
	}
}

func buildTestSourceConfig(service string, deadline float64) (*translate.Config, error) {
	return &translate.Config{
		Service:      service,
		Methods:      []translate.Method{{Selector: "api.Get", Backend: translate.Backend{Local: true, DeadlineSeconds: deadline}}},
		Routes:       []translate.Route{{Method: "GET", Pattern: "/items", Selector: "api.Get", Kind: "http"}},
		LocalBackend: translate.Backend{Address: "http://127.0.0.1:8082", Scheme: "http", Host: "127.0.0.1", Port: 8082},
	}, nil
}
