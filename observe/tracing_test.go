package observe

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

func newTestTracing(t *testing.T, opts TracingOptions) (*Tracing, *tracetest.InMemoryExporter) {
	t.Helper()
	exp := tracetest.NewInMemoryExporter()
	opts.Exporter = exp
	tr, err := NewTracing(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tr.Shutdown(context.Background()) })
	return tr, exp
}

// One request through every helper, as the proxy will call them: request span, backend span
// with the context injected, a JWKS fetch and a quota call under the request.
func TestSpansOfOneRequest(t *testing.T) {
	tr, exp := newTestTracing(t, TracingOptions{SampleRate: 1})
	r := httptest.NewRequest("GET", "/v1/shelves/1", nil)
	r.Header.Set("Traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")

	ctx, span := tr.StartRequest(r.Context(), r, "")
	SetRequestMethod(span, getShelf)
	jctx, jspan := StartJWKSFetch(ctx, "https://keys.example.com/jwks?key=secret")
	_ = jctx
	EndSpan(jspan, errors.New("jwks unreachable"))
	_, qspan := StartQuotaCall(ctx, "allocate")
	EndSpan(qspan, nil)
	bctx, bspan := tr.StartBackend(ctx, "127.0.0.1:8082")
	out := http.Header{}
	tr.InjectOutgoing(bctx, out)
	EndBackend(bspan, 503, nil)
	EndRequest(span, 503, "")
	if err := tr.ForceFlush(context.Background()); err != nil {
		t.Fatal(err)
	}

	spans := exp.GetSpans()
	byName := map[string]tracetest.SpanStub{}
	for _, s := range spans {
		byName[s.Name] = s
	}
	req, ok := byName["ingress "+getShelf]
	if !ok || len(spans) != 4 {
		t.Fatalf("spans: %v", spanNames(spans))
	}
	if got := req.SpanContext.TraceID().String(); got != "0af7651916cd43dd8448eb211c80319c" {
		t.Errorf("request span trace id %s, want the incoming one", got)
	}
	if got := req.Parent.SpanID().String(); got != "b7ad6b7169203331" || !req.Parent.IsRemote() {
		t.Errorf("request span parent %s (remote %v), want the incoming span", got, req.Parent.IsRemote())
	}
	if req.SpanKind != trace.SpanKindServer || req.Status.Code != codes.Error {
		t.Errorf("request span kind %v status %v", req.SpanKind, req.Status)
	}
	for _, name := range []string{"jwks fetch", "quota allocate", "router 127.0.0.1:8082 egress"} {
		s, ok := byName[name]
		if !ok {
			t.Errorf("no span %q", name)
			continue
		}
		if s.Parent.SpanID() != req.SpanContext.SpanID() {
			t.Errorf("%s: parent %s, want the request span", name, s.Parent.SpanID())
		}
	}
	if s := byName["jwks fetch"]; s.Status.Code != codes.Error || len(s.Events) != 1 {
		t.Errorf("jwks span: status %v, %d events; want the error recorded", s.Status, len(s.Events))
	}
	for _, a := range byName["jwks fetch"].Attributes {
		if a.Key == "url.full" && strings.Contains(a.Value.AsString(), "secret") {
			t.Errorf("jwks span leaks the query: %s", a.Value.AsString())
		}
	}
	// The backend sees the backend span as its parent, in both default formats.
	backend := byName["router 127.0.0.1:8082 egress"].SpanContext
	want := "00-0af7651916cd43dd8448eb211c80319c-" + backend.SpanID().String() + "-01"
	if got := out.Get("Traceparent"); got != want {
		t.Errorf("outgoing traceparent %q, want %q", got, want)
	}
	if got := out.Get("X-Cloud-Trace-Context"); !strings.HasPrefix(got, "0af7651916cd43dd8448eb211c80319c/") || !strings.HasSuffix(got, ";o=1") {
		t.Errorf("outgoing x-cloud-trace-context %q", got)
	}
}

func spanNames(spans tracetest.SpanStubs) []string {
	var out []string
	for _, s := range spans {
		out = append(out, s.Name)
	}
	return out
}

// A sampled incoming context is traced even at sample rate 0 (ESPv2 honors the caller's
// decision); a request without one is not.
func TestSamplingFollowsTheIncomingDecision(t *testing.T) {
	tr, exp := newTestTracing(t, TracingOptions{SampleRate: 0})
	sampled := httptest.NewRequest("GET", "/a", nil)
	sampled.Header.Set("X-Cloud-Trace-Context", "105445aa7843bc8bf206b12000100000/1;o=1")
	_, s1 := tr.StartRequest(sampled.Context(), sampled, listShelves)
	EndRequest(s1, 200, "")
	plain := httptest.NewRequest("GET", "/b", nil)
	ctx, s2 := tr.StartRequest(plain.Context(), plain, listShelves)
	if s2.IsRecording() {
		t.Error("an unsampled request records")
	}
	out := http.Header{}
	tr.InjectOutgoing(ctx, out)
	if got := out.Get("Traceparent"); !strings.HasSuffix(got, "-00") {
		t.Errorf("unsampled outgoing traceparent %q, want flags 00", got)
	}
	EndRequest(s2, 200, "")
	_ = tr.ForceFlush(context.Background())
	if got := spanNames(exp.GetSpans()); len(got) != 1 {
		t.Errorf("exported %v, want only the sampled request", got)
	}
}

func TestTracingOffDoesNothing(t *testing.T) {
	for _, opts := range []TracingOptions{
		{},
		{Disabled: true, OTLPEndpoint: "http://127.0.0.1:1", SampleRate: 1},
	} {
		tr, err := NewTracing(opts)
		if err != nil || tr != nil {
			t.Fatalf("NewTracing(%+v) = %v, %v; want nil, nil", opts, tr, err)
		}
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
		ctx, span := tr.StartRequest(r.Context(), r, listShelves)
		if span.IsRecording() || trace.SpanContextFromContext(ctx).IsValid() {
			t.Error("tracing off, but a span or context came out")
		}
		_, b := tr.StartBackend(ctx, "x")
		out := http.Header{}
		tr.InjectOutgoing(ctx, out)
		if len(out) != 0 {
			t.Errorf("tracing off, but headers were injected: %v", out)
		}
		_, j := StartJWKSFetch(ctx, "https://x")
		EndSpan(j, nil)
		EndBackend(b, 200, nil)
		EndRequest(span, 200, "")
		if TraceAttrs(ctx) != nil {
			t.Error("trace attrs without a trace")
		}
		if tr.Shutdown(context.Background()) != nil || tr.Enabled() {
			t.Error("nil tracing misbehaves")
		}
	}
}

func TestTracingOptionErrors(t *testing.T) {
	exp := tracetest.NewInMemoryExporter()
	for _, tc := range []struct {
		opts TracingOptions
		want string
	}{
		{TracingOptions{Exporter: exp, SampleRate: 1.5}, "--tracing_sample_rate"},
		{TracingOptions{Exporter: exp, SampleRate: -0.1}, "--tracing_sample_rate"},
		{TracingOptions{Exporter: exp, Incoming: []string{"b3"}}, `--tracing_incoming_context: unknown trace context "b3"`},
		{TracingOptions{Exporter: exp, Outgoing: []string{"traceparent,nope"}}, `--tracing_outgoing_context: unknown trace context "nope"`},
		{TracingOptions{OTLPEndpoint: "ftp://collector:21"}, `scheme "ftp"`},
		{TracingOptions{OTLPEndpoint: "collector"}, "want http://host:port"},
	} {
		_, err := NewTracing(tc.opts)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("NewTracing(%+v) error %v, want it to contain %q", tc.opts, err, tc.want)
		}
	}
}

func TestTraceAttrs(t *testing.T) {
	tr, _ := newTestTracing(t, TracingOptions{SampleRate: 1})
	r := httptest.NewRequest("GET", "/", nil)
	ctx, span := tr.StartRequest(r.Context(), r, listShelves)
	defer span.End()
	attrs := TraceAttrs(ctx)
	if len(attrs) != 3 || attrs[0].Key != "trace_id" || attrs[0].Value.String() != span.SpanContext().TraceID().String() {
		t.Errorf("TraceAttrs = %v", attrs)
	}
}

var _ sdktrace.SpanExporter = (*tracetest.InMemoryExporter)(nil)
