package observe

import (
	"bufio"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/espctl/espctl/golden"
)

const (
	listShelves = "endpoints.examples.bookstore.Bookstore.ListShelves"
	getShelf    = "endpoints.examples.bookstore.Bookstore.GetShelf"
)

// scriptedRequests is what a short session against the bookstore looks like: successes, a
// client error, a gRPC failure, a backend timeout and two unknown paths.
func scriptedRequests(m *Metrics) {
	ms := time.Millisecond
	m.Request(RequestRecord{Selector: listShelves, HTTPCode: 200, Total: 3 * ms, Backend: 2 * ms, RequestBytes: 0, ResponseBytes: 120})
	m.Request(RequestRecord{Selector: listShelves, HTTPCode: 200, Total: 30 * ms, Backend: 28 * ms, RequestBytes: 0, ResponseBytes: 120})
	m.Request(RequestRecord{Selector: listShelves, HTTPCode: 200, GRPCCode: "0", Total: 4 * ms, Backend: 3 * ms, RequestBytes: 5, ResponseBytes: 90})
	m.Request(RequestRecord{Selector: getShelf, HTTPCode: 404, Total: 2 * ms, Backend: ms, ResponseBytes: 60})
	m.Request(RequestRecord{Selector: getShelf, HTTPCode: 200, GRPCCode: "14", Total: 6 * ms, Backend: 5 * ms, RequestBytes: 5, ResponseBytes: 0})
	m.Request(RequestRecord{Selector: getShelf, HTTPCode: 504, Total: 15 * time.Second, Backend: 15 * time.Second, ResponseBytes: 24})
	m.BackendError(BackendTimeout)
	m.Request(RequestRecord{HTTPCode: 404, Total: ms / 10, RequestBytes: -1, ResponseBytes: 54})
	m.Request(RequestRecord{Selector: "", HTTPCode: 405, Total: ms / 10, RequestBytes: -1, ResponseBytes: 54})
	m.AuthFailure("expired")
	m.AuthFailure("expired")
	m.APIKeyRejected("missing")
	m.QuotaDenied("exhausted")
	m.BackendError("something new") // counted as "other"
	at := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	m.ConfigReload(ReloadEvent{Time: at, Trigger: "start", Service: "bookstore.example.com", ConfigID: "2026-11-29r0"})
	m.ConfigReload(ReloadEvent{Time: at.Add(time.Minute), Trigger: "SIGHUP", Service: "bookstore.example.com", ConfigID: "2026-11-29r0", Err: io.ErrUnexpectedEOF})
	m.ConfigReload(ReloadEvent{Time: at.Add(2 * time.Minute), Trigger: "file change", Service: "bookstore.example.com", ConfigID: "2026-11-29r1"})
}

// scrape fetches /metrics over a real listener and keeps the espctl_ lines (the Go and process
// collectors' values change from run to run).
func scrape(t *testing.T, m *Metrics) string {
	t.Helper()
	srv := httptest.NewServer(m.Handler())
	t.Cleanup(srv.Close)
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(body), "go_goroutines") || !strings.Contains(string(body), "process_") {
		t.Errorf("scrape lacks the Go runtime or process collector")
	}
	var keep strings.Builder
	sc := bufio.NewScanner(strings.NewReader(string(body)))
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "espctl_") || strings.HasPrefix(line, "# HELP espctl_") || strings.HasPrefix(line, "# TYPE espctl_") {
			keep.WriteString(line + "\n")
		}
	}
	return keep.String()
}

func TestMetricsScrape(t *testing.T) {
	m, err := NewMetrics(nil)
	if err != nil {
		t.Fatal(err)
	}
	scriptedRequests(m)
	golden.Assert(t, "testdata/metrics_scrape.golden", []byte(scrape(t, m)))

	// The same numbers, spelled out: the golden file must not be the only thing that knows.
	counts := map[[3]string]float64{
		{listShelves, "200", ""}:         2,
		{listShelves, "200", "OK"}:       1,
		{getShelf, "404", ""}:            1,
		{getShelf, "200", "UNAVAILABLE"}: 1,
		{getShelf, "504", ""}:            1,
		{UnknownMethod, "404", ""}:       1,
		{UnknownMethod, "405", ""}:       1,
	}
	for l, want := range counts {
		if got := testutil.ToFloat64(m.requests.WithLabelValues(l[0], l[1], l[2])); got != want {
			t.Errorf("espctl_requests_total%v = %v, want %v", l, got, want)
		}
	}
	if n := testutil.CollectAndCount(m.requests); n != len(counts) {
		t.Errorf("espctl_requests_total has %d series, want %d", n, len(counts))
	}
	histCounts := map[string]uint64{listShelves: 3, getShelf: 3, UnknownMethod: 2}
	for method, want := range histCounts {
		if got := histogramCount(t, m, "espctl_request_duration_seconds", method); got != want {
			t.Errorf("request duration count for %s = %d, want %d", method, got, want)
		}
	}
	// Local replies never reached the backend; requests with an unknown size are not observed.
	if got := histogramCount(t, m, "espctl_backend_duration_seconds", UnknownMethod); got != 0 {
		t.Errorf("backend duration count for unknown = %d, want 0", got)
	}
	if got := histogramCount(t, m, "espctl_request_size_bytes", UnknownMethod); got != 0 {
		t.Errorf("request size count for unknown = %d, want 0", got)
	}
	for kind, want := range map[string]float64{BackendTimeout: 1, BackendOther: 1} {
		if got := testutil.ToFloat64(m.backendErrors.WithLabelValues(kind)); got != want {
			t.Errorf("espctl_backend_errors_total{kind=%q} = %v, want %v", kind, got, want)
		}
	}
	if got := testutil.ToFloat64(m.authFailures.WithLabelValues("expired")); got != 2 {
		t.Errorf("auth failures = %v, want 2", got)
	}
	if got := testutil.ToFloat64(m.reloads.WithLabelValues("failure")); got != 1 {
		t.Errorf("failed reloads = %v, want 1", got)
	}
	if got := testutil.ToFloat64(m.configInfo.WithLabelValues("bookstore.example.com", "2026-11-29r1")); got != 1 {
		t.Errorf("config info for the active config = %v, want 1", got)
	}
	if n := testutil.CollectAndCount(m.configInfo); n != 1 {
		t.Errorf("espctl_config_info has %d series, want only the active config", n)
	}
}

func histogramCount(t *testing.T, m *Metrics, name, method string) uint64 {
	t.Helper()
	families, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, metric := range f.GetMetric() {
			for _, l := range metric.GetLabel() {
				if l.GetName() == "method" && l.GetValue() == method {
					return metric.GetHistogram().GetSampleCount()
				}
			}
		}
	}
	return 0
}

func TestMethodCountsMatchTheCounter(t *testing.T) {
	m, err := NewMetrics(nil)
	if err != nil {
		t.Fatal(err)
	}
	scriptedRequests(m)
	got := m.MethodCounts()
	want := []MethodCount{
		{Method: getShelf, Requests: 3, ClientErrors: 1, ServerErrors: 1},
		{Method: listShelves, Requests: 3},
		{Method: UnknownMethod, Requests: 2, ClientErrors: 2},
	}
	if len(got) != len(want) {
		t.Fatalf("MethodCounts = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("MethodCounts[%d] = %+v, want %+v", i, got[i], want[i])
		}
	}
}

// Labels stay bounded and valid whatever the caller passes: bad UTF-8 would make the client
// library panic, and an endless stream of selectors would grow memory without end.
func TestLabelsStayBoundedAndValid(t *testing.T) {
	m, err := NewMetrics(nil)
	if err != nil {
		t.Fatal(err)
	}
	m.Request(RequestRecord{Selector: "bad\xff", HTTPCode: 999, GRPCCode: "not a number"})
	m.AuthFailure("\xff\xfe")
	m.AuthFailure("")
	for i := 0; i < maxLabelValues+10; i++ {
		m.Request(RequestRecord{Selector: "s" + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + strconv.Itoa(i), HTTPCode: 200})
	}
	if got := testutil.ToFloat64(m.requests.WithLabelValues("bad?", "invalid", "INVALID")); got != 1 {
		t.Errorf("bad labels: count = %v, want 1", got)
	}
	if got := testutil.ToFloat64(m.authFailures.WithLabelValues("unspecified")); got != 1 {
		t.Errorf("empty reason: count = %v, want 1", got)
	}
	if n := testutil.CollectAndCount(m.requestDuration); n > maxLabelValues+1 {
		t.Errorf("%d method series, want at most %d", n, maxLabelValues+1)
	}
	if n := len(*m.series.Load()); n > maxLabelValues+2 {
		t.Errorf("%d entries in the series map, want it bounded", n)
	}
	if got := histogramCount(t, m, "espctl_request_duration_seconds", OtherLabel); got == 0 {
		t.Errorf("no requests under %q past the limit", OtherLabel)
	}
}

func TestNilMetricsIgnoresCalls(t *testing.T) {
	var m *Metrics
	m.Request(RequestRecord{Selector: listShelves, HTTPCode: 200})
	m.AuthFailure("x")
	m.APIKeyRejected("x")
	m.QuotaDenied("x")
	m.BackendError("x")
	m.ConfigReload(ReloadEvent{})
	if m.MethodCounts() != nil || m.Reloads() != nil || m.Registry() != nil {
		t.Error("nil Metrics returned data")
	}
}

func TestGRPCStatusFromHeaders(t *testing.T) {
	h := http.Header{}
	if got := GRPCStatus(h); got != "" {
		t.Errorf("no status: %q", got)
	}
	h.Set("Grpc-Status", "5")
	if got := GRPCStatus(h); got != "5" {
		t.Errorf("trailers-only: %q", got)
	}
	h[http.TrailerPrefix+"Grpc-Status"] = []string{"14"}
	if got := GRPCStatus(h); got != "14" {
		t.Errorf("trailer: %q", got)
	}
}
