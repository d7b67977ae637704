package observe

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

// miniProxy is the wiring the proxy needs, in one place: what handler.go and forward.go call,
// in order. It routes two fixed paths to one backend.
type miniProxy struct {
	backend string
	tracing *Tracing
	metrics *Metrics
	log     *slog.Logger
}

func (p *miniProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	body := CountBody(r)
	ctx, span := p.tracing.StartRequest(r.Context(), r, "") // before routing: errors are traced too
	selector := map[string]string{"/v1/shelves": listShelves, "/v1/shelves/1": getShelf}[r.URL.Path]
	SetRequestMethod(span, selector)
	lw := &statusWriter{ResponseWriter: w}
	var backendTime time.Duration
	if selector == "" {
		lw.WriteHeader(http.StatusNotFound)
	} else {
		bctx, bspan := p.tracing.StartBackend(ctx, p.backend)
		out, _ := http.NewRequestWithContext(bctx, r.Method, p.backend+r.URL.Path, r.Body)
		p.tracing.InjectOutgoing(bctx, out.Header)
		t := time.Now()
		resp, err := http.DefaultTransport.RoundTrip(out)
		if err != nil {
			p.metrics.BackendError(BackendErrorKind(err, false))
			EndBackend(bspan, 0, err)
			lw.WriteHeader(http.StatusServiceUnavailable)
		} else {
			lw.WriteHeader(resp.StatusCode)
			_, _ = io.Copy(lw, resp.Body)
			resp.Body.Close()
			EndBackend(bspan, resp.StatusCode, nil)
		}
		backendTime = time.Since(t)
	}
	grpcCode := GRPCStatus(lw.Header())
	p.metrics.Request(RequestRecord{
		Selector: selector, HTTPCode: lw.status, GRPCCode: grpcCode,
		Total: time.Since(start), Backend: backendTime,
		RequestBytes: body.N(), ResponseBytes: lw.bytes,
	})
	EndRequest(span, lw.status, grpcCode)
	attrs := append([]slog.Attr{slog.String("path", r.URL.Path), slog.Int("status", lw.status)}, TraceAttrs(ctx)...)
	p.log.LogAttrs(ctx, slog.LevelInfo, "request", attrs...)
}

type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(s int) { w.status = s; w.ResponseWriter.WriteHeader(s) }
func (w *statusWriter) Write(p []byte) (int, error) {
	n, err := w.ResponseWriter.Write(p)
	w.bytes += int64(n)
	return n, err
}

// Requests through a proxy wired with every helper: the backend receives the trace context,
// the metrics count what happened, spans form one trace, and log lines carry the trace id.
func TestWiredProxy(t *testing.T) {
	var (
		mu   sync.Mutex
		seen []string
	)
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Header.Get("Traceparent"))
		mu.Unlock()
		_, _ = io.Copy(io.Discard, r.Body)
		_, _ = w.Write([]byte(`{"shelves":[]}`))
	}))
	t.Cleanup(backend.Close)
	tr, exp := newTestTracing(t, TracingOptions{SampleRate: 1})
	m, err := NewMetrics(nil)
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	p := &miniProxy{backend: backend.URL, tracing: tr, metrics: m, log: slog.New(slog.NewJSONHandler(&logs, nil))}
	front := httptest.NewServer(p)
	t.Cleanup(front.Close)

	for _, c := range []struct{ method, path, body string }{
		{"GET", "/v1/shelves", ""}, {"POST", "/v1/shelves", `{"theme":"x"}`}, {"GET", "/v1/shelves/1", ""}, {"GET", "/nope", ""},
	} {
		req, _ := http.NewRequest(c.method, front.URL+c.path, strings.NewReader(c.body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	_ = tr.ForceFlush(context.Background())

	if got := testutil.ToFloat64(m.requests.WithLabelValues(listShelves, "200", "")); got != 2 {
		t.Errorf("ListShelves 200: %v, want 2", got)
	}
	if got := testutil.ToFloat64(m.requests.WithLabelValues(UnknownMethod, "404", "")); got != 1 {
		t.Errorf("unknown 404: %v, want 1", got)
	}
	if got := histogramCount(t, m, "espctl_backend_duration_seconds", listShelves); got != 2 {
		t.Errorf("backend durations for ListShelves: %d, want 2", got)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 3 || seen[0] == "" {
		t.Errorf("backend saw traceparent %q", seen)
	}
	spans := exp.GetSpans()
	if len(spans) != 7 { // 3 × (request + backend) + the 404
		t.Errorf("spans %v, want 7", spanNames(spans))
	}
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != 4 {
		t.Fatalf("log lines: %q", lines)
	}
	for _, l := range lines {
		var rec map[string]any
		err := json.Unmarshal([]byte(l), &rec)
		if id, _ := rec["trace_id"].(string); err != nil || len(id) != 32 {
			t.Errorf("log line without a trace id: %s", l)
		}
	}
}
