package observe

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"go.opentelemetry.io/otel/trace"
)

// Observer bundles the proxy's Metrics and Tracing, so that the proxy wires observability with
// one call per step of a request (Begin, Route, BackendStart, BackendDone, Finish). A nil
// *Observer, or one with nil fields, does nothing for what is missing.
type Observer struct {
	Metrics *Metrics
	Tracing *Tracing
}

// Exchange is one request's observation, kept by value in the proxy's own per-request struct.
type Exchange struct {
	o            *Observer
	start        time.Time
	ctx          context.Context
	span         trace.Span
	body         *BodyCounter
	selector     string
	backendStart time.Time
	backendTime  time.Duration
	backendSpan  trace.Span
}

// Begin starts observing a request: the clock, the request span (from the incoming trace
// context) and the request body counter. It returns the request to use from here on: r with
// the span's context when tracing is on, r itself otherwise.
func (o *Observer) Begin(r *http.Request) (*http.Request, Exchange) {
	x := Exchange{o: o, start: time.Now(), ctx: r.Context(), span: noopSpan, backendSpan: noopSpan}
	if o == nil {
		return r, x
	}
	if o.Metrics != nil {
		x.body = CountBody(r)
	}
	if o.Tracing != nil {
		x.ctx, x.span = o.Tracing.StartRequest(r.Context(), r, "")
		r = r.WithContext(x.ctx)
	}
	return r, x
}

// Context is the request's context with its span: pass it to JWKS fetches and quota calls
// (StartJWKSFetch, StartQuotaCall).
func (x *Exchange) Context() context.Context {
	if x.ctx == nil {
		return context.Background()
	}
	return x.ctx
}

// Route records the operation the request was routed to (empty: none matched).
func (x *Exchange) Route(selector string) {
	x.selector = selector
	SetRequestMethod(x.span, selector)
}

// BackendStart starts the backend call: its clock and span, and writes the outgoing trace
// context into the backend request's header. backend names it (`grpc://127.0.0.1:8081`).
func (x *Exchange) BackendStart(header http.Header, backend string) {
	x.backendStart = time.Now()
	if x.o == nil || x.o.Tracing == nil {
		return
	}
	var bctx context.Context
	bctx, x.backendSpan = x.o.Tracing.StartBackend(x.Context(), backend)
	x.o.Tracing.InjectOutgoing(bctx, header)
}

// BackendDone ends the backend call: after the response body was copied, or with the error
// of a round trip that failed (deadlineHit: the proxy's deadline passed). A failure counts in
// espctl_backend_errors_total.
func (x *Exchange) BackendDone(status int, err error, deadlineHit bool) {
	if !x.backendStart.IsZero() {
		x.backendTime += time.Since(x.backendStart)
		x.backendStart = time.Time{}
	}
	if x.o == nil {
		return
	}
	if err != nil || deadlineHit {
		x.o.Metrics.BackendError(BackendErrorKind(err, deadlineHit))
	}
	EndBackend(x.backendSpan, status, err)
	x.backendSpan = noopSpan
}

// Finish records the request: the metrics, and the end of the request span. header is the
// response header map after the handler wrote it (the gRPC status is read from it), bytes the
// response body size. A status of 0 (nothing written) is net/http's implicit 200.
func (x *Exchange) Finish(status int, header http.Header, bytes int64) {
	if x.o == nil {
		return
	}
	if status == 0 {
		status = http.StatusOK
	}
	grpcCode := GRPCStatus(header)
	if x.o.Metrics != nil {
		x.o.Metrics.Request(RequestRecord{
			Selector: x.selector, HTTPCode: status, GRPCCode: grpcCode,
			Total: time.Since(x.start), Backend: x.backendTime,
			RequestBytes: x.body.N(), ResponseBytes: bytes,
		})
	}
	EndRequest(x.span, status, grpcCode)
}

// LogAttrs are the trace ids for the access-log line (nil with tracing off).
func (x *Exchange) LogAttrs() []slog.Attr { return TraceAttrs(x.Context()) }

// metrics is the Metrics of the exchange's Observer, nil when there is none (and so a no-op).
func (x *Exchange) metrics() *Metrics {
	if x.o == nil {
		return nil
	}
	return x.o.Metrics
}

// AuthFailure counts the request as rejected by JWT authentication (see Metrics.AuthFailure).
func (x *Exchange) AuthFailure(reason string) { x.metrics().AuthFailure(reason) }

// APIKeyRejected counts the request as rejected by the API key check.
func (x *Exchange) APIKeyRejected(reason string) { x.metrics().APIKeyRejected(reason) }

// QuotaDenied counts the request as denied by quota.
func (x *Exchange) QuotaDenied(reason string) { x.metrics().QuotaDenied(reason) }

// ConfigReload records a config load (see Metrics.ConfigReload); nil-safe.
func (o *Observer) ConfigReload(e ReloadEvent) {
	if o == nil {
		return
	}
	o.Metrics.ConfigReload(e)
}

// Shutdown flushes and stops the tracer (see Tracing.Shutdown); nil-safe.
func (o *Observer) Shutdown(ctx context.Context) error {
	if o == nil {
		return nil
	}
	return o.Tracing.Shutdown(ctx)
}
