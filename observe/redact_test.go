package observe

import (
	"strings"
	"testing"
)

func TestRedactURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://keys.example.com/certs?key=AIza&alt=json": "https://keys.example.com/certs?alt=REDACTED&key=REDACTED",
		"grpc://admin:hunter2@127.0.0.1:8082":              "grpc://REDACTED@127.0.0.1:8082",
		"http://ghp_token@host:80/p":                       "http://REDACTED@host:80/p",
		"https://h/cb#access_token=x":                      "https://h/cb#REDACTED",
		"https://servicecontrol.googleapis.com":            "https://servicecontrol.googleapis.com",
		"/v1/shelves":                                      "/v1/shelves",
		"not a url":                                        "not a url",
		"http://bad host/%zz?token=x":                      "http://bad host/%zz?REDACTED",
	} {
		if got := RedactURL(in); got != want {
			t.Errorf("RedactURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestIsSecretName(t *testing.T) {
	for name, want := range map[string]bool{
		"service_account_key": true, "client_secret": true, "access_token": true, "password": true,
		"key": true, "x-api-key": true, "apikey": true, "private_key_id": true,
		"api_key": true, "jwks_uri": false, "jwt_audience": false, "selector": false, "keys": false,
	} {
		if got := IsSecretName(name); got != want {
			t.Errorf("IsSecretName(%q) = %v, want %v", name, got, want)
		}
	}
}

func FuzzRedactURL(f *testing.F) {
	for _, s := range []string{"https://u:p@h/x?key=1", "grpc://h:1", "http://%zz?a", "://?"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, _, _ := strings.Cut(RedactURL(s), "#")
		// Whatever went in, no query value of a parsable URL survives.
		if i := strings.Index(out, "?"); i >= 0 && strings.Contains(s, "://") {
			for _, kv := range strings.Split(out[i+1:], "&") {
				if _, v, ok := strings.Cut(kv, "="); ok && v != Redacted {
					t.Fatalf("RedactURL(%q) = %q keeps a query value", s, out)
				}
			}
		}
	})
}
