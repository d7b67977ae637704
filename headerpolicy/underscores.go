package headerpolicy

import (
	"net/http"
	"strings"
)

// MsgUnderscores is the message of the 400 ESPv2 answers to an HTTP/1.x request with a header
// name containing '_': Envoy's codec rejects the request before any filter runs and replies
// with the status text, which ESPv2's local-reply format turns into
// `{"code":400,"message":"Bad Request"}` (the exact text is inferred in the reference,
// headers-and-errors.md 2.1). An HTTP/2 stream is reset instead; espctl answers both with this
// 400.
const MsgUnderscores = "Bad Request"

// UnderscoreError is the rejection of a request whose header name contains '_'.
type UnderscoreError struct {
	// Name is the offending header name (the first in sorted order, so the error is stable).
	Name string
}

func (e *UnderscoreError) Error() string {
	return "header name contains underscores: " + e.Name
}

// Status is the HTTP status of the reply.
func (e *UnderscoreError) Status() int { return http.StatusBadRequest }

// CheckUnderscores returns an *UnderscoreError when a header name in h contains '_' and allow
// (--underscores_in_headers) is false; the proxy then answers 400 MsgUnderscores and closes the
// connection, without CORS headers (the CORS filter never saw the request). ESPv1's NGINX
// silently dropped such headers instead (proxy-behavior.md 15).
func CheckUnderscores(h http.Header, allow bool) error {
	if allow {
		return nil
	}
	var bad string
	for k := range h {
		if strings.IndexByte(k, '_') >= 0 && (bad == "" || k < bad) {
			bad = k
		}
	}
	if bad == "" {
		return nil
	}
	return &UnderscoreError{Name: bad}
}
