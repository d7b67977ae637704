package jwtauth

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"sort"
	"strings"
)

// UserInfoHeader is the header the backend reads the verified claims from:
// `<prefix>API-UserInfo` (`X-Endpoint-API-UserInfo` by default).
func UserInfoHeader(prefix string) string {
	if prefix == "" {
		prefix = "X-Endpoint-"
	}
	return prefix + "API-UserInfo"
}

// SetBackendHeaders prepares the headers of the request sent to the backend. It removes every
// incoming copy of the user-info header, on every request, so a client can never hand the
// backend claims of its own (stricter than ESPv2, which only does this on operations with a
// JWT requirement); then, when res is a verified token, it sets the header in the configured
// format. Call it for every proxied request, with res nil when no token was verified.
//
// With a custom prefix the default-named `X-Endpoint-API-UserInfo` is removed too: a backend
// that still reads the ESPv1 name must not find a client's copy there either.
func (a *Authenticator) SetBackendHeaders(h http.Header, res *Result) {
	name := a.userInfoHeaders[0]
	delete(h, name)
	delete(h, a.userInfoHeaders[1])
	if res == nil {
		return
	}
	if a.opts.UserInfoFormat == UserInfoV1 {
		h[name] = []string{userInfoV1(res)}
		return
	}
	h[name] = []string{userInfoV2(res, a.opts.PadForwardPayloadHeader)}
}

// userInfoV2 is ESPv2's value: the payload segment as received (base64url, unpadded), padded
// on request.
func userInfoV2(res *Result, pad bool) string {
	v := res.PayloadSegment
	if pad {
		if n := len(v) % 4; n != 0 {
			v += strings.Repeat("=", 4-n)
		}
	}
	return v
}

// userInfoV1 is ESPv1's value: padded base64url of a JSON object with issuer, id (sub), email,
// the distinct audiences sorted, and claims as a JSON string holding the whole claims JSON;
// empty fields are left out.
func userInfoV1(res *Result) string {
	info := struct {
		Issuer    string   `json:"issuer,omitempty"`
		ID        string   `json:"id,omitempty"`
		Email     string   `json:"email,omitempty"`
		Audiences []string `json:"audiences,omitempty"`
		Claims    string   `json:"claims,omitempty"`
	}{
		Issuer:    res.Issuer,
		ID:        res.Subject,
		Email:     res.Email,
		Audiences: distinctSorted(res.Audiences),
		Claims:    string(res.Payload),
	}
	data, _ := json.Marshal(info) // strings and a string list: cannot fail
	return base64.URLEncoding.EncodeToString(data)
}

func distinctSorted(in []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range in {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}
