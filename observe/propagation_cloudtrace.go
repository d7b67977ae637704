package observe

import (
	"context"
	"encoding/hex"
	"strconv"
	"strings"

	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// CloudTraceContext reads and writes Google Cloud Trace's `X-Cloud-Trace-Context` header:
// `TRACE_ID/SPAN_ID;o=OPTIONS`, where TRACE_ID is 32 hex digits, SPAN_ID a decimal unsigned
// 64-bit number, and bit 0 of OPTIONS means sampled. `;o=` may be missing (not sampled), and
// SPAN_ID may be missing too, as Google's front ends send it at times.
type CloudTraceContext struct{}

const cloudTraceHeader = "X-Cloud-Trace-Context"

var _ propagation.TextMapPropagator = CloudTraceContext{}

// Inject writes the span context of ctx, when it has a valid one.
func (CloudTraceContext) Inject(ctx context.Context, carrier propagation.TextMapCarrier) {
	sc := trace.SpanContextFromContext(ctx)
	if !sc.IsValid() {
		return
	}
	tid, sid := sc.TraceID(), sc.SpanID()
	var span uint64
	for _, b := range sid {
		span = span<<8 | uint64(b)
	}
	o := "0"
	if sc.IsSampled() {
		o = "1"
	}
	carrier.Set(cloudTraceHeader, hex.EncodeToString(tid[:])+"/"+strconv.FormatUint(span, 10)+";o="+o)
}

// Extract returns ctx with the remote span context of the header, or ctx unchanged when the
// header is missing or malformed.
func (CloudTraceContext) Extract(ctx context.Context, carrier propagation.TextMapCarrier) context.Context {
	sc, ok := parseCloudTrace(carrier.Get(cloudTraceHeader))
	if !ok {
		return ctx
	}
	return trace.ContextWithRemoteSpanContext(ctx, sc)
}

// Fields names the header the propagator uses.
func (CloudTraceContext) Fields() []string { return []string{cloudTraceHeader} }

func parseCloudTrace(v string) (trace.SpanContext, bool) {
	v = strings.TrimSpace(v)
	traceHex, rest, _ := strings.Cut(v, "/")
	spanText, options, hasOptions := strings.Cut(rest, ";")
	if len(traceHex) != 32 {
		return trace.SpanContext{}, false
	}
	var tid trace.TraceID
	if _, err := hex.Decode(tid[:], []byte(traceHex)); err != nil || !tid.IsValid() {
		return trace.SpanContext{}, false
	}
	var sid trace.SpanID
	if spanText != "" {
		n, err := strconv.ParseUint(spanText, 10, 64)
		if err != nil {
			return trace.SpanContext{}, false
		}
		for i := 7; i >= 0; i-- {
			sid[i] = byte(n)
			n >>= 8
		}
	}
	if !sid.IsValid() {
		// A trace id alone still joins the trace; the span id only has to be non-zero.
		sid = trace.SpanID{0, 0, 0, 0, 0, 0, 0, 1}
	}
	var flags trace.TraceFlags
	if hasOptions {
		o, ok := strings.CutPrefix(strings.TrimSpace(options), "o=")
		if !ok {
			return trace.SpanContext{}, false
		}
		n, err := strconv.ParseUint(o, 10, 32)
		if err != nil {
			return trace.SpanContext{}, false
		}
		if n&1 == 1 {
			flags = trace.FlagsSampled
		}
	}
	sc := trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid, TraceFlags: flags, Remote: true})
	return sc, sc.IsValid()
}
