package jwtauth

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"math"
	"strings"
)

// DefaultMaxTokenBytes bounds the size of one token. Real ID and access tokens are 1-2 KiB;
// anything beyond 16 KiB is refused before it is decoded so a client cannot make the proxy
// decode and hash megabytes per request.
const DefaultMaxTokenBytes = 16 << 10

// maxJSONDepth bounds nesting in header and claims so a hostile token cannot recurse deeply.
const maxJSONDepth = 64

// token is a compact JWS split and decoded, before any key is involved.
type token struct {
	raw string
	alg string
	kid string
	// payloadSegment is the second part exactly as received (sent to the backend by ESPv2).
	payloadSegment string
	// payload is the decoded claims JSON, byte for byte.
	payload []byte
	claims  map[string]json.RawMessage

	iss, sub, email string
	aud             []string
	exp, nbf        int64
	hasExp, hasNbf  bool
}

// parseToken checks a token's shape in jwt_verify_lib's order (parts, header, alg, kid,
// payload, claim types, signature encoding) so each problem gets ESPv2's message. Nothing here
// trusts the token: the signature is checked later, against a key.
func parseToken(s string, maxBytes int) (*token, *failure) {
	if len(s) > maxBytes {
		return nil, errBadFormat
	}
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return nil, errBadFormat
	}
	t := &token{raw: s, payloadSegment: parts[1]}

	headerJSON, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		return nil, errHeaderBad
	}
	header, err := decodeObject(headerJSON)
	if err != nil {
		return nil, errHeaderBad
	}
	alg, ok := header["alg"]
	if !ok || !jsonString(alg, &t.alg) {
		return nil, errAlgNotString
	}
	if !knownAlgorithm(t.alg) {
		return nil, errAlgInvalid
	}
	if kid, ok := header["kid"]; ok && !jsonString(kid, &t.kid) {
		return nil, errKidNotString
	}

	t.payload, err = base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil, errPayloadBad
	}
	t.claims, err = decodeObject(t.payload)
	if err != nil {
		return nil, errPayloadBad
	}
	if f := t.readClaims(); f != nil {
		return nil, f
	}

	if _, err := base64.RawURLEncoding.DecodeString(parts[2]); err != nil {
		return nil, errSignatureBase64
	}
	return t, nil
}

// readClaims reads the registered claims ESPv2 uses, rejecting wrong JSON types.
func (t *token) readClaims() *failure {
	stringClaims := []struct {
		name string
		dst  *string
		err  *failure
	}{
		{"iss", &t.iss, errIssNotString},
		{"sub", &t.sub, errSubNotString},
		{"jti", new(string), errJtiNotString},
	}
	for _, c := range stringClaims {
		if v, ok := t.claims[c.name]; ok && !jsonString(v, c.dst) {
			return c.err
		}
	}
	if v, ok := t.claims["email"]; ok {
		jsonString(v, &t.email) // informational only (ESPv1 user info); any type is fine
	}
	if v, ok := t.claims["aud"]; ok {
		aud, ok := audiences(v)
		if !ok {
			return errAudNotString
		}
		t.aud = aud
	}
	timeClaims := []struct {
		name string
		dst  *int64
		has  *bool
		err  *failure
	}{
		{"exp", &t.exp, &t.hasExp, errExpNotInt},
		{"nbf", &t.nbf, &t.hasNbf, errNbfNotInt},
		{"iat", new(int64), new(bool), errIatNotInt},
	}
	for _, c := range timeClaims {
		if v, ok := t.claims[c.name]; ok {
			n, ok := jsonSeconds(v)
			if !ok {
				return c.err
			}
			*c.dst, *c.has = n, true
		}
	}
	return nil
}

// audiences reads `aud` as a string or a list of strings.
func audiences(v json.RawMessage) ([]string, bool) {
	var one string
	if jsonString(v, &one) {
		return []string{one}, true
	}
	var list []string
	if err := json.Unmarshal(v, &list); err != nil || bytes.Equal(bytes.TrimSpace(v), []byte("null")) {
		return nil, false
	}
	return list, true
}

func jsonString(v json.RawMessage, dst *string) bool {
	v = bytes.TrimSpace(v)
	if len(v) == 0 || v[0] != '"' {
		return false
	}
	return json.Unmarshal(v, dst) == nil
}

// jsonSeconds reads a NumericDate. Like jwt_verify_lib, a fraction is dropped and a negative
// or out-of-range value is refused.
func jsonSeconds(v json.RawMessage) (int64, bool) {
	var f float64
	v = bytes.TrimSpace(v)
	if len(v) == 0 || (v[0] != '-' && (v[0] < '0' || v[0] > '9')) {
		return 0, false
	}
	if err := json.Unmarshal(v, &f); err != nil || f < 0 || f >= math.MaxInt64 || math.IsNaN(f) {
		return 0, false
	}
	return int64(f), true
}

var errDuplicateKey = errors.New("duplicate key")

// decodeObject decodes a JSON object, refusing duplicate keys at any depth. Parsers disagree on
// which duplicate wins, so a token with `"sub":"alice","sub":"admin"` could be checked as one
// user here and read as another by the backend; refusing it removes the ambiguity.
func decodeObject(data []byte) (map[string]json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := walkJSON(dec, 0); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("trailing data")
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(data, &obj); err != nil {
		return nil, err
	}
	if obj == nil {
		return nil, errors.New("not an object")
	}
	return obj, nil
}

// walkJSON reads one value from dec, checking objects for duplicate keys.
func walkJSON(dec *json.Decoder, depth int) error {
	if depth > maxJSONDepth {
		return errors.New("too deeply nested")
	}
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	delim, ok := tok.(json.Delim)
	if !ok {
		return nil
	}
	switch delim {
	case '{':
		seen := map[string]bool{}
		for dec.More() {
			key, err := dec.Token()
			if err != nil {
				return err
			}
			k, _ := key.(string)
			if seen[k] {
				return errDuplicateKey
			}
			seen[k] = true
			if err := walkJSON(dec, depth+1); err != nil {
				return err
			}
		}
	case '[':
		for dec.More() {
			if err := walkJSON(dec, depth+1); err != nil {
				return err
			}
		}
	}
	_, err = dec.Token() // the closing delimiter
	return err
}
