package cors

import (
	"bufio"
	"net"
	"net/http"
)

// Decorate adds the CORS headers Envoy's filter puts on every response to a request with an
// allowed Origin: Access-Control-Allow-Origin (the Origin echoed), Access-Control-Expose-Headers
// and, with credentials on, Access-Control-Allow-Credentials: true. They replace values the
// backend sent. Allow-Methods, Allow-Headers and Max-Age are preflight-only. Without an Origin,
// or with one the policy refuses, h is left alone and the request is served normally.
//
// This holds for every response, not only the backend's: ESPv2's own replies (401 from JWT,
// 503...) carry the headers too, because the CORS filter runs before the filters that produce
// them; so do, as far as the reference tells, its direct 404, 405 and CORS 400 replies, since
// ESPv2 puts the policy on the virtual host rather than on forwarding routes [inferred].
// Call it on the response headers just before they are written; Wrap does that for you.
func (p *Policy) Decorate(h http.Header, r *http.Request) {
	if p == nil {
		return
	}
	origin := originOf(r)
	if origin == "" || !p.allows(origin) {
		return
	}
	h.Set(hdrAllowOrigin, origin)
	if p.credentials {
		h.Set(hdrAllowCredentials, allowCredentialsTrue)
	}
	if p.exposeHeaders != "" {
		h.Set(hdrExposeHeaders, p.exposeHeaders)
	}
}

// Wrap returns a ResponseWriter that calls Decorate on the response headers when the final
// status is written (explicitly, by the first Write, or by a Flush), so every response of the
// request gets the CORS headers whoever writes it. With a nil policy it returns w itself.
// The wrapper unwraps for http.ResponseController and passes Flush and Hijack through.
//
// Wrap after the header-name (underscore) check: Envoy's codec rejects those requests before
// the CORS filter sees them, so that 400 carries no CORS headers.
func (p *Policy) Wrap(w http.ResponseWriter, r *http.Request) http.ResponseWriter {
	if p == nil {
		return w
	}
	return &decoratingWriter{ResponseWriter: w, policy: p, r: r}
}

type decoratingWriter struct {
	http.ResponseWriter
	policy    *Policy
	r         *http.Request
	decorated bool
}

// decorate runs once, before the final (non-1xx) header block goes out.
func (d *decoratingWriter) decorate() {
	if !d.decorated {
		d.decorated = true
		d.policy.Decorate(d.ResponseWriter.Header(), d.r)
	}
}

func (d *decoratingWriter) WriteHeader(status int) {
	// 1xx responses are interim; Envoy's filter only sees the final headers.
	if status >= 200 {
		d.decorate()
	}
	d.ResponseWriter.WriteHeader(status)
}

func (d *decoratingWriter) Write(b []byte) (int, error) {
	d.decorate()
	return d.ResponseWriter.Write(b)
}

func (d *decoratingWriter) Flush() {
	d.decorate()
	_ = http.NewResponseController(d.ResponseWriter).Flush()
}

func (d *decoratingWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return http.NewResponseController(d.ResponseWriter).Hijack()
}

func (d *decoratingWriter) Unwrap() http.ResponseWriter { return d.ResponseWriter }
