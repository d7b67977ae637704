package headerpolicy

import "net/http"

// HSTSValue is the Strict-Transport-Security value ESPv2 sends with
// --enable_strict_transport_security, without the trailing ';' of ESPv1 (and of the ESPv2
// launcher's help text) (headers-and-errors.md 5).
const HSTSValue = "max-age=31536000; includeSubdomains"

// HSTSValueV1 is ESPv1's value, for comparison and for docs.
const HSTSValueV1 = "max-age=31536000; includeSubdomains;"

// SetHSTS sets Strict-Transport-Security on a response when enabled. ESPv2 adds it on routes
// that forward to a backend (API routes, allow_cors OPTIONS routes, the health route), replacing
// a value the backend sent [inferred: a route-level header that overwrites], and not on its
// direct 404, 405 and CORS-preset replies; so call it for responses that went to a backend, not
// for local replies.
func SetHSTS(h http.Header, enabled bool) {
	if enabled {
		h.Set("Strict-Transport-Security", HSTSValue)
	}
}
