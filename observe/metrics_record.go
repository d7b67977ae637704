package observe

import (
	"net/http"
	"time"
)

// RequestRecord is one finished request, as the proxy saw it.
type RequestRecord struct {
	// Selector is the operation the request was routed to; empty for requests that matched no
	// operation (they are counted under UnknownMethod). For the health route pass its
	// Route.Operation. Never the raw path: the label set must stay bounded.
	Selector string
	// HTTPCode is the status sent to the client.
	HTTPCode int
	// GRPCCode is the grpc-status sent to the client ("0", "14"), empty when the call is not
	// gRPC. It is labeled by name (OK, UNAVAILABLE).
	GRPCCode string
	// Total is the whole request, arrival to last byte of the response.
	Total time.Duration
	// Backend is the time spent on the backend call; zero when the proxy answered by itself.
	Backend time.Duration
	// Overhead is the proxy's own time; when zero it is taken as Total - Backend.
	Overhead time.Duration
	// RequestBytes and ResponseBytes are body sizes; negative means unknown (not observed).
	RequestBytes, ResponseBytes int64
}

// Request records one finished request. After the first request of a method it allocates
// nothing (BenchmarkRequest).
func (m *Metrics) Request(rec RequestRecord) {
	if m == nil {
		return
	}
	s := m.seriesFor(rec.Selector)
	code := rec.HTTPCode
	if code < 100 || code > 599 {
		code = 0
	}
	m.counter(s, codeKey{http: code, grpc: grpcCodeLabel(rec.GRPCCode)}).Inc()
	s.count.Add(1)
	switch {
	case code >= 500:
		s.serverErrors.Add(1)
	case code >= 400:
		s.clientErrors.Add(1)
	}
	s.total.Observe(rec.Total.Seconds())
	if rec.Backend > 0 {
		s.backend.Observe(rec.Backend.Seconds())
	}
	overhead := rec.Overhead
	if overhead == 0 {
		overhead = max(rec.Total-rec.Backend, 0)
	}
	s.overhead.Observe(overhead.Seconds())
	if rec.RequestBytes >= 0 {
		s.requestSize.Observe(float64(rec.RequestBytes))
	}
	if rec.ResponseBytes >= 0 {
		s.responseSize.Observe(float64(rec.ResponseBytes))
	}
}

// AuthFailure counts a request rejected by JWT authentication. reason is a short fixed word
// from the proxy's code ("missing", "expired", "bad_signature", "audience", "jwks_fetch"),
// never text from the request.
func (m *Metrics) AuthFailure(reason string) {
	if m == nil {
		return
	}
	m.authFailures.WithLabelValues(m.reasons.value(reasonLabel(reason))).Inc()
}

// APIKeyRejected counts a request rejected by the API key check ("missing", "invalid",
// "restricted", "service_not_enabled").
func (m *Metrics) APIKeyRejected(reason string) {
	if m == nil {
		return
	}
	m.apiKeyRejections.WithLabelValues(m.reasons.value(reasonLabel(reason))).Inc()
}

// QuotaDenied counts a request denied by quota ("exhausted", "backend_unavailable").
func (m *Metrics) QuotaDenied(reason string) {
	if m == nil {
		return
	}
	m.quotaDenials.WithLabelValues(m.reasons.value(reasonLabel(reason))).Inc()
}

// Backend error kinds for BackendError. Anything else is counted as BackendOther.
const (
	BackendConnect = "connect" // dial failed or refused
	BackendTimeout = "timeout" // the deadline passed before the response headers
	BackendTLS     = "tls"     // TLS handshake or certificate failure
	BackendReset   = "reset"   // connection reset or closed mid-response
	BackendOther   = "other"
)

// BackendError counts a backend call that failed before a response (the proxy answered 502,
// 503 or 504 by itself).
func (m *Metrics) BackendError(kind string) {
	if m == nil {
		return
	}
	switch kind {
	case BackendConnect, BackendTimeout, BackendTLS, BackendReset:
	default:
		kind = BackendOther
	}
	m.backendErrors.WithLabelValues(kind).Inc()
}

// reasonLabel keeps reasons short and printable; an empty reason is "unspecified".
func reasonLabel(reason string) string {
	if reason == "" {
		return "unspecified"
	}
	if len(reason) > 64 {
		reason = reason[:64]
	}
	return validLabel(reason)
}

// GRPCStatus is the grpc-status a handler sent, read from its response header map after the
// response is written: a trailer (set with http.TrailerPrefix, or declared in "Trailer") or,
// for trailers-only responses, a header. Empty when the response is not gRPC.
func GRPCStatus(h http.Header) string {
	if v := h[http.TrailerPrefix+"Grpc-Status"]; len(v) > 0 {
		return v[0]
	}
	return h.Get("Grpc-Status")
}
