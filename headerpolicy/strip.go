package headerpolicy

import (
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
)

// EnvoyControlHeaders are the x-envoy-* request headers that steer Envoy itself (retries,
// timeouts, tracing, stats). Envoy removes them from requests it does not classify as internal;
// with ESPv2's defaults that is practically every request (headers-and-errors.md 4.2), and
// espctl removes them from every request: nothing in espctl reads them, and a backend behind
// an Envoy of its own must not receive a client's.
var EnvoyControlHeaders = []string{
	"X-Envoy-Internal",
	"X-Envoy-Retry-On",
	"X-Envoy-Retry-Grpc-On",
	"X-Envoy-Max-Retries",
	"X-Envoy-Retriable-Status-Codes",
	"X-Envoy-Retriable-Header-Names",
	"X-Envoy-Upstream-Alt-Stat-Name",
	"X-Envoy-Upstream-Rq-Timeout-Ms",
	"X-Envoy-Upstream-Rq-Per-Try-Timeout-Ms",
	"X-Envoy-Upstream-Rq-Timeout-Alt-Response",
	"X-Envoy-Expected-Rq-Timeout-Ms",
	"X-Envoy-Force-Trace",
	"X-Envoy-Ip-Tags",
	"X-Envoy-Original-Url",
	"X-Envoy-Hedge-On-Per-Try-Timeout",
}

// HopByHopHeaders are the connection-level request headers Envoy removes. Upgrade (with a
// Connection: upgrade) survives on WebSocket upgrades, which ESPv2 always enables.
var HopByHopHeaders = []string{
	"Connection",
	"Keep-Alive",
	"Proxy-Connection",
	"Transfer-Encoding",
	"Upgrade",
}

// KeptHeaders are headers one might expect to be stripped that ESPv2 passes through; listed so
// the choice is visible and tested. The generated X-Endpoint-API-* headers are handled where
// they are generated (jwtauth, apikey), not here.
var KeptHeaders = []string{
	"X-Envoy-Original-Path", // only set when absent, never removed
	"X-Forwarded-For",       // passed on, and appended to only with --envoy_use_remote_address
	"X-Forwarded-Host",
	"X-Real-Ip", // ESPv1's NGINX set it; ESPv2 neither sets nor removes it
	"Forwarded",
}

// stripped is EnvoyControlHeaders and HopByHopHeaders as a set.
var stripped = func() map[string]bool {
	m := map[string]bool{}
	for _, k := range append(append([]string{}, EnvoyControlHeaders...), HopByHopHeaders...) {
		m[k] = true
	}
	return m
}()

// StripRequest removes from a client request what ESPv2 (Envoy) removes before any filter sees
// it: the Envoy control headers, the hop-by-hop headers, and a Referer that appears more than
// once or is not a valid URL reference. A WebSocket upgrade keeps `Upgrade` and gets
// `Connection: upgrade` (Envoy strips both and its router adds them back for the upstream, so
// the backend sees the same); any other upgrade is dropped.
func StripRequest(h http.Header) {
	websocket := isWebSocketUpgrade(h)
	for k := range h {
		// Keys from a server are canonical already (no allocation here); a hand-built map
		// may hold "x-envoy-internal" and is caught too.
		if stripped[textproto.CanonicalMIMEHeaderKey(k)] {
			delete(h, k)
		}
	}
	if websocket {
		h.Set("Connection", "upgrade")
		h.Set("Upgrade", "websocket")
	}
	if refs, ok := h["Referer"]; ok && (len(refs) != 1 || !validReferer(refs[0])) {
		delete(h, "Referer")
	}
}

// isWebSocketUpgrade is Envoy's upgrade test (a Connection token "upgrade" and an Upgrade
// header) narrowed to the one upgrade type ESPv2 configures.
func isWebSocketUpgrade(h http.Header) bool {
	if !strings.EqualFold(strings.TrimSpace(h.Get("Upgrade")), "websocket") {
		return false
	}
	for _, v := range h.Values("Connection") {
		for _, tok := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(tok), "upgrade") {
				return true
			}
		}
	}
	return false
}

// validReferer accepts what RFC 9110 allows in Referer: an absolute URI or a relative
// reference, without a fragment. Envoy's own check is close to this [inferred].
func validReferer(v string) bool {
	if v == "" || strings.ContainsAny(v, "# \t") {
		return false
	}
	u, err := url.Parse(v)
	if err != nil {
		return false
	}
	// "http:foo" or "https://" parse but name no host.
	if (u.Scheme == "http" || u.Scheme == "https") && u.Host == "" {
		return false
	}
	return true
}
