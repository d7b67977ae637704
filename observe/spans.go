package observe

import (
	"context"
	"net/http"
	"strconv"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// StartRequest starts the server span of a request, as a child of the incoming trace context
// (the first --tracing_incoming_context format present). Its name is `ingress <selector>`,
// ESPv2's name for it; requests that matched no operation use UnknownMethod. End it with
// EndRequest. With tracing off it returns ctx and a span that does nothing.
func (t *Tracing) StartRequest(ctx context.Context, r *http.Request, selector string) (context.Context, trace.Span) {
	if t == nil {
		return ctx, noopSpan
	}
	if selector == "" {
		selector = UnknownMethod
	}
	ctx = t.incoming.Extract(ctx, propagation.HeaderCarrier(r.Header))
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return t.tracer.Start(ctx, "ingress "+selector,
		trace.WithSpanKind(trace.SpanKindServer),
		trace.WithAttributes(
			attribute.String("espctl.method", selector),
			attribute.String("http.request.method", r.Method),
			attribute.String("url.path", r.URL.Path),
			attribute.String("url.scheme", scheme),
			attribute.String("server.address", r.Host),
			attribute.String("user_agent.original", r.UserAgent()),
			attribute.String("network.protocol.name", "http"),
			attribute.String("network.protocol.version", protocolVersion(r)),
			attribute.String("http.request.header.x-request-id", r.Header.Get("X-Request-Id")),
		))
}

// SetRequestMethod renames the request span once routing has found the operation (the span
// starts before routing, so that routing errors are traced too).
func SetRequestMethod(span trace.Span, selector string) {
	if !span.IsRecording() {
		return
	}
	if selector == "" {
		selector = UnknownMethod
	}
	span.SetName("ingress " + selector)
	span.SetAttributes(attribute.String("espctl.method", selector))
}

// EndRequest ends the request span with the response's status. 5xx responses and gRPC
// server-side failures mark the span as an error; 4xx do not (the client's mistake, per
// OpenTelemetry's HTTP server conventions).
func EndRequest(span trace.Span, httpCode int, grpcCode string) {
	if !span.IsRecording() {
		span.End()
		return
	}
	span.SetAttributes(attribute.Int("http.response.status_code", httpCode))
	failed := httpCode >= 500
	if grpcCode != "" {
		span.SetAttributes(attribute.String("rpc.grpc.status_code", grpcCode))
		switch grpcCodeLabel(grpcCode) {
		case "UNKNOWN", "DEADLINE_EXCEEDED", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS":
			failed = true
		}
	}
	if failed {
		span.SetStatus(codes.Error, "")
	}
	span.End()
}

// StartBackend starts the client span of the backend call, named `router <backend> egress`
// as in ESPv2. Call InjectOutgoing with the returned ctx on the outgoing request's header, so
// the backend's spans are children of this one. End it with EndBackend.
func (t *Tracing) StartBackend(ctx context.Context, backend string) (context.Context, trace.Span) {
	if t == nil {
		return ctx, noopSpan
	}
	return t.tracer.Start(ctx, "router "+backend+" egress",
		trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(attribute.String("server.address", backend)))
}

// EndBackend ends the backend span: the backend's status when it answered, or err when the
// call failed before a response.
func EndBackend(span trace.Span, status int, err error) {
	if span.IsRecording() {
		if status > 0 {
			span.SetAttributes(attribute.Int("http.response.status_code", status))
			if status >= 500 {
				span.SetStatus(codes.Error, "")
			}
		}
	}
	EndSpan(span, err)
}

// InjectOutgoing writes the trace context of ctx to a backend request's header in every
// --tracing_outgoing_context format, replacing what the client sent in those headers. With
// tracing off it leaves the header alone (the client's headers pass through).
func (t *Tracing) InjectOutgoing(ctx context.Context, header http.Header) {
	if t == nil || !trace.SpanContextFromContext(ctx).IsValid() {
		return
	}
	t.outgoing.Inject(ctx, propagation.HeaderCarrier(header))
}

// StartJWKSFetch starts a client span for fetching a JWT provider's keys. It needs no
// *Tracing: the tracer comes from the request span in ctx, so with tracing off (or outside a
// request) it does nothing. End it with EndSpan.
func StartJWKSFetch(ctx context.Context, jwksURI string) (context.Context, trace.Span) {
	return childSpan(ctx, "jwks fetch", attribute.String("url.full", RedactURL(jwksURI)))
}

// StartQuotaCall starts a client span for a quota store call (Redis); op names it ("allocate",
// "refund"). End it with EndSpan.
func StartQuotaCall(ctx context.Context, op string) (context.Context, trace.Span) {
	return childSpan(ctx, "quota "+op, attribute.String("db.system.name", "redis"))
}

// EndSpan ends a span, recording err (when not nil) as the span's error.
func EndSpan(span trace.Span, err error) {
	if err != nil && span.IsRecording() {
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
	}
	span.End()
}

func childSpan(ctx context.Context, name string, attrs ...attribute.KeyValue) (context.Context, trace.Span) {
	parent := trace.SpanFromContext(ctx)
	if !parent.SpanContext().IsValid() {
		return ctx, noopSpan
	}
	return parent.TracerProvider().Tracer(instrumentation).Start(ctx, name,
		trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(attrs...))
}

func protocolVersion(r *http.Request) string {
	switch r.ProtoMajor {
	case 2:
		return "2"
	case 3:
		return "3"
	}
	return strconv.Itoa(r.ProtoMajor) + "." + strconv.Itoa(r.ProtoMinor)
}
