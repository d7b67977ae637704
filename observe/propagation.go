package observe

import (
	"context"
	"fmt"
	"strings"

	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// ParseContextFormats reads a --tracing_*_context value (already split at commas, or one
// comma-separated item) into propagators, in order. Empty means ESPv2's default
// (traceparent, x-cloud-trace-context).
func ParseContextFormats(names []string) ([]propagation.TextMapPropagator, error) {
	var flat []string
	for _, n := range names {
		for _, part := range strings.Split(n, ",") {
			if part = strings.TrimSpace(part); part != "" {
				flat = append(flat, part)
			}
		}
	}
	if len(flat) == 0 {
		flat = strings.Split(defaultContextFormats, ",")
	}
	var out []propagation.TextMapPropagator
	seen := map[string]bool{}
	for _, n := range flat {
		key := strings.ToLower(n)
		if seen[key] {
			continue
		}
		seen[key] = true
		switch key {
		case FormatTraceparent:
			out = append(out, propagation.TraceContext{})
		case FormatCloudTrace:
			out = append(out, CloudTraceContext{})
		case FormatGRPCTraceBin:
			out = append(out, GRPCTraceBin{})
		default:
			return nil, fmt.Errorf("unknown trace context %q: want %s, %s or %s", n, FormatTraceparent, FormatCloudTrace, FormatGRPCTraceBin)
		}
	}
	return out, nil
}

// firstValid extracts with the first propagator that finds a valid context, unlike otel's
// composite propagator where the last one wins: ESPv2's incoming formats are in priority order.
// Inject writes every format.
type firstValid []propagation.TextMapPropagator

func (f firstValid) Extract(ctx context.Context, carrier propagation.TextMapCarrier) context.Context {
	for _, p := range f {
		if out := p.Extract(ctx, carrier); trace.SpanContextFromContext(out).IsValid() {
			return out
		}
	}
	return ctx
}

func (f firstValid) Inject(ctx context.Context, carrier propagation.TextMapCarrier) {
	for _, p := range f {
		p.Inject(ctx, carrier)
	}
}

func (f firstValid) Fields() []string {
	var out []string
	for _, p := range f {
		out = append(out, p.Fields()...)
	}
	return out
}
