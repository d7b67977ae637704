package jwtauth

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"sort"
	"strings"

	jose "github.com/go-jose/go-jose/v4"
)

// publicKey is one verification key of a JWKS.
type publicKey struct {
	kid string
	// alg is the key's `alg`, empty when the key does not restrict it.
	alg string
	key crypto.PublicKey
}

// keySet is a parsed JWKS: only public keys usable for the accepted algorithms.
type keySet struct {
	keys []publicKey
}

// knownAlgorithm lists the `alg` values jwt_verify_lib parses. HS* are known (so they get
// "no key" rather than "invalid alg", as in ESPv2), but a keySet never holds a symmetric key,
// so an HMAC token can never verify: not with a shared secret, and not with the RSA public key
// used as an HMAC secret.
func knownAlgorithm(alg string) bool {
	switch alg {
	case "RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
		"ES256", "ES384", "ES512", "EdDSA", "HS256", "HS384", "HS512":
		return true
	}
	return false
}

// keyFits says whether key can verify alg: the key type and, for ECDSA, the curve must match.
func keyFits(alg string, key crypto.PublicKey) bool {
	switch k := key.(type) {
	case *rsa.PublicKey:
		return strings.HasPrefix(alg, "RS") || strings.HasPrefix(alg, "PS")
	case *ecdsa.PublicKey:
		switch alg {
		case "ES256":
			return k.Curve == elliptic.P256()
		case "ES384":
			return k.Curve == elliptic.P384()
		case "ES512":
			return k.Curve == elliptic.P521()
		}
	case ed25519.PublicKey:
		return alg == "EdDSA"
	}
	return false
}

// candidates are the keys that may have signed a token, by jwt_verify_lib's rules: a `kid` on
// both sides must be equal, a key's `alg` must equal the token's, and the key type must fit.
func (s *keySet) candidates(alg, kid string) []crypto.PublicKey {
	var out []crypto.PublicKey
	for _, k := range s.keys {
		if kid != "" && k.kid != "" && kid != k.kid {
			continue
		}
		if k.alg != "" && k.alg != alg {
			continue
		}
		if keyFits(alg, k.key) {
			out = append(out, k.key)
		}
	}
	return out
}

// hasKid says whether some key carries kid.
func (s *keySet) hasKid(kid string) bool {
	for _, k := range s.keys {
		if k.kid == kid {
			return true
		}
	}
	return false
}

// parseKeySet reads a JWK set (`{"keys":[...]}`) or Google's X.509 certificate map
// (`{"<kid>": "-----BEGIN CERTIFICATE-----..."}`, the `.../robot/v1/metadata/x509/...` format).
// Unusable keys (symmetric, encryption-only, unknown types) are skipped; a set without any
// usable key is an error. Errors carry jwt_verify_lib's JWKS texts.
func parseKeySet(data []byte) (*keySet, error) {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(data, &doc); err != nil || doc == nil {
		return nil, errors.New(jwksInvalidJSON)
	}
	rawKeys, ok := doc["keys"]
	if !ok {
		if set, ok := parseX509Map(doc); ok {
			return nonEmpty(set)
		}
		return nil, errors.New(jwksNoKeysField)
	}
	var list []json.RawMessage
	if err := json.Unmarshal(rawKeys, &list); err != nil {
		return nil, errors.New(jwksKeysNotArray)
	}
	set := &keySet{}
	for _, raw := range list {
		var jwk jose.JSONWebKey
		if err := jwk.UnmarshalJSON(raw); err != nil || jwk.Use == "enc" {
			continue
		}
		pub := publicPart(jwk.Key)
		if pub == nil {
			continue
		}
		set.keys = append(set.keys, publicKey{kid: jwk.KeyID, alg: jwk.Algorithm, key: pub})
	}
	return nonEmpty(set)
}

func nonEmpty(set *keySet) (*keySet, error) {
	if len(set.keys) == 0 {
		return nil, errors.New(jwksNoValidKey)
	}
	return set, nil
}

// publicPart keeps the public half of an asymmetric key and drops everything else (a JWKS that
// leaks private material still only yields public keys; symmetric keys are never used).
func publicPart(key any) crypto.PublicKey {
	switch k := key.(type) {
	case *rsa.PublicKey, *ecdsa.PublicKey, ed25519.PublicKey:
		return k
	case *rsa.PrivateKey:
		return &k.PublicKey
	case *ecdsa.PrivateKey:
		return &k.PublicKey
	case ed25519.PrivateKey:
		return k.Public()
	}
	return nil
}

// parseX509Map reads a kid -> PEM certificate map. It reports false when the document is not
// such a map (some value is not a string).
func parseX509Map(doc map[string]json.RawMessage) (*keySet, bool) {
	set := &keySet{}
	for kid, raw := range doc {
		var certPEM string
		if !jsonString(raw, &certPEM) {
			return nil, false
		}
		block, _ := pem.Decode([]byte(certPEM))
		if block == nil || block.Type != "CERTIFICATE" {
			continue
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			continue
		}
		if pub := publicPart(cert.PublicKey); pub != nil {
			set.keys = append(set.keys, publicKey{kid: kid, key: pub})
		}
	}
	sortKeys(set)
	return set, true
}

func sortKeys(set *keySet) {
	sort.Slice(set.keys, func(i, j int) bool { return set.keys[i].kid < set.keys[j].kid })
}
