package jwtauth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// discoveryURL is where ESPv2 looks for a provider's jwks_uri when the config has none:
// `https://` is assumed when the issuer has no scheme, and one trailing `/` is dropped.
func discoveryURL(issuer string) string {
	if !strings.HasPrefix(issuer, "http") {
		issuer = "https://" + issuer
	}
	return strings.TrimSuffix(issuer, "/") + "/.well-known/openid-configuration"
}

// discoverJWKSURI runs OpenID Connect discovery for issuer.
func discoverJWKSURI(ctx context.Context, client *http.Client, issuer string) (string, error) {
	body, _, err := httpGet(ctx, client, discoveryURL(issuer))
	if err != nil {
		return "", fmt.Errorf("failed OpenID Connect Discovery protocol: %w", err)
	}
	var doc struct {
		JWKSURI string `json:"jwks_uri"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return "", fmt.Errorf("failed OpenID Connect Discovery protocol: %w", err)
	}
	if doc.JWKSURI == "" {
		return "", errors.New("failed OpenID Connect Discovery protocol: no jwks_uri in the discovery document")
	}
	return doc.JWKSURI, nil
}
