package observe

import (
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics records what the proxy does as Prometheus metrics. Every method is safe for
// concurrent use, and every method of a nil *Metrics does nothing, so the proxy can call them
// unconditionally.
type Metrics struct {
	registry *prometheus.Registry
	started  time.Time

	requests         *prometheus.CounterVec
	requestDuration  *prometheus.HistogramVec
	backendDuration  *prometheus.HistogramVec
	overheadDuration *prometheus.HistogramVec
	requestSize      *prometheus.HistogramVec
	responseSize     *prometheus.HistogramVec
	authFailures     *prometheus.CounterVec
	apiKeyRejections *prometheus.CounterVec
	quotaDenials     *prometheus.CounterVec
	backendErrors    *prometheus.CounterVec
	reloads          *prometheus.CounterVec
	configInfo       *prometheus.GaugeVec
	lastReloadOK     prometheus.Gauge
	lastReloadTime   prometheus.Gauge

	// series holds each method's pre-resolved children, so a request looks up one map and
	// allocates nothing (a Vec lookup hashes every label value on every call).
	series    atomic.Pointer[map[string]*methodSeries]
	seriesMu  sync.Mutex
	methods   boundedLabel
	reasons   boundedLabel
	reloadLog reloadLog
}

// methodSeries are one method's histograms and its per-code counters.
type methodSeries struct {
	// label is the method label value (the selector, or OtherLabel past the limit).
	label                                               string
	total, backend, overhead, requestSize, responseSize prometheus.Observer
	codes                                               atomic.Pointer[map[codeKey]prometheus.Counter]
	mu                                                  sync.Mutex
	// count, clientErrors and serverErrors repeat the requests counter per method, for the
	// admin page, which then needs no gather.
	count, clientErrors, serverErrors atomic.Int64
}

// codeKey is a normalized (HTTP code, gRPC code name) pair: whatever a backend sends, the
// number of keys stays bounded.
type codeKey struct {
	http int
	grpc string
}

// Buckets. Durations in seconds: the request and backend ones reach the 15 s default deadline;
// the overhead one is finer, since the proxy's own work is sub-millisecond when all is well.
var (
	durationBuckets = []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30}
	overheadBuckets = []float64{0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1}
	// sizeBuckets: 64 B to 16 MiB by fours.
	sizeBuckets = prometheus.ExponentialBuckets(64, 4, 10)
)

// NewMetrics registers espctl's metrics, and the Go runtime and process collectors, on reg.
// A nil reg gets a new registry; Registry returns it (for the /metrics handler). It fails only
// when reg already has metrics of the same names.
func NewMetrics(reg *prometheus.Registry) (*Metrics, error) {
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	method := []string{"method"}
	m := &Metrics{
		registry: reg,
		started:  time.Now(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "espctl_requests_total",
			Help: "Requests served, by API method (selector), HTTP status code and gRPC status (empty when not a gRPC call).",
		}, []string{"method", "code", "grpc_code"}),
		requestDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "espctl_request_duration_seconds", Buckets: durationBuckets,
			Help: "Time from the request's arrival to the end of the response, by API method.",
		}, method),
		backendDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "espctl_backend_duration_seconds", Buckets: durationBuckets,
			Help: "Time spent waiting on the backend (request sent to response finished), by API method; requests answered by the proxy itself are not counted.",
		}, method),
		overheadDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "espctl_overhead_duration_seconds", Buckets: overheadBuckets,
			Help: "Time the proxy itself adds (request duration minus backend duration), by API method.",
		}, method),
		requestSize: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "espctl_request_size_bytes", Buckets: sizeBuckets,
			Help: "Request body sizes, by API method.",
		}, method),
		responseSize: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "espctl_response_size_bytes", Buckets: sizeBuckets,
			Help: "Response body sizes, by API method.",
		}, method),
		authFailures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "espctl_auth_failures_total",
			Help: "Requests rejected by JWT authentication, by reason.",
		}, []string{"reason"}),
		apiKeyRejections: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "espctl_api_key_rejections_total",
			Help: "Requests rejected by the API key check, by reason.",
		}, []string{"reason"}),
		quotaDenials: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "espctl_quota_denials_total",
			Help: "Requests denied by quota, by reason.",
		}, []string{"reason"}),
		backendErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "espctl_backend_errors_total",
			Help: "Backend calls that failed before a response, by kind (connect, timeout, tls, reset, other).",
		}, []string{"kind"}),
		reloads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "espctl_config_reloads_total",
			Help: "Config loads (the first one included), by result (success, failure).",
		}, []string{"result"}),
		configInfo: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "espctl_config_info",
			Help: "The config being served: always 1, with its service name and config id as labels.",
		}, []string{"service", "config_id"}),
		lastReloadOK: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "espctl_config_last_reload_successful",
			Help: "1 when the last config load succeeded, 0 when it failed (the previous config keeps serving).",
		}),
		lastReloadTime: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "espctl_config_last_reload_success_timestamp_seconds",
			Help: "Unix time of the last successful config load.",
		}),
	}
	empty := map[string]*methodSeries{}
	m.series.Store(&empty)
	var errs []error
	for _, c := range []prometheus.Collector{
		m.requests, m.requestDuration, m.backendDuration, m.overheadDuration, m.requestSize,
		m.responseSize, m.authFailures, m.apiKeyRejections, m.quotaDenials, m.backendErrors,
		m.reloads, m.configInfo, m.lastReloadOK, m.lastReloadTime,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	} {
		if err := reg.Register(c); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("registering metrics: %w", err)
	}
	// Zero-valued series so dashboards and alerts see the reload counters before the first event.
	m.reloads.WithLabelValues("success")
	m.reloads.WithLabelValues("failure")
	for _, kind := range []string{BackendConnect, BackendTimeout, BackendTLS, BackendReset, BackendOther} {
		m.backendErrors.WithLabelValues(kind)
	}
	return m, nil
}

// Registry is the registry the metrics live in; serve it with promhttp.HandlerFor.
func (m *Metrics) Registry() *prometheus.Registry {
	if m == nil {
		return nil
	}
	return m.registry
}

// seriesFor returns the method's series, creating them on first use.
func (m *Metrics) seriesFor(selector string) *methodSeries {
	if selector == "" {
		selector = UnknownMethod
	}
	if s := (*m.series.Load())[selector]; s != nil {
		return s
	}
	m.seriesMu.Lock()
	defer m.seriesMu.Unlock()
	label := m.methods.value(validLabel(selector))
	cur := *m.series.Load()
	if s := cur[selector]; s != nil {
		return s
	}
	s := cur[label]
	if s == nil {
		s = &methodSeries{
			label:        label,
			total:        m.requestDuration.WithLabelValues(label),
			backend:      m.backendDuration.WithLabelValues(label),
			overhead:     m.overheadDuration.WithLabelValues(label),
			requestSize:  m.requestSize.WithLabelValues(label),
			responseSize: m.responseSize.WithLabelValues(label),
		}
		codes := map[codeKey]prometheus.Counter{}
		s.codes.Store(&codes)
	}
	// Copy on write: readers never lock, and selectors are few and mostly known at start.
	// Past the label limit only OtherLabel itself is added, so the map stays bounded too
	// (those selectors take the locked path every time; a bug path, kept cheap in memory).
	next := make(map[string]*methodSeries, len(cur)+1)
	for k, v := range cur {
		next[k] = v
	}
	next[label] = s
	if label != OtherLabel {
		next[selector] = s
	}
	m.series.Store(&next)
	return s
}

// counter returns the requests counter of one (method, code, grpc_code).
func (m *Metrics) counter(s *methodSeries, k codeKey) prometheus.Counter {
	if c := (*s.codes.Load())[k]; c != nil {
		return c
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cur := *s.codes.Load()
	if c := cur[k]; c != nil {
		return c
	}
	c := m.requests.WithLabelValues(s.label, httpCodeLabel(k.http), k.grpc)
	next := make(map[codeKey]prometheus.Counter, len(cur)+1)
	for kk, v := range cur {
		next[kk] = v
	}
	next[k] = c
	s.codes.Store(&next)
	return c
}

// Handler serves the registry in the Prometheus text format (and OpenMetrics when asked).
func (m *Metrics) Handler() http.Handler {
	if m == nil {
		return http.NotFoundHandler()
	}
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{EnableOpenMetrics: true})
}
