package jwtauth

import (
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/espctl/espctl/golden"
)

// attack is a request that must be refused.
type attack struct {
	name    string
	request func(t *testing.T) *http.Request
}

// iapAttack sends the token in X-Goog-Iap-Jwt-Assertion, a location without a value prefix,
// where the whole header value is the token. Behind `Bearer ` the extractor stops at the first
// character that cannot be in a JWT (as Envoy's does), so encoding errors are sent here.
func iapAttack(name string, tok func(t *testing.T) string) attack {
	return attack{name: name, request: func(t *testing.T) *http.Request {
		r := httptest.NewRequest(http.MethodGet, "http://bookstore.example.com/v1/shelves", nil)
		r.Header.Set("X-Goog-Iap-Jwt-Assertion", tok(t))
		return r
	}}
}

func bearerAttack(name string, tok func(t *testing.T) string) attack {
	return attack{name: name, request: func(t *testing.T) *http.Request { return bearer(tok(t)) }}
}

// attacks is the attack matrix of issue 8: each case is refused with ESPv2's status and message.
var attacks = []attack{
	{name: "no token", request: func(t *testing.T) *http.Request {
		return httptest.NewRequest(http.MethodGet, "http://bookstore.example.com/v1/shelves", nil)
	}},
	{name: "Authorization without the Bearer prefix", request: func(t *testing.T) *http.Request {
		r := httptest.NewRequest(http.MethodGet, "http://bookstore.example.com/v1/shelves", nil)
		r.Header.Set("Authorization", goodToken(t, nil))
		return r
	}},
	bearerAttack("alg none, empty signature", func(t *testing.T) string {
		return signToken(t, `{"alg":"none","typ":"JWT"}`, claims(nil), "none", nil)
	}),
	bearerAttack("alg none, real signature appended", func(t *testing.T) string {
		good := goodToken(t, nil)
		return b64([]byte(`{"alg":"none"}`)) + good[strings.Index(good, "."):]
	}),
	bearerAttack("alg None (case)", func(t *testing.T) string {
		return signToken(t, `{"alg":"None"}`, claims(nil), "none", nil)
	}),
	bearerAttack("HS256 signed with the RSA public key (PEM)", func(t *testing.T) string {
		der, _ := x509.MarshalPKIXPublicKey(&rsaKey.PublicKey)
		secret := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
		return signToken(t, header("HS256", testKid), claims(nil), "HS256", secret)
	}),
	bearerAttack("HS256 signed with the RSA public key (DER), no kid", func(t *testing.T) string {
		der, _ := x509.MarshalPKIXPublicKey(&rsaKey.PublicKey)
		return signToken(t, header("HS256", ""), claims(nil), "HS256", der)
	}),
	bearerAttack("HS512 signed with the RSA modulus", func(t *testing.T) string {
		return signToken(t, header("HS512", testKid), claims(nil), "HS512", rsaKey.N.Bytes())
	}),
	bearerAttack("expired beyond the 60 s skew", func(t *testing.T) string {
		return goodToken(t, map[string]any{"exp": testNow.Add(-61 * time.Second).Unix()})
	}),
	bearerAttack("not yet valid beyond the 60 s skew", func(t *testing.T) string {
		return goodToken(t, map[string]any{"nbf": testNow.Add(61 * time.Second).Unix()})
	}),
	bearerAttack("wrong issuer", func(t *testing.T) string {
		return goodToken(t, map[string]any{"iss": "https://evil.example.com"})
	}),
	bearerAttack("issuer differing by a trailing slash", func(t *testing.T) string {
		return goodToken(t, map[string]any{"iss": testIssuer + "/"})
	}),
	bearerAttack("no issuer", func(t *testing.T) string {
		return goodToken(t, map[string]any{"iss": nil})
	}),
	bearerAttack("wrong audience", func(t *testing.T) string {
		return goodToken(t, map[string]any{"aud": "https://other.example.com"})
	}),
	bearerAttack("no audience", func(t *testing.T) string {
		return goodToken(t, map[string]any{"aud": nil})
	}),
	bearerAttack("empty audience list", func(t *testing.T) string {
		return goodToken(t, map[string]any{"aud": []string{}})
	}),
	bearerAttack("unknown kid", func(t *testing.T) string {
		return signToken(t, header("RS256", "no-such-key"), claims(nil), "RS256", rsaKey)
	}),
	bearerAttack("ES256 with the kid of a P-384 key", func(t *testing.T) string {
		return signToken(t, header("ES256", "ec-384"), claims(nil), "ES256", ecKey)
	}),
	bearerAttack("ES256 with an ASN.1 DER signature instead of r||s", func(t *testing.T) string {
		input := b64([]byte(header("ES256", "ec-1"))) + "." + b64([]byte(claims(nil)))
		digest := sha256.Sum256([]byte(input))
		der, err := ecdsa.SignASN1(rand.Reader, ecKey, digest[:])
		if err != nil {
			t.Fatal(err)
		}
		return input + "." + b64(der)
	}),
	bearerAttack("RS256 header with the kid of an EC key", func(t *testing.T) string {
		return signToken(t, header("RS256", "ec-1"), claims(nil), "RS256", rsaKey)
	}),
	bearerAttack("signed by another RSA key with the trusted kid", func(t *testing.T) string {
		return signToken(t, header("RS256", testKid), claims(nil), "RS256", rsaKey2)
	}),
	bearerAttack("payload changed after signing", func(t *testing.T) string {
		good := strings.Split(goodToken(t, nil), ".")
		return good[0] + "." + b64([]byte(claims(map[string]any{"sub": "admin"}))) + "." + good[2]
	}),
	bearerAttack("signature of another token", func(t *testing.T) string {
		a := strings.Split(goodToken(t, nil), ".")
		b := strings.Split(goodToken(t, map[string]any{"sub": "other"}), ".")
		return a[0] + "." + a[1] + "." + b[2]
	}),
	bearerAttack("PS256 header on an RS256 signature", func(t *testing.T) string {
		good := strings.Split(goodToken(t, nil), ".")
		return b64([]byte(header("PS256", testKid))) + "." + good[1] + "." + good[2]
	}),
	bearerAttack("empty signature", func(t *testing.T) string {
		good := goodToken(t, nil)
		return good[:strings.LastIndex(good, ".")+1]
	}),
	bearerAttack("truncated to two parts", func(t *testing.T) string {
		good := goodToken(t, nil)
		return good[:strings.LastIndex(good, ".")]
	}),
	bearerAttack("truncated in the signature", func(t *testing.T) string {
		good := goodToken(t, nil)
		return good[:len(good)-10]
	}),
	bearerAttack("four parts", func(t *testing.T) string { return goodToken(t, nil) + ".e30" }),
	bearerAttack("oversized (over 16 KiB)", func(t *testing.T) string {
		return goodToken(t, map[string]any{"pad": strings.Repeat("x", DefaultMaxTokenBytes)})
	}),
	iapAttack("header bad base64", func(t *testing.T) string {
		good := goodToken(t, nil)
		return "e$yJ" + good[strings.Index(good, "."):]
	}),
	iapAttack("header padded base64", func(t *testing.T) string {
		good := goodToken(t, nil)
		return b64([]byte(header("RS256", "k")+" ")) + "==" + good[strings.Index(good, "."):]
	}),
	bearerAttack("header not JSON", func(t *testing.T) string {
		return signToken(t, `not json`, claims(nil), "RS256", rsaKey)
	}),
	bearerAttack("header a JSON array", func(t *testing.T) string {
		return signToken(t, `["RS256"]`, claims(nil), "RS256", rsaKey)
	}),
	bearerAttack("header without alg", func(t *testing.T) string {
		return signToken(t, `{"kid":"rsa-1"}`, claims(nil), "RS256", rsaKey)
	}),
	bearerAttack("alg not a string", func(t *testing.T) string {
		return signToken(t, `{"alg":256}`, claims(nil), "RS256", rsaKey)
	}),
	bearerAttack("kid not a string", func(t *testing.T) string {
		return signToken(t, `{"alg":"RS256","kid":1}`, claims(nil), "RS256", rsaKey)
	}),
	bearerAttack("duplicate alg in header", func(t *testing.T) string {
		return signToken(t, `{"alg":"RS256","kid":"rsa-1","alg":"none"}`, claims(nil), "RS256", rsaKey)
	}),
	iapAttack("payload bad base64", func(t *testing.T) string {
		good := strings.Split(goodToken(t, nil), ".")
		return good[0] + ".e$30." + good[2]
	}),
	bearerAttack("payload not JSON", func(t *testing.T) string {
		return signToken(t, header("RS256", testKid), `{"iss":`, "RS256", rsaKey)
	}),
	bearerAttack("payload JSON with trailing data", func(t *testing.T) string {
		return signToken(t, header("RS256", testKid), claims(nil)+`{}`, "RS256", rsaKey)
	}),
	bearerAttack("duplicate sub claim", func(t *testing.T) string {
		p := strings.TrimSuffix(claims(nil), "}") + `,"sub":"admin"}`
		return signToken(t, header("RS256", testKid), p, "RS256", rsaKey)
	}),
	bearerAttack("duplicate iss claim", func(t *testing.T) string {
		p := `{"iss":"https://evil.example.com",` + strings.TrimPrefix(claims(nil), "{")
		return signToken(t, header("RS256", testKid), p, "RS256", rsaKey)
	}),
	bearerAttack("duplicate nested claim", func(t *testing.T) string {
		p := strings.TrimSuffix(claims(nil), "}") + `,"roles":{"admin":false,"admin":true}}`
		return signToken(t, header("RS256", testKid), p, "RS256", rsaKey)
	}),
	bearerAttack("iss not a string", func(t *testing.T) string {
		return goodToken(t, map[string]any{"iss": []string{testIssuer}})
	}),
	bearerAttack("aud a number", func(t *testing.T) string {
		return goodToken(t, map[string]any{"aud": 7})
	}),
	bearerAttack("exp a string", func(t *testing.T) string {
		return goodToken(t, map[string]any{"exp": "tomorrow"})
	}),
	bearerAttack("exp negative", func(t *testing.T) string {
		return goodToken(t, map[string]any{"exp": -1})
	}),
	iapAttack("signature bad base64", func(t *testing.T) string {
		good := goodToken(t, nil)
		return good[:len(good)-4] + "!" + good[len(good)-3:]
	}),
	bearerAttack("signature bad base64 behind Bearer: cut at the bad character", func(t *testing.T) string {
		good := goodToken(t, nil)
		return good[:len(good)-4] + "!" + good[len(good)-3:]
	}),
	{name: "good token in Authorization, bad one in access_token", request: func(t *testing.T) *http.Request {
		r := bearer(goodToken(t, nil))
		r.URL.RawQuery = "access_token=" + goodToken(t, map[string]any{"iss": "https://evil.example.com"})
		return r
	}},
	{name: "good token and an expired one in two Authorization headers", request: func(t *testing.T) *http.Request {
		r := bearer(goodToken(t, nil))
		r.Header.Add("Authorization", "Bearer "+goodToken(t, map[string]any{"exp": testNow.Add(-time.Hour).Unix()}))
		return r
	}},
}

func TestAttackMatrix(t *testing.T) {
	a, cfg := newTestAuthenticator(t, nil, Options{})
	m := method(cfg, "api.Get")
	var out strings.Builder
	for _, c := range attacks {
		res, rej := a.Authenticate(c.request(t), m)
		if rej == nil {
			t.Errorf("%s: accepted (%+v)", c.name, res)
			continue
		}
		v1Status, v1Code, v1Message := rej.ESPv1Reply()
		fmt.Fprintf(&out, "%s\n  %d %s (%s)\n  WWW-Authenticate: %s\n  ESPv1: %d code %d %s\n",
			c.name, rej.Status, rej.Message, rej.Reason, rej.WWWAuthenticate, v1Status, v1Code, v1Message)
	}
	golden.AssertString(t, "testdata/attacks.golden", out.String())
}
