package observe

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"go.opentelemetry.io/otel/trace"
)

// TraceAttrs returns the trace_id and span_id of the span in ctx, for the access-log line, so a
// log line leads to its trace. It returns nil when ctx has no valid span context (tracing off).
// A request that is not sampled still has ids when the client sent a trace context: they are
// logged too, since the client's own spans may have been kept.
func TraceAttrs(ctx context.Context) []slog.Attr {
	sc := trace.SpanContextFromContext(ctx)
	if !sc.IsValid() {
		return nil
	}
	return []slog.Attr{
		slog.String("trace_id", sc.TraceID().String()),
		slog.String("span_id", sc.SpanID().String()),
		slog.Bool("trace_sampled", sc.IsSampled()),
	}
}

// LevelOff is a level above every record: --log_level=off.
const LevelOff = slog.Level(100)

// ParseLogLevel reads --log_level: debug, info, warn (or warning), error, and Envoy's trace,
// critical and off, in any case.
func ParseLogLevel(s string) (slog.Level, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "trace":
		return slog.LevelDebug - 4, nil
	case "debug":
		return slog.LevelDebug, nil
	case "", "info":
		return slog.LevelInfo, nil
	case "warn", "warning":
		return slog.LevelWarn, nil
	case "error":
		return slog.LevelError, nil
	case "critical":
		return slog.LevelError + 4, nil
	case "off":
		return LevelOff, nil
	}
	return slog.LevelInfo, fmt.Errorf("--log_level %q: want trace, debug, info, warn, error, critical or off", s)
}
