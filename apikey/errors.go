package apikey

import (
	"net/http"
	"strings"
)

// Rejection is why a request was refused: the HTTP status and ESPv2's exact message
// (headers-and-errors.md 2.3: `<CANONICAL_CODE>: <text>`). The proxy writes the body in its
// error format.
type Rejection struct {
	Status  int
	Message string
}

func (r *Rejection) Error() string { return r.Message }

// The texts are ESPv2's Service Control filter's, byte for byte; a revoked key answers like a
// deleted Google API key (API_KEY_INVALID).
var (
	rejectMissing = &Rejection{http.StatusUnauthorized, "UNAUTHENTICATED: Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API."}
	rejectInvalid = &Rejection{http.StatusBadRequest, "INVALID_ARGUMENT: API key not valid. Please pass a valid API key."}
	rejectExpired = &Rejection{http.StatusBadRequest, "INVALID_ARGUMENT: API key expired. Please renew the API key."}
	// API_TARGET_BLOCKED really has two spaces after the colon in ESPv2.
	rejectAPITarget = &Rejection{http.StatusForbidden, "PERMISSION_DENIED:  The API targeted by this request is invalid for the given API key."}
	rejectIP        = &Rejection{http.StatusForbidden, "PERMISSION_DENIED: IP address blocked."}
	rejectReferrer  = &Rejection{http.StatusForbidden, "PERMISSION_DENIED: Referer blocked."}
)

// ESPv1Reply is how ESPv1 answered the same failure (headers-and-errors.md 2.6), for
// `--error_format=v1`: the HTTP status, the google.rpc code and the message, which is ESPv2's
// without the `CODE_NAME: ` prefix (the reference lists the missing and invalid key texts;
// the others follow the same rule). The DebugInfo detail is `service_control`.
func (r *Rejection) ESPv1Reply() (status, rpcCode int, message string) {
	code, text, _ := strings.Cut(r.Message, ": ")
	return r.Status, rpcCodes[code], strings.TrimLeft(text, " ")
}

// rpcCodes are the google.rpc canonical codes of the code names used here.
var rpcCodes = map[string]int{"INVALID_ARGUMENT": 3, "PERMISSION_DENIED": 7, "UNAUTHENTICATED": 16}
