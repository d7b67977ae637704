// Package admin is the admin listener of `espctl run` (--admin_port, --admin_address): an HTML
// page of what the proxy is running and how it is doing, and the machine-readable endpoints
// behind it.
//
//	/              the page: config id, method table with bindings, backends and live counts,
//	               recent reloads (server-rendered, no JavaScript; ?refresh=10 reloads it)
//	/metrics       Prometheus metrics (observe.Metrics)
//	/healthz       200 while a config is being served
//	/config        the running translate.Config as JSON, secrets redacted
//	/debug/pprof/  Go profiles, only with Options.Pprof
//
// New returns the handler; Serve puts it on a port, on loopback unless told otherwise
// (--admin_address), because the page shows the whole API surface and pprof can slow the
// process.
package admin

import (
	"net/http"
	"net/http/pprof"
	"time"

	"github.com/espctl/espctl/observe"
	"github.com/espctl/espctl/translate"
)

// Options are the admin listener's switches.
type Options struct {
	// Pprof serves net/http/pprof under /debug/pprof/ (--admin_pprof).
	Pprof bool
}

// StateSource gives the config being served. *proxy.Handler satisfies it.
type StateSource interface {
	Config() *translate.Config
}

// New returns the admin handler. metrics may be nil (then the page has no counts and /metrics
// is 404); src must not be nil.
func New(opts Options, src StateSource, metrics *observe.Metrics) http.Handler {
	return newServer(opts, src, metrics, time.Now)
}

type server struct {
	opts    Options
	src     StateSource
	metrics *observe.Metrics
	now     func() time.Time
	rates   rateWindow
}

func newServer(opts Options, src StateSource, metrics *observe.Metrics, now func() time.Time) http.Handler {
	s := &server{opts: opts, src: src, metrics: metrics, now: now}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.page)
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /config", s.config)
	if metrics != nil {
		mux.Handle("GET /metrics", metrics.Handler())
	}
	if opts.Pprof {
		// Registered here, not on http.DefaultServeMux, so importing this package never
		// exposes profiles by accident.
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
		mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	}
	return mux
}

// healthz answers 200 while a config is being served: the proxy's liveness, on the admin port
// so that probes need not go through the API's routes.
func (s *server) healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if s.src.Config() == nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(`{"status":"no config"}` + "\n"))
		return
	}
	_, _ = w.Write([]byte(`{"status":"ok"}` + "\n"))
}
