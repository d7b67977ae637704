package openapi

import "testing"

func TestIsOpenAPI(t *testing.T) {
	cases := []struct {
		name string
		data string
		want bool
	}{
		{"swagger yaml", "swagger: \"2.0\"\ninfo: {}\n", true},
		{"openapi yaml", "openapi: 3.0.3\n", true},
		{"swagger json", `{"swagger": "2.0", "paths": {}}`, true},
		{"openapi json", "{\n  \"openapi\": \"3.1.0\"\n}", true},
		{"broken swagger yaml", "swagger: \"2.0\"\ninfo: {title: x\n", true},
		{"service config", "type: google.api.Service\nconfig_version: 3\nname: x\n", false},
		{"service json", `{"name": "x", "apis": [{"name": "a"}]}`, false},
		{"nested swagger key", "x:\n  swagger: \"2.0\"\n", false},
		{"empty", "", false},
		{"kubernetes", "apiVersion: v1\nkind: Service\n", false},
	}
	for _, tc := range cases {
		if got := IsOpenAPI([]byte(tc.data)); got != tc.want {
			t.Errorf("%s: IsOpenAPI = %v, want %v", tc.name, got, tc.want)
		}
	}
}
