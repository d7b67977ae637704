package proxy

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/espctl/espctl/apikey"
	"github.com/espctl/espctl/jwtauth"
)

// TestESPv1CompatibilityMode: with the compatibility options the backend gets ESPv1's UserInfo
// JSON and X-Endpoint-API-Project-ID, and the proxy's own errors use ESPv1's body.
func TestESPv1CompatibilityMode(t *testing.T) {
	signer := newTestSigner(t)
	probe := corpusConfig(t, "api_config_auth.yaml", "grpc://127.0.0.1:1")
	backend, seen := startRecordingBookstore(t, probe)
	cfg := corpusConfig(t, "api_config_auth.yaml", backend)
	for i := range cfg.Providers {
		cfg.Providers[i].JWKSURI = signer.jwks
	}
	// The corpus lets every method be called without a key; as in ESPv2 a key is then never
	// checked, so ListShelves is made to require one here to show the consumer headers.
	for i := range cfg.Methods {
		if cfg.Methods[i].Name == "ListShelves" {
			cfg.Methods[i].APIKey.AllowUnregisteredCalls = false
		}
	}
	const key = "espctl-test-key-v1-0123456789ab"
	store, err := apikey.NewStore([]*apikey.Entry{{ID: key[:8], Hash: apikey.HashKey(key), ProjectID: "my-project", ProjectNumber: "123456", APIs: []string{"*"}}})
	if err != nil {
		t.Fatal(err)
	}
	srv, _ := serve(t, cfg, Options{
		ErrorFormatV1:   true,
		JWT:             jwtauth.Options{UserInfoFormat: jwtauth.UserInfoV1},
		APIKeys:         apikey.New(store, apikey.Options{}),
		ConsumerHeaders: apikey.HeaderOptions{ESPv1ProjectID: true},
	})

	status, body, _ := call(t, srv.Client(), "GET", srv.URL+"/v1/shelves", "")
	if status != 401 || !strings.Contains(body, `"details": [`) || !strings.Contains(body, `"detail": "auth"`) {
		t.Errorf("missing JWT in v1 format: %d %s", status, body)
	}
	status, body, _ = call(t, srv.Client(), "GET", srv.URL+"/v1/nothing", "")
	if status != 404 || !strings.Contains(body, `"message": "Method does not exist."`) {
		t.Errorf("unknown path in v1 format: %d %s", status, body)
	}

	tok := signer.token(t, map[string]any{"iss": "SERVICE-ACCOUNT-ID", "sub": "user-1", "email": "u@example.com", "aud": "https://" + cfg.Service, "exp": time.Now().Add(time.Hour).Unix()})
	status, body, _ = call(t, srv.Client(), "GET", srv.URL+"/v1/shelves?key="+key, "", "Authorization", "Bearer "+tok)
	if status != 200 {
		t.Fatalf("valid token and key: %d %s", status, body)
	}
	md := seen.get("/endpoints.examples.bookstore.Bookstore/ListShelves")
	if got := md.Get("x-endpoint-api-project-id"); len(got) != 1 || got[0] != "my-project" {
		t.Errorf("X-Endpoint-API-Project-ID = %q, want my-project", got)
	}
	info := md.Get("x-endpoint-api-userinfo")
	if len(info) != 1 {
		t.Fatalf("no UserInfo header: %v", md)
	}
	raw, err := base64.URLEncoding.DecodeString(info[0])
	if err != nil {
		t.Fatalf("v1 UserInfo is padded base64url: %v", err)
	}
	var v1 struct {
		ID     string `json:"id"`
		Issuer string `json:"issuer"`
		Email  string `json:"email"`
		Claims string `json:"claims"`
	}
	if err := json.Unmarshal(raw, &v1); err != nil || v1.ID != "user-1" || v1.Issuer != "SERVICE-ACCOUNT-ID" || v1.Email != "u@example.com" || !strings.Contains(v1.Claims, `"sub":"user-1"`) {
		t.Errorf("v1 UserInfo = %s (%v)", raw, err)
	}
}
