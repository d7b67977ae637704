package jwtauth

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	_ "github.com/espctl/espctl/golden" // every test binary accepts -update
	"github.com/espctl/espctl/translate"
)

// Test fixtures: keys are generated once per test binary (RSA generation is slow).
const (
	testService = "bookstore.endpoints.test-project.cloud.goog"
	testIssuer  = "https://issuer.example.com"
	testKid     = "rsa-1"
)

// testNow is the fixed time every test runs at.
var testNow = time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)

func fixedClock() time.Time { return testNow }

var (
	keysOnce sync.Once
	rsaKey   *rsa.PrivateKey
	rsaKey2  *rsa.PrivateKey
	ecKey    *ecdsa.PrivateKey
	ec384Key *ecdsa.PrivateKey
)

func testKeys(t testing.TB) {
	t.Helper()
	keysOnce.Do(func() {
		var err error
		if rsaKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
		if rsaKey2, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
		if ecKey, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
			panic(err)
		}
		if ec384Key, err = ecdsa.GenerateKey(elliptic.P384(), rand.Reader); err != nil {
			panic(err)
		}
	})
}

func b64(data []byte) string { return base64.RawURLEncoding.EncodeToString(data) }

// signToken builds a compact JWS from literal header and payload JSON (so tests can write
// duplicate keys or odd types) and signs it with key for alg. A nil key leaves the signature
// empty (alg none).
func signToken(t testing.TB, header, payload string, alg string, key any) string {
	t.Helper()
	input := b64([]byte(header)) + "." + b64([]byte(payload))
	return input + "." + b64(signature(t, input, alg, key))
}

func signature(t testing.TB, input, alg string, key any) []byte {
	t.Helper()
	hashOf := func(h crypto.Hash) []byte {
		w := h.New()
		w.Write([]byte(input))
		return w.Sum(nil)
	}
	var (
		sig []byte
		err error
	)
	switch k := key.(type) {
	case nil:
		return nil
	case []byte: // HMAC secret
		var mac = hmac.New(sha256.New, k)
		if alg == "HS512" {
			mac = hmac.New(sha512.New, k)
		}
		mac.Write([]byte(input))
		return mac.Sum(nil)
	case *rsa.PrivateKey:
		h := map[string]crypto.Hash{"RS256": crypto.SHA256, "RS384": crypto.SHA384, "RS512": crypto.SHA512,
			"PS256": crypto.SHA256, "PS384": crypto.SHA384, "PS512": crypto.SHA512}[alg]
		if alg[0] == 'P' {
			sig, err = rsa.SignPSS(rand.Reader, k, h, hashOf(h), nil)
		} else {
			sig, err = rsa.SignPKCS1v15(rand.Reader, k, h, hashOf(h))
		}
	case *ecdsa.PrivateKey:
		h := map[string]crypto.Hash{"ES256": crypto.SHA256, "ES384": crypto.SHA384, "ES512": crypto.SHA512}[alg]
		var r, s *big.Int
		r, s, err = ecdsa.Sign(rand.Reader, k, hashOf(h))
		size := (k.Curve.Params().BitSize + 7) / 8
		sig = make([]byte, 2*size)
		r.FillBytes(sig[:size])
		s.FillBytes(sig[size:])
	default:
		t.Fatalf("unsupported key %T", key)
	}
	if err != nil {
		t.Fatal(err)
	}
	return sig
}

// claims returns a valid payload for testIssuer and the default audience, with overrides.
func claims(overrides map[string]any) string {
	c := map[string]any{
		"iss":   testIssuer,
		"sub":   "user-42",
		"aud":   "https://" + testService,
		"email": "user42@example.com",
		"iat":   testNow.Add(-time.Minute).Unix(),
		"exp":   testNow.Add(time.Hour).Unix(),
	}
	for k, v := range overrides {
		if v == nil {
			delete(c, k)
			continue
		}
		c[k] = v
	}
	data, _ := json.Marshal(c)
	return string(data)
}

func header(alg, kid string) string {
	h := map[string]string{"alg": alg, "typ": "JWT"}
	if kid != "" {
		h["kid"] = kid
	}
	data, _ := json.Marshal(h)
	return string(data)
}

// goodToken is an RS256 token from testIssuer signed with rsaKey.
func goodToken(t testing.TB, overrides map[string]any) string {
	t.Helper()
	testKeys(t)
	return signToken(t, header("RS256", testKid), claims(overrides), "RS256", rsaKey)
}

// jwksJSON serialises public keys as a JWK set; kids[i] names keys[i].
func jwksJSON(t testing.TB, kids []string, keys ...crypto.PublicKey) []byte {
	t.Helper()
	set := jose.JSONWebKeySet{}
	for i, k := range keys {
		set.Keys = append(set.Keys, jose.JSONWebKey{Key: k, KeyID: kids[i], Use: "sig"})
	}
	data, err := json.Marshal(set)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// x509Map serialises a Google-style kid -> PEM certificate map for an RSA key.
func x509Map(t testing.TB, kid string, key *rsa.PrivateKey) []byte {
	t.Helper()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), NotBefore: testNow.Add(-time.Hour), NotAfter: testNow.Add(24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(map[string]string{kid: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))})
	return data
}

func writeFile(t testing.TB, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "jwks.json")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// defaultLocations are ESPv2's token locations (translate fills them in for real configs).
var defaultLocations = []translate.JWTLocation{
	{Header: "Authorization", ValuePrefix: "Bearer "},
	{Header: "X-Goog-Iap-Jwt-Assertion"},
	{Query: "access_token"},
}

// testConfig is a config with one provider (keys at jwksURI) required by method "Get", and a
// method "Public" without requirement.
func testConfig(jwksURI string) *translate.Config {
	return &translate.Config{
		Service: testService,
		Providers: []translate.AuthProvider{{
			ID: "test", Issuer: testIssuer, JWKSURI: jwksURI,
			Locations: defaultLocations, DefaultLocations: true,
		}},
		Methods: []translate.Method{
			{Selector: "api.Get", Auth: &translate.AuthRequirement{Providers: []translate.ProviderRequirement{{ProviderID: "test"}}}},
			{Selector: "api.Public"},
		},
	}
}

// newTestAuthenticator serves the RSA and EC keys from a local file.
func newTestAuthenticator(t testing.TB, mutate func(*translate.Config), opts Options) (*Authenticator, *translate.Config) {
	t.Helper()
	testKeys(t)
	cfg := testConfig(writeFile(t, jwksJSON(t, []string{testKid, "ec-1", "ec-384"}, &rsaKey.PublicKey, &ecKey.PublicKey, &ec384Key.PublicKey)))
	if mutate != nil {
		mutate(cfg)
	}
	if opts.Clock == nil {
		opts.Clock = fixedClock
	}
	a, err := New(cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	return a, cfg
}

func bearer(tok string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "http://bookstore.example.com/v1/shelves", nil)
	r.Header.Set("Authorization", "Bearer "+tok)
	return r
}

func method(cfg *translate.Config, selector string) *translate.Method {
	for i := range cfg.Methods {
		if cfg.Methods[i].Selector == selector {
			return &cfg.Methods[i]
		}
	}
	panic("no method " + selector)
}
