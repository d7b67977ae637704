package jwtauth

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/espctl/espctl/golden"
)

func verified(t *testing.T, a *Authenticator, tok string) *Result {
	t.Helper()
	res, rej := a.Authenticate(bearer(tok), method(testConfig(""), "api.Get"))
	if rej != nil {
		t.Fatal(rej)
	}
	return res
}

func TestUserInfoV2IsThePayloadSegmentAsReceived(t *testing.T) {
	a, _ := newTestAuthenticator(t, nil, Options{})
	// Odd spacing and key order must reach the backend untouched.
	payload := `{ "sub":"user-42",  "iss":"` + testIssuer + `", "aud":["https://` + testService + `"], "exp":` + "1900000000" + `}`
	tok := signToken(t, header("RS256", testKid), payload, "RS256", rsaKey)
	h := http.Header{}
	a.SetBackendHeaders(h, verified(t, a, tok))
	got := h.Get("X-Endpoint-API-UserInfo")
	if got != strings.Split(tok, ".")[1] {
		t.Fatalf("header %q, want the payload segment", got)
	}
	if dec, _ := base64.RawURLEncoding.DecodeString(got); string(dec) != payload {
		t.Fatalf("decodes to %q", dec)
	}

	padded, _ := newTestAuthenticator(t, nil, Options{PadForwardPayloadHeader: true})
	h = http.Header{}
	padded.SetBackendHeaders(h, verified(t, padded, tok))
	if v := h.Get("X-Endpoint-API-UserInfo"); len(v)%4 != 0 || strings.TrimRight(v, "=") != got {
		t.Fatalf("padded header %q", v)
	}
	if _, err := base64.URLEncoding.DecodeString(h.Get("X-Endpoint-API-UserInfo")); err != nil {
		t.Fatal(err)
	}
}

func TestUserInfoV1IsESPv1JSON(t *testing.T) {
	a, _ := newTestAuthenticator(t, nil, Options{UserInfoFormat: UserInfoV1})
	tok := goodToken(t, map[string]any{"aud": []string{"b", "https://" + testService, "b"}, "roles": []string{"reader"}})
	res := verified(t, a, tok)
	h := http.Header{}
	a.SetBackendHeaders(h, res)
	raw, err := base64.URLEncoding.DecodeString(h.Get("X-Endpoint-API-UserInfo")) // padded
	if err != nil {
		t.Fatal(err)
	}
	var info map[string]any
	if err := json.Unmarshal(raw, &info); err != nil {
		t.Fatal(err)
	}
	// claims is a string holding the claims JSON: the backend decodes it a second time.
	claimsText, ok := info["claims"].(string)
	if !ok || claimsText != string(res.Payload) {
		t.Fatalf("claims %#v", info["claims"])
	}
	info["claims"] = "(the claims JSON, checked above)"
	out, _ := json.MarshalIndent(info, "", "  ")
	golden.Assert(t, "testdata/userinfo_v1.golden", append(out, '\n'))

	// Empty fields are left out.
	noEmail := verified(t, a, goodToken(t, map[string]any{"email": nil, "sub": nil}))
	h = http.Header{}
	a.SetBackendHeaders(h, noEmail)
	raw, _ = base64.URLEncoding.DecodeString(h.Get("X-Endpoint-API-UserInfo"))
	if strings.Contains(string(raw), `"email"`) || strings.Contains(string(raw), `"id"`) {
		t.Fatalf("empty fields present: %s", raw)
	}
}

// TestSpoofedUserInfoIsRemovedOnEveryRequest: a client-sent header never reaches the backend,
// also on operations without a JWT requirement (ESPv2 passes it through there).
func TestSpoofedUserInfoIsRemovedOnEveryRequest(t *testing.T) {
	for _, prefix := range []string{"", "x-apigateway-"} {
		a, cfg := newTestAuthenticator(t, nil, Options{GeneratedHeaderPrefix: prefix})
		name := UserInfoHeader(prefix)
		r := bearer("not-even-a-token")
		r.Header.Add(name, "eyJzdWIiOiJhZG1pbiJ9")
		r.Header.Add(name, "second copy")
		r.Header.Add("X-Endpoint-API-UserInfo", "eyJzdWIiOiJhZG1pbiJ9")
		res, rej := a.Authenticate(r, method(cfg, "api.Public"))
		if rej != nil || res != nil {
			t.Fatal(res, rej)
		}
		a.SetBackendHeaders(r.Header, res)
		for _, n := range []string{name, "X-Endpoint-API-UserInfo"} {
			if v, ok := r.Header[http.CanonicalHeaderKey(n)]; ok {
				t.Errorf("prefix %q: spoofed %s still present: %q", prefix, n, v)
			}
		}
	}
	if UserInfoHeader("") != "X-Endpoint-API-UserInfo" || UserInfoHeader("x-apigateway-") != "x-apigateway-API-UserInfo" {
		t.Error("UserInfoHeader names")
	}
}
