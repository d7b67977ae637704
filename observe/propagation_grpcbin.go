package observe

import (
	"context"
	"encoding/base64"
	"strings"

	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// GRPCTraceBin reads and writes the `grpc-trace-bin` metadata of OpenCensus's binary format,
// base64-encoded as every `-bin` gRPC header is on the wire:
//
//	version 0 | field 0, trace id (16 bytes) | field 1, span id (8 bytes) | field 2, options (1 byte)
//
// 29 bytes in all; bit 0 of options means sampled. Unknown fields after the known ones are
// ignored, as the format allows.
type GRPCTraceBin struct{}

const grpcTraceBinHeader = "Grpc-Trace-Bin"

var _ propagation.TextMapPropagator = GRPCTraceBin{}

// Inject writes the span context of ctx, when it has a valid one.
func (GRPCTraceBin) Inject(ctx context.Context, carrier propagation.TextMapCarrier) {
	sc := trace.SpanContextFromContext(ctx)
	if !sc.IsValid() {
		return
	}
	var b [29]byte
	tid, sid := sc.TraceID(), sc.SpanID()
	b[0], b[1] = 0, 0
	copy(b[2:18], tid[:])
	b[18] = 1
	copy(b[19:27], sid[:])
	b[27] = 2
	if sc.IsSampled() {
		b[28] = 1
	}
	carrier.Set(grpcTraceBinHeader, base64.StdEncoding.EncodeToString(b[:]))
}

// Extract returns ctx with the remote span context of the header, or ctx unchanged when the
// header is missing or malformed.
func (GRPCTraceBin) Extract(ctx context.Context, carrier propagation.TextMapCarrier) context.Context {
	sc, ok := parseGRPCTraceBin(carrier.Get(grpcTraceBinHeader))
	if !ok {
		return ctx
	}
	return trace.ContextWithRemoteSpanContext(ctx, sc)
}

// Fields names the header the propagator uses.
func (GRPCTraceBin) Fields() []string { return []string{grpcTraceBinHeader} }

func parseGRPCTraceBin(v string) (trace.SpanContext, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return trace.SpanContext{}, false
	}
	// gRPC senders may or may not pad.
	b, err := base64.RawStdEncoding.DecodeString(strings.TrimRight(v, "="))
	if err != nil || len(b) < 1 || b[0] != 0 {
		return trace.SpanContext{}, false
	}
	var (
		tid            trace.TraceID
		sid            trace.SpanID
		flags          trace.TraceFlags
		haveT, haveS   bool
		pos, lastField = 1, -1
	)
	for pos < len(b) {
		field := int(b[pos])
		if field <= lastField {
			return trace.SpanContext{}, false
		}
		lastField = field
		pos++
		switch field {
		case 0:
			if pos+16 > len(b) {
				return trace.SpanContext{}, false
			}
			copy(tid[:], b[pos:pos+16])
			pos += 16
			haveT = true
		case 1:
			if pos+8 > len(b) {
				return trace.SpanContext{}, false
			}
			copy(sid[:], b[pos:pos+8])
			pos += 8
			haveS = true
		case 2:
			if pos+1 > len(b) {
				return trace.SpanContext{}, false
			}
			if b[pos]&1 == 1 {
				flags = trace.FlagsSampled
			}
			pos++
		default:
			// A field from a newer version: its length is unknown, so stop here.
			pos = len(b)
		}
	}
	if !haveT || !haveS {
		return trace.SpanContext{}, false
	}
	sc := trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid, TraceFlags: flags, Remote: true})
	return sc, sc.IsValid()
}
