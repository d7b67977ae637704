package jwtauth

import (
	"crypto/ecdsa"
	"crypto/rsa"
	"encoding/json"
	"testing"

	jose "github.com/go-jose/go-jose/v4"
)

func TestParseKeySetKeepsOnlyPublicSigningKeys(t *testing.T) {
	testKeys(t)
	marshal := func(k jose.JSONWebKey) json.RawMessage {
		data, err := json.Marshal(k)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	doc, _ := json.Marshal(map[string]any{"keys": []json.RawMessage{
		marshal(jose.JSONWebKey{Key: []byte("shared-secret"), KeyID: "hmac", Algorithm: "HS256"}),
		marshal(jose.JSONWebKey{Key: &rsaKey2.PublicKey, KeyID: "enc", Use: "enc"}),
		marshal(jose.JSONWebKey{Key: rsaKey, KeyID: "leaked-private", Algorithm: "RS256"}),
		marshal(jose.JSONWebKey{Key: &ecKey.PublicKey, KeyID: "ec"}),
		json.RawMessage(`{"kty":"RSA","kid":"broken","n":"!!","e":"AQAB"}`),
		json.RawMessage(`{"kty":"XYZ","kid":"unknown"}`),
	}})
	set, err := parseKeySet(doc)
	if err != nil {
		t.Fatal(err)
	}
	var kids []string
	for _, k := range set.keys {
		kids = append(kids, k.kid)
		switch k.key.(type) {
		case *rsa.PublicKey, *ecdsa.PublicKey:
		default:
			t.Errorf("kid %s: key of type %T", k.kid, k.key)
		}
	}
	if len(kids) != 2 || kids[0] != "leaked-private" || kids[1] != "ec" {
		t.Fatalf("kept %v, want [leaked-private ec]", kids)
	}
}

func TestCandidates(t *testing.T) {
	testKeys(t)
	set := &keySet{keys: []publicKey{
		{kid: "rs-only", alg: "RS256", key: &rsaKey.PublicKey},
		{kid: "any-rsa", key: &rsaKey2.PublicKey},
		{kid: "p256", key: &ecKey.PublicKey},
		{kid: "p384", key: &ec384Key.PublicKey},
		{kid: "", key: &rsaKey.PublicKey},
	}}
	cases := []struct {
		alg, kid string
		want     int
	}{
		{"RS256", "rs-only", 2}, // the kid-less key is a candidate for every kid
		{"PS256", "rs-only", 1}, // the key's alg forbids PS256
		{"RS256", "", 3},
		{"ES256", "", 1},
		{"ES384", "p256", 0},
		{"ES512", "", 0},
		{"HS256", "", 0},
		{"RS256", "p256", 1},
		{"EdDSA", "", 0},
	}
	for _, c := range cases {
		if got := len(set.candidates(c.alg, c.kid)); got != c.want {
			t.Errorf("candidates(%s, %q) = %d keys, want %d", c.alg, c.kid, got, c.want)
		}
	}
}

func TestParseKeySetErrors(t *testing.T) {
	cases := map[string]string{
		`nope`:                     jwksInvalidJSON,
		`[]`:                       jwksInvalidJSON,
		`{"foo":1}`:                jwksNoKeysField,
		`{"keys":"x"}`:             jwksKeysNotArray,
		`{"keys":[]}`:              jwksNoValidKey,
		`{"k1":"not a pem"}`:       jwksNoValidKey,
		`{"keys":[{"kty":"oct"}]}`: jwksNoValidKey,
	}
	for doc, want := range cases {
		if _, err := parseKeySet([]byte(doc)); err == nil || err.Error() != want {
			t.Errorf("%s: %v, want %q", doc, err, want)
		}
	}
}
