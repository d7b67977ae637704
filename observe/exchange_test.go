package observe

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

// The Exchange calls in the order the proxy makes them, against a real backend, including a
// backend that is down.
func TestExchangeSequence(t *testing.T) {
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Traceparent") == "" {
			http.Error(w, "no trace context", http.StatusBadRequest)
			return
		}
		n, _ := io.Copy(io.Discard, r.Body)
		w.Header().Set("Grpc-Status", "0")
		_, _ = w.Write(bytes.Repeat([]byte("x"), int(n)))
	}))
	t.Cleanup(backend.Close)
	tr, exp := newTestTracing(t, TracingOptions{SampleRate: 1})
	m, err := NewMetrics(nil)
	if err != nil {
		t.Fatal(err)
	}
	obs := &Observer{Metrics: m, Tracing: tr}
	var logs bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&logs, nil))

	serve := func(w http.ResponseWriter, r *http.Request, target string) {
		r, x := obs.Begin(r)
		x.Route(listShelves)
		out, _ := http.NewRequestWithContext(r.Context(), "POST", target, r.Body)
		x.BackendStart(out.Header, target)
		resp, err := http.DefaultTransport.RoundTrip(out)
		status := http.StatusServiceUnavailable
		var n int64
		if err != nil {
			x.BackendDone(0, err, false)
			w.WriteHeader(status)
		} else {
			for k, v := range resp.Header {
				w.Header()[k] = v
			}
			status = resp.StatusCode
			w.WriteHeader(status)
			n, _ = io.Copy(w, resp.Body)
			resp.Body.Close()
			x.BackendDone(resp.StatusCode, nil, false)
		}
		x.Finish(status, w.Header(), n)
		log.LogAttrs(context.Background(), slog.LevelInfo, "request", x.LogAttrs()...)
	}
	rec := httptest.NewRecorder()
	serve(rec, httptest.NewRequest("POST", "/v1/shelves", strings.NewReader("12345")), backend.URL)
	if rec.Code != 200 || rec.Body.Len() != 5 {
		t.Fatalf("proxied call: %d %q", rec.Code, rec.Body.String())
	}
	serve(httptest.NewRecorder(), httptest.NewRequest("POST", "/v1/shelves", nil), "http://127.0.0.1:1/")
	_ = tr.ForceFlush(context.Background())

	if got := testutil.ToFloat64(m.requests.WithLabelValues(listShelves, "200", "OK")); got != 1 {
		t.Errorf("200/OK: %v", got)
	}
	if got := testutil.ToFloat64(m.requests.WithLabelValues(listShelves, "503", "")); got != 1 {
		t.Errorf("503: %v", got)
	}
	if got := testutil.ToFloat64(m.backendErrors.WithLabelValues(BackendConnect)); got != 1 {
		t.Errorf("connect errors: %v", got)
	}
	x := Exchange{o: obs}
	x.AuthFailure("expired")
	x.QuotaDenied("exhausted")
	obs.ConfigReload(ReloadEvent{Trigger: "start", ConfigID: "c1"})
	if testutil.ToFloat64(m.authFailures.WithLabelValues("expired")) != 1 || testutil.ToFloat64(m.quotaDenials.WithLabelValues("exhausted")) != 1 {
		t.Error("Exchange counters did not reach the metrics")
	}
	if got := m.Reloads(); len(got) != 1 || got[0].ConfigID != "c1" {
		t.Errorf("reloads %+v", got)
	}
	if got := histogramCount(t, m, "espctl_request_size_bytes", listShelves); got != 2 {
		t.Errorf("request sizes observed: %d", got)
	}
	if got := len(exp.GetSpans()); got != 4 {
		t.Errorf("%d spans, want 4: %v", got, spanNames(exp.GetSpans()))
	}
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var v map[string]any
		err := json.Unmarshal([]byte(line), &v)
		if id, _ := v["trace_id"].(string); err != nil || len(id) != 32 {
			t.Errorf("log line %s", line)
		}
	}
}

// Without an Observer every call is a no-op and the request is left as it was.
func TestNilObserver(t *testing.T) {
	var obs *Observer
	r := httptest.NewRequest("POST", "/", strings.NewReader("x"))
	body := r.Body
	r2, x := obs.Begin(r)
	x.Route(listShelves)
	x.BackendStart(http.Header{}, "b")
	x.BackendDone(0, errors.New("down"), false)
	x.AuthFailure("expired")
	x.APIKeyRejected("missing")
	x.QuotaDenied("exhausted")
	obs.ConfigReload(ReloadEvent{Trigger: "start"})
	if err := obs.Shutdown(context.Background()); err != nil {
		t.Error(err)
	}
	x.Finish(503, http.Header{}, 0)
	if r2 != r || r.Body != body || x.LogAttrs() != nil {
		t.Error("a nil Observer changed the request or produced log attributes")
	}
	empty := &Observer{}
	r3, y := empty.Begin(r)
	y.Route(listShelves)
	y.BackendStart(http.Header{}, "b")
	y.BackendDone(200, nil, false)
	y.AuthFailure("expired")
	empty.ConfigReload(ReloadEvent{Trigger: "start"})
	y.Finish(200, http.Header{}, 0)
	if r3 != r {
		t.Error("an empty Observer replaced the request")
	}
}

// BenchmarkExchangeMetricsOnly is the whole per-request cost with metrics on and tracing off.
func BenchmarkExchangeMetricsOnly(b *testing.B) {
	m, err := NewMetrics(nil)
	if err != nil {
		b.Fatal(err)
	}
	obs := &Observer{Metrics: m}
	r := httptest.NewRequest("GET", "/v1/shelves", nil)
	h := http.Header{}
	b.ReportAllocs()
	for b.Loop() {
		_, x := obs.Begin(r)
		x.Route(listShelves)
		x.BackendStart(h, "b")
		x.BackendDone(200, nil, false)
		x.Finish(200, h, 120)
	}
}
