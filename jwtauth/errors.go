package jwtauth

import "net/http"

// Rejection is why a request was refused: the HTTP status and ESPv2's exact message
// (headers-and-errors.md 2.2). The proxy writes the body in its error format; it also sends
// WWWAuthenticate as the `WWW-Authenticate` response header.
type Rejection struct {
	Status  int
	Message string
	// Reason classifies the failure for logs, metrics and other error formats (ESPv1Reply).
	Reason Reason
	// WWWAuthenticate is `Bearer realm="<scheme>://<host><path>"`, with `, error="invalid_token"`
	// for every failure except a missing token, as Envoy's jwt_authn sends it.
	WWWAuthenticate string
}

func (r *Rejection) Error() string { return r.Message }

// Reason is a failure class.
type Reason string

// Failure classes.
const (
	ReasonMissing     Reason = "missing"       // no token in any location
	ReasonIssuer      Reason = "issuer"        // iss of no allowed provider
	ReasonAudience    Reason = "audience"      // aud not allowed (403)
	ReasonExpired     Reason = "expired"       // exp passed
	ReasonNotYetValid Reason = "not_yet_valid" // nbf in the future
	ReasonMalformed   Reason = "malformed"     // shape, encoding, JSON, claim types, size
	ReasonSignature   Reason = "signature"     // signature does not verify
	ReasonNoKey       Reason = "no_key"        // no key for the token's kid/alg
	ReasonKeyFetch    Reason = "key_fetch"     // keys could not be loaded
)

// failure is one verification failure before it is turned into a Rejection.
type failure struct {
	status  int
	message string
	reason  Reason
}

func (f *failure) Error() string { return f.message }

func unauthorized(reason Reason, msg string) *failure {
	return &failure{status: http.StatusUnauthorized, message: msg, reason: reason}
}

// The texts are jwt_verify_lib's (google/jwt_verify_lib src/status.cc), byte for byte, as
// headers-and-errors.md 2.2 lists them.
var (
	errMissing         = unauthorized(ReasonMissing, "Jwt is missing")
	errUnknownIssuer   = unauthorized(ReasonIssuer, "Jwt issuer is not configured")
	errAudience        = &failure{status: http.StatusForbidden, message: "Audiences in Jwt are not allowed", reason: ReasonAudience}
	errExpired         = unauthorized(ReasonExpired, "Jwt is expired")
	errNotYetValid     = unauthorized(ReasonNotYetValid, "Jwt not yet valid")
	errBadFormat       = unauthorized(ReasonMalformed, "Jwt is not in the form of Header.Payload.Signature")
	errHeaderBad       = unauthorized(ReasonMalformed, "Jwt header is an invalid Base64url input or an invalid JSON")
	errAlgNotString    = unauthorized(ReasonMalformed, "Jwt header [alg] field is not a string")
	errAlgInvalid      = unauthorized(ReasonMalformed, "Jwt header [alg] field value is invalid")
	errKidNotString    = unauthorized(ReasonMalformed, "Jwt header [kid] field is not a string")
	errPayloadBad      = unauthorized(ReasonMalformed, "Jwt payload is an invalid Base64 or an invalid JSON")
	errSignatureBase64 = unauthorized(ReasonMalformed, "Jwt signature is an invalid Base64")
	errVerification    = unauthorized(ReasonSignature, "Jwt verification fails")
	errJWKSFetch       = unauthorized(ReasonKeyFetch, "Jwks remote fetch is failed")
	errNoMatchingKey   = unauthorized(ReasonNoKey, "Jwks doesn't have key to match kid or alg from Jwt")

	// Claim type errors: jwt_verify_lib has one status per claim of the wrong JSON type; these
	// texts are not in the reference tables and are written from memory of status.cc
	// (unverified; docs/security.md says so).
	errIssNotString = unauthorized(ReasonMalformed, "Jwt payload [iss] field is not a string")
	errSubNotString = unauthorized(ReasonMalformed, "Jwt payload [sub] field is not a string")
	errAudNotString = unauthorized(ReasonMalformed, "Jwt payload [aud] field is not a string or string list")
	errExpNotInt    = unauthorized(ReasonMalformed, "Jwt payload [exp] field is not an integer")
	errNbfNotInt    = unauthorized(ReasonMalformed, "Jwt payload [nbf] field is not an integer")
	errIatNotInt    = unauthorized(ReasonMalformed, "Jwt payload [iat] field is not an integer")
	errJtiNotString = unauthorized(ReasonMalformed, "Jwt payload [jti] field is not a string")
)

// JWKS document errors, reported when a local key file is unusable (start-up fails with them).
// A remote JWKS with any of these problems answers requests with errJWKSFetch, as Envoy does.
const (
	jwksInvalidJSON  = "Jwks is an invalid JSON"
	jwksNoKeysField  = "Jwks does not have [keys] field"
	jwksKeysNotArray = "[keys] in Jwks is not an array"
	jwksNoValidKey   = "Jwks doesn't have any valid public key"
)

// pickFailure chooses the error reported when every alternative provider failed: the most
// informative one, as recent Envoy does (verifier.cc): any error other than "missing" or
// "issuer" first (in requirement order), then the issuer error, then "missing".
func pickFailure(fs []*failure) *failure {
	var issuer, missing *failure
	for _, f := range fs {
		switch f {
		case errMissing:
			missing = f
		case errUnknownIssuer:
			issuer = f
		default:
			return f
		}
	}
	if issuer != nil {
		return issuer
	}
	if missing != nil {
		return missing
	}
	return errMissing
}

// ESPv1Reply is how ESPv1 answered the same failure (headers-and-errors.md 2.6), for
// `--error_format=v1`: the HTTP status, the google.rpc code and the message. ESPv1 had fewer
// distinctions than ESPv2: failures its table does not list (expired, bad signature, ...)
// get its generic "Missing or invalid credentials" text, and malformed tokens its `Bad JWT
// format` prefix without ESPv1's own detail.
func (r *Rejection) ESPv1Reply() (status, rpcCode int, message string) {
	const unauthenticated, permissionDenied = 16, 7
	switch r.Reason {
	case ReasonIssuer:
		return http.StatusUnauthorized, unauthenticated, "JWT validation failed: Issuer not allowed"
	case ReasonAudience:
		return http.StatusForbidden, permissionDenied, "JWT validation failed: Audience not allowed"
	case ReasonKeyFetch:
		return http.StatusUnauthorized, unauthenticated, "JWT validation failed: Unable to fetch verification key"
	case ReasonMalformed:
		return http.StatusUnauthorized, unauthenticated, "JWT validation failed: Bad JWT format"
	}
	return http.StatusUnauthorized, unauthenticated, "JWT validation failed: Missing or invalid credentials"
}
