package jwtauth

import "net/http"

// Rejection is why a request was refused: the HTTP status and ESPv2's exact message
// (headers-and-errors.md 2.2). The proxy writes the body in its error format; it also sends
// WWWAuthenticate as the `WWW-Authenticate` response header.
type Rejection struct {
	Status  int
	Message string
	// WWWAuthenticate is `Bearer realm="<scheme>://<host><path>"`, with `, error="invalid_token"`
	// for every failure except a missing token, as Envoy's jwt_authn sends it.
	WWWAuthenticate string
}

func (r *Rejection) Error() string { return r.Message }

// failure is one verification failure before it is turned into a Rejection.
type failure struct {
	status  int
	message string
}

func (f *failure) Error() string { return f.message }

func unauthorized(msg string) *failure {
	return &failure{status: http.StatusUnauthorized, message: msg}
}

// The texts are jwt_verify_lib's (google/jwt_verify_lib src/status.cc), byte for byte.
var (
	errMissing         = unauthorized("Jwt is missing")
	errUnknownIssuer   = unauthorized("Jwt issuer is not configured")
	errAudience        = &failure{status: http.StatusForbidden, message: "Audiences in Jwt are not allowed"}
	errExpired         = unauthorized("Jwt is expired")
	errNotYetValid     = unauthorized("Jwt not yet valid")
	errBadFormat       = unauthorized("Jwt is not in the form of Header.Payload.Signature")
	errHeaderBad       = unauthorized("Jwt header is an invalid Base64url input or an invalid JSON")
	errAlgNotString    = unauthorized("Jwt header [alg] field is not a string")
	errAlgInvalid      = unauthorized("Jwt header [alg] field value is invalid")
	errKidNotString    = unauthorized("Jwt header [kid] field is not a string")
	errPayloadBad      = unauthorized("Jwt payload is an invalid Base64 or an invalid JSON")
	errSignatureBase64 = unauthorized("Jwt signature is an invalid Base64")
	errVerification    = unauthorized("Jwt verification fails")
	errJWKSFetch       = unauthorized("Jwks remote fetch is failed")
	errNoMatchingKey   = unauthorized("Jwks doesn't have key to match kid or alg from Jwt")

	// Claim type errors: jwt_verify_lib's texts for claims of the wrong JSON type.
	errIssNotString = unauthorized("Jwt payload [iss] field is not a string")
	errSubNotString = unauthorized("Jwt payload [sub] field is not a string")
	errAudNotString = unauthorized("Jwt payload [aud] field is not a string or string list")
	errExpNotInt    = unauthorized("Jwt payload [exp] field is not an integer")
	errNbfNotInt    = unauthorized("Jwt payload [nbf] field is not an integer")
	errIatNotInt    = unauthorized("Jwt payload [iat] field is not an integer")
	errJtiNotString = unauthorized("Jwt payload [jti] field is not a string")
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
