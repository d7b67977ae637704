package observe

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"testing"
)

func TestParseLogLevel(t *testing.T) {
	for in, want := range map[string]slog.Level{
		"": slog.LevelInfo, "info": slog.LevelInfo, "DEBUG": slog.LevelDebug, "warn": slog.LevelWarn,
		"Warning": slog.LevelWarn, "error": slog.LevelError, " trace ": slog.LevelDebug - 4,
		"critical": slog.LevelError + 4, "off": LevelOff,
	} {
		got, err := ParseLogLevel(in)
		if err != nil || got != want {
			t.Errorf("ParseLogLevel(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := ParseLogLevel("verbose"); err == nil {
		t.Error("ParseLogLevel(verbose): no error")
	}
}

// The access-log line carries the ids of the request's trace, as the proxy will write it.
func TestAccessLogCarriesTraceID(t *testing.T) {
	tr, _ := newTestTracing(t, TracingOptions{SampleRate: 1})
	r := httptest.NewRequest("GET", "/v1/shelves", nil)
	r.Header.Set("Traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
	ctx, span := tr.StartRequest(r.Context(), r, listShelves)
	defer span.End()
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	attrs := append([]slog.Attr{slog.Int("status", 200)}, TraceAttrs(ctx)...)
	log.LogAttrs(context.Background(), slog.LevelInfo, "request", attrs...)
	var line map[string]any
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
		t.Fatal(err)
	}
	if line["trace_id"] != "0af7651916cd43dd8448eb211c80319c" || line["span_id"] != span.SpanContext().SpanID().String() || line["trace_sampled"] != true {
		t.Errorf("log line %s", buf.String())
	}
}
