package cors

import (
	"net/http"
	"strings"
)

// Request and response header names of the CORS protocol.
const (
	hdrOrigin            = "Origin"
	hdrRequestMethod     = "Access-Control-Request-Method"
	hdrRequestHeaders    = "Access-Control-Request-Headers"
	hdrAllowOrigin       = "Access-Control-Allow-Origin"
	hdrAllowMethods      = "Access-Control-Allow-Methods"
	hdrAllowHeaders      = "Access-Control-Allow-Headers"
	hdrAllowCredentials  = "Access-Control-Allow-Credentials"
	hdrExposeHeaders     = "Access-Control-Expose-Headers"
	hdrMaxAge            = "Access-Control-Max-Age"
	allowCredentialsTrue = "true"
	wildcard             = "*"
)

// ReplyFunc writes a reply the proxy makes itself (ESPv2's local-reply format, or gRPC form for
// gRPC clients). The proxy passes its own; nil means WriteJSONReply.
type ReplyFunc func(w http.ResponseWriter, r *http.Request, status int, message string)

// Preflight answers an allowed CORS preflight as Envoy's CORS filter does and reports whether it
// did. A preflight is an OPTIONS request with a non-empty Origin that the policy allows and a
// non-empty Access-Control-Request-Method. The answer is 200 with an empty body and the
// Allow-Origin (the request's Origin echoed, never a literal "*"), Allow-Credentials,
// Allow-Methods, Allow-Headers, Max-Age and Expose-Headers headers, on any path: the request
// never reaches auth, routing or the backend.
//
// Call it where ESPv2's filter chain runs the CORS filter: after the header-name check and
// X-HTTP-Method-Override, before --healthz, JWT, API keys and routing. Anything else is left
// alone (false): an OPTIONS request that is not an allowed preflight goes on to routing, where
// an API or allow_cors route may take it, and RejectUnrouted answers it otherwise.
func (p *Policy) Preflight(w http.ResponseWriter, r *http.Request) bool {
	if p == nil || r.Method != http.MethodOptions {
		return false
	}
	origin := originOf(r)
	if origin == "" || !p.allows(origin) {
		return false
	}
	requestMethod := r.Header.Get(hdrRequestMethod)
	if requestMethod == "" {
		return false
	}
	h := w.Header()
	h.Set(hdrAllowOrigin, origin)
	if p.credentials {
		h.Set(hdrAllowCredentials, allowCredentialsTrue)
	}
	switch p.allowMethods {
	case "":
	case wildcard:
		h.Set(hdrAllowMethods, requestMethod)
	default:
		h.Set(hdrAllowMethods, p.allowMethods)
	}
	switch p.allowHeaders {
	case "":
	case wildcard:
		h.Set(hdrAllowHeaders, r.Header.Get(hdrRequestHeaders))
	default:
		h.Set(hdrAllowHeaders, p.allowHeaders)
	}
	h.Set(hdrMaxAge, p.maxAge)
	// Envoy's filter also runs on its own reply's way out, which adds Expose-Headers.
	if p.exposeHeaders != "" {
		h.Set(hdrExposeHeaders, p.exposeHeaders)
	}
	w.WriteHeader(http.StatusOK)
	return true
}

// RejectUnrouted answers ESPv2's direct 400 (MsgInvalidPreflight) for an OPTIONS request that
// no route took, and reports whether it did. ESPv2 adds a catch-all `OPTIONS` route with that
// reply after the API, allow_cors and health routes and before the 405 and 404 routes, so call
// it when routing found no route, before answering 405 or 404: an OPTIONS request on a defined
// template without an OPTIONS binding is 400 here, not 405.
//
// The request reaching this point is either not a preflight (no Origin or no
// Access-Control-Request-Method) or has an origin the policy refuses, since Preflight answered
// the allowed ones. reply writes the body; nil means WriteJSONReply.
func (p *Policy) RejectUnrouted(w http.ResponseWriter, r *http.Request, reply ReplyFunc) bool {
	if p == nil || r.Method != http.MethodOptions {
		return false
	}
	if reply == nil {
		reply = WriteJSONReply
	}
	reply(w, r, http.StatusBadRequest, MsgInvalidPreflight)
	return true
}

// allows is Envoy's isOriginAllowed: a matcher that accepts the literal "*" accepts every
// origin. So basic with "*" allows all, and so does a regex such as `.*` that matches "*".
func (p *Policy) allows(origin string) bool {
	if p.originRegex != nil {
		return p.originRegex.MatchString(wildcard) || p.originRegex.MatchString(origin)
	}
	return p.allowOrigin == wildcard || p.allowOrigin == origin
}

// originOf is the Origin header as Envoy sees it: repeated lines are one value joined by ",",
// which matches no sane policy (so such a request gets no CORS treatment unless all are allowed).
func originOf(r *http.Request) string {
	v := r.Header.Values(hdrOrigin)
	switch len(v) {
	case 0:
		return ""
	case 1:
		return v[0]
	}
	return strings.Join(v, ",")
}
