package proxy

import (
	"context"
	"log/slog"
	"net/http"
	"time"
)

// logWriter records what the handler sent, for the access log. It unwraps for
// http.ResponseController, so flushing and full duplex reach the real writer.
type logWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *logWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *logWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(p)
	w.bytes += int64(n)
	return n, err
}

func (w *logWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *logWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logRequest writes one access-log line. Errors made by the proxy itself carry their message,
// and every line carries the request id, so a user report can be matched to a log line.
func (h *Handler) logRequest(r *http.Request, w *logWriter, ex *exchange, latency time.Duration) {
	log := h.opts.logger()
	level := slog.LevelInfo
	if ex.errMsg != "" && w.status >= 500 {
		level = slog.LevelWarn
	}
	if !log.Enabled(context.Background(), level) {
		return
	}
	status := w.status
	if status == 0 {
		status = http.StatusOK
	}
	// Room for the fixed fields, the error and three trace fields: no reallocation.
	var buf [12]slog.Attr
	attrs := append(buf[:0],
		slog.String("method", r.Method),
		slog.String("path", r.URL.Path),
		slog.Int("status", status),
		slog.Float64("latency_ms", float64(latency.Microseconds())/1000),
		slog.String("backend", ex.backend),
		slog.Int64("bytes", w.bytes),
		slog.String("request_id", r.Header.Get("X-Request-Id")),
		slog.String("protocol", r.Proto),
	)
	if ex.errMsg != "" {
		attrs = append(attrs, slog.String("error", ex.errMsg))
	}
	attrs = append(attrs, ex.obs.LogAttrs()...)
	log.LogAttrs(context.Background(), level, "request", attrs...)
}
