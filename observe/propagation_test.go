package observe

import (
	"context"
	"net/http"
	"testing"

	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

var sampleContext = trace.NewSpanContext(trace.SpanContextConfig{
	TraceID:    trace.TraceID{0x0a, 0xf7, 0x65, 0x19, 0x16, 0xcd, 0x43, 0xdd, 0x84, 0x48, 0xeb, 0x21, 0x1c, 0x80, 0x31, 0x9c},
	SpanID:     trace.SpanID{0xb7, 0xad, 0x6b, 0x71, 0x69, 0x20, 0x33, 0x31},
	TraceFlags: trace.FlagsSampled,
	Remote:     true,
})

// Every format: inject a context, read the exact header text, extract it back.
func TestContextFormatsRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		format, header, want string
	}{
		{FormatTraceparent, "Traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"},
		// b7ad6b7169203331 is 13235353014750950193 in decimal.
		{FormatCloudTrace, "X-Cloud-Trace-Context", "0af7651916cd43dd8448eb211c80319c/13235353014750950193;o=1"},
		{FormatGRPCTraceBin, "Grpc-Trace-Bin", "AAAK92UZFs1D3YRI6yEcgDGcAbeta3FpIDMxAgE="},
	} {
		t.Run(tc.format, func(t *testing.T) {
			ps, err := ParseContextFormats([]string{tc.format})
			if err != nil || len(ps) != 1 {
				t.Fatal(ps, err)
			}
			h := http.Header{}
			ps[0].Inject(trace.ContextWithSpanContext(context.Background(), sampleContext), propagation.HeaderCarrier(h))
			if got := h.Get(tc.header); got != tc.want || len(h) != 1 {
				t.Fatalf("injected %v, want %s: %s", h, tc.header, tc.want)
			}
			got := trace.SpanContextFromContext(ps[0].Extract(context.Background(), propagation.HeaderCarrier(h)))
			if !got.Equal(sampleContext) {
				t.Errorf("extracted %+v, want %+v", got, sampleContext)
			}
		})
	}
}

// One format in, another out: what a proxy between a Google front end and a W3C backend does.
func TestTracingTranslatesFormats(t *testing.T) {
	tr, _ := newTestTracing(t, TracingOptions{SampleRate: 1, Incoming: []string{"grpc-trace-bin"}, Outgoing: []string{"traceparent", "grpc-trace-bin"}})
	r, _ := http.NewRequest("POST", "http://x/pkg.Svc/M", nil)
	r.Header.Set("Grpc-Trace-Bin", "AAAK92UZFs1D3YRI6yEcgDGcAbeta3FpIDMxAgE=")
	r.Header.Set("Traceparent", "00-11111111111111111111111111111111-2222222222222222-01") // not configured: ignored
	ctx, span := tr.StartRequest(r.Context(), r, "pkg.Svc.M")
	defer span.End()
	if got := span.SpanContext().TraceID(); got != sampleContext.TraceID() {
		t.Fatalf("trace id %s, want the grpc-trace-bin one", got)
	}
	out := http.Header{}
	tr.InjectOutgoing(ctx, out)
	if out.Get("Traceparent") == "" || out.Get("Grpc-Trace-Bin") == "" || out.Get("X-Cloud-Trace-Context") != "" {
		t.Errorf("outgoing headers %v", out)
	}
	back := trace.SpanContextFromContext(GRPCTraceBin{}.Extract(context.Background(), propagation.HeaderCarrier(out)))
	if back.TraceID() != sampleContext.TraceID() || back.SpanID() != span.SpanContext().SpanID() {
		t.Errorf("grpc-trace-bin out carries %v", back)
	}
}

// The first configured format that is present and valid wins; a broken one is skipped.
func TestIncomingOrder(t *testing.T) {
	ps, err := ParseContextFormats([]string{"x-cloud-trace-context,traceparent"})
	if err != nil {
		t.Fatal(err)
	}
	h := http.Header{}
	h.Set("Traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
	h.Set("X-Cloud-Trace-Context", "105445aa7843bc8bf206b12000100000/1;o=1")
	got := trace.SpanContextFromContext(firstValid(ps).Extract(context.Background(), propagation.HeaderCarrier(h)))
	if got.TraceID().String() != "105445aa7843bc8bf206b12000100000" {
		t.Errorf("got trace %s, want the x-cloud-trace-context one", got.TraceID())
	}
	h.Set("X-Cloud-Trace-Context", "not-a-trace")
	got = trace.SpanContextFromContext(firstValid(ps).Extract(context.Background(), propagation.HeaderCarrier(h)))
	if got.TraceID().String() != "0af7651916cd43dd8448eb211c80319c" {
		t.Errorf("got trace %s, want traceparent after a broken cloud trace header", got.TraceID())
	}
}

func TestCloudTraceVariants(t *testing.T) {
	for _, tc := range []struct {
		in      string
		ok      bool
		sampled bool
	}{
		{"105445aa7843bc8bf206b12000100000/1;o=1", true, true},
		{"105445aa7843bc8bf206b12000100000/1;o=0", true, false},
		{"105445aa7843bc8bf206b12000100000/1;o=3", true, true},
		{"105445aa7843bc8bf206b12000100000/1", true, false},
		{"105445aa7843bc8bf206b12000100000", true, false},
		{"105445AA7843BC8BF206B12000100000/0;o=1", true, true},
		{"105445aa7843bc8bf206b1200010000/1;o=1", false, false},
		{"00000000000000000000000000000000/1;o=1", false, false},
		{"105445aa7843bc8bf206b12000100000/-1;o=1", false, false},
		{"105445aa7843bc8bf206b12000100000/1;x=1", false, false},
		{"105445aa7843bc8bf206b12000100000/18446744073709551616;o=1", false, false},
		{"", false, false},
	} {
		sc, ok := parseCloudTrace(tc.in)
		if ok != tc.ok || (ok && sc.IsSampled() != tc.sampled) {
			t.Errorf("parseCloudTrace(%q) = %v sampled %v, want %v sampled %v", tc.in, ok, sc.IsSampled(), tc.ok, tc.sampled)
		}
	}
}

func TestGRPCTraceBinVariants(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{"AAAK92UZFs1D3YRI6yEcgDGcAbeta3FpIDMxAgE=", true},
		{"AAAK92UZFs1D3YRI6yEcgDGcAbeta3FpIDMxAgE", true}, // unpadded
		{"AAAK92UZFs1D3YRI6yEcgDGcAbeta3FpIDMx", true},    // no options: not sampled
		{"AAAK92UZFs1D3YRI6yEcgDGcAbeta3FpIDMxAgEDBAU", true},
		{"AQAK92UZFs1D3YRI6yEcgDGcAbeta3FpIDMxAgE=", false}, // version 1
		{"AAAK92UZFs1D3YRI6yEcgDGc", false},                 // truncated trace id... and no span
		{"AAEAAAAAAAAAAAA=", false},                         // span only
		{"!!!", false},
		{"", false},
	} {
		_, ok := parseGRPCTraceBin(tc.in)
		if ok != tc.ok {
			t.Errorf("parseGRPCTraceBin(%q) = %v, want %v", tc.in, ok, tc.ok)
		}
	}
}

func FuzzCloudTraceContext(f *testing.F) {
	for _, s := range []string{"105445aa7843bc8bf206b12000100000/1;o=1", "x/y;o=", "/;", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sc, ok := parseCloudTrace(s)
		if !ok {
			return
		}
		// Whatever parsed must survive a round trip.
		h := http.Header{}
		CloudTraceContext{}.Inject(trace.ContextWithSpanContext(context.Background(), sc), propagation.HeaderCarrier(h))
		back, ok := parseCloudTrace(h.Get("X-Cloud-Trace-Context"))
		if !ok || !back.Equal(sc) {
			t.Fatalf("%q -> %v -> %q -> %v", s, sc, h.Get("X-Cloud-Trace-Context"), back)
		}
	})
}

func FuzzGRPCTraceBin(f *testing.F) {
	for _, s := range []string{"AAAK92UZFs1D3YRI6yEcgDGcAbeta3FpIDMxAgE=", "AAA", "AAEAAAAAAAAAAAA=", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sc, ok := parseGRPCTraceBin(s)
		if !ok {
			return
		}
		h := http.Header{}
		GRPCTraceBin{}.Inject(trace.ContextWithSpanContext(context.Background(), sc), propagation.HeaderCarrier(h))
		back, ok := parseGRPCTraceBin(h.Get("Grpc-Trace-Bin"))
		if !ok || !back.Equal(sc) {
			t.Fatalf("%q -> %v -> %v", s, sc, back)
		}
	})
}
