package proxy

import (
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/espctl/espctl/headerpolicy"
	"github.com/espctl/espctl/jwtauth"
	"github.com/espctl/espctl/observe"
	"github.com/espctl/espctl/quota"
	"github.com/espctl/espctl/transcode"
	"github.com/espctl/espctl/translate"
)

// Handler serves a translate.Config. Its state is replaced as a whole by Reload; a request
// reads the state once at its start, so it is served by exactly one config.
type Handler struct {
	opts  Options
	pool  *transportPool
	state atomic.Pointer[state]
	// limiter keeps its counters across reloads (quota.Limiter.Reload); nil without quotas.
	limiter *quota.Limiter
}

// state is everything built from one Config.
type state struct {
	cfg     *translate.Config
	router  *router
	methods map[string]*methodState
	healthz string
	// checkPathForRewrite is true when some backend uses path translation: ESPv2 then rejects
	// paths with '#' or longer than 8192 bytes.
	checkPathForRewrite bool
	transcoder          transcoder
	// jwt authenticates requests for this config's providers and rules.
	jwt *jwtauth.Authenticator
}

// methodState is one Config.Methods entry with its resolved backend.
type methodState struct {
	method    *translate.Method
	target    *target
	streaming bool
}

// New builds a Handler for cfg. It fails when a route template or a backend cannot be used.
func New(cfg *translate.Config, opts Options) (*Handler, error) {
	h := &Handler{opts: opts, pool: newTransportPool(opts.BackendTLS)}
	if opts.Quota != nil && opts.APIKeys != nil {
		lim, err := quota.New(cfg, *opts.Quota)
		if err != nil {
			return nil, fmt.Errorf("quota: %w", err)
		}
		h.limiter = lim
	}
	if err := h.Reload(cfg); err != nil {
		h.Close()
		return nil, err
	}
	return h, nil
}

// Reload builds a new state from cfg and swaps it in; on error the current config keeps serving.
func (h *Handler) Reload(cfg *translate.Config) error {
	st, err := buildState(cfg, h.opts)
	if err != nil {
		return err
	}
	if h.limiter != nil {
		if err := h.limiter.Reload(cfg); err != nil {
			st.jwt.Close()
			return fmt.Errorf("quota: %w", err)
		}
	}
	if old := h.state.Swap(st); old != nil {
		// Requests still running on the old state keep the keys it holds; it fetches no more.
		old.jwt.Close()
	}
	return nil
}

// Config returns the config being served.
func (h *Handler) Config() *translate.Config { return h.state.Load().cfg }

// Close releases idle backend connections and stops key refreshes and quota connections.
func (h *Handler) Close() {
	h.pool.closeIdle()
	if st := h.state.Load(); st != nil {
		st.jwt.Close()
	}
	if h.limiter != nil {
		_ = h.limiter.Close()
	}
}

func buildState(cfg *translate.Config, opts Options) (*state, error) {
	if cfg == nil {
		return nil, errors.New("no config")
	}
	rt, err := newRouter(cfg.Routes)
	if err != nil {
		return nil, err
	}
	st := &state{cfg: cfg, router: rt, methods: map[string]*methodState{}, healthz: cfg.Healthz}
	if st.healthz != "" && !strings.HasPrefix(st.healthz, "/") {
		st.healthz = "/" + st.healthz
	}
	var errs []error
	for i := range cfg.Methods {
		m := &cfg.Methods[i]
		t, err := resolveTarget(m.Backend, cfg.LocalBackend, opts.deadline())
		if err != nil {
			errs = append(errs, fmt.Errorf("method %s: %w", m.Selector, err))
			continue
		}
		if t.translation != "" {
			st.checkPathForRewrite = true
		}
		st.methods[m.Selector] = &methodState{method: m, target: t, streaming: m.RequestStreaming || m.ResponseStreaming}
	}
	for _, r := range cfg.Routes {
		if r.Selector != "" && st.methods[r.Selector] == nil && r.Kind != "healthz" {
			errs = append(errs, fmt.Errorf("route %s %s: unknown method %s", r.Method, r.Pattern, r.Selector))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	st.transcoder, err = newTranscoder(cfg, opts.Transcoding)
	if err != nil {
		return nil, fmt.Errorf("transcoding: %w", err)
	}
	if st.jwt, err = jwtauth.New(cfg, opts.JWT); err != nil {
		return nil, fmt.Errorf("jwt authentication: %w", err)
	}
	return st, nil
}

// ServeHTTP runs one request through ESPv2's steps (see the package doc).
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	st := h.state.Load()
	r, obs := h.opts.Observer.Begin(r)
	// One allocation for the exchange and its response writer.
	ex := &exchange{r: r, st: st, h: h, obs: obs}
	ex.lw.ResponseWriter = w
	ex.w = &ex.lw
	lw := ex.w
	// Deferred: a deadline passing mid-body aborts the handler with a panic (ErrAbortHandler),
	// and that request must still be counted and logged.
	defer func() {
		ex.obs.Finish(lw.status, lw.Header(), lw.bytes)
		h.logRequest(r, lw, ex, time.Since(start))
	}()
	ex.serve()
}

// exchange is one request on its way through the handler.
type exchange struct {
	h  *Handler
	st *state
	r  *http.Request
	w  *logWriter
	// backend names the upstream for the access log ("local" for replies made here).
	backend string
	// errMsg is the text of a local error reply, for the access log.
	errMsg string
	// clientIP is the client address as Envoy works it out (headerpolicy.Forwarding).
	clientIP netip.Addr
	// obs records the request's metrics and trace.
	obs observe.Exchange

	// lw is what w points to, and upURL the upstream request's URL: kept here so they are
	// not allocations of their own.
	lw    logWriter
	upURL url.URL
}

func (ex *exchange) reply(status int, msg string) {
	ex.errMsg = msg
	if ex.backend == "" {
		ex.backend = "local"
	}
	if ex.h.opts.ErrorFormatV1 && !isGRPCRequest(ex.r) {
		s, m, cause := headerpolicy.V1RoutingReply(status, msg)
		headerpolicy.WriteV1Error(ex.w, ex.r, s, m, cause)
		return
	}
	writeLocalReply(ex.w, ex.r, status, msg)
}

func (ex *exchange) serve() {
	r, st, opts := ex.r, ex.st, &ex.h.opts
	ex.clientIP = opts.Forwarding.Apply(r)
	if err := headerpolicy.CheckUnderscores(r.Header, opts.UnderscoresInHeaders); err != nil {
		ex.reply(http.StatusBadRequest, headerpolicy.MsgUnderscores)
		return
	}
	if o := r.Header.Get("X-Http-Method-Override"); o != "" {
		r.Method = o
		r.Header.Del("X-Http-Method-Override")
	}
	headerpolicy.SetHSTS(ex.w.Header(), opts.HSTS)
	if opts.CORS != nil {
		ex.w.ResponseWriter = opts.CORS.Wrap(ex.w.ResponseWriter, r)
		if opts.CORS.Preflight(ex.w, r) {
			ex.backend = "local"
			return
		}
	}
	rawPath, rawQuery := splitRequestURI(r)
	if st.healthz != "" && requestPathWithQuery(rawPath, rawQuery, r) == st.healthz {
		ex.obs.Route(translate.HealthCheckOperation)
		ex.backend = "local"
		w := ex.w
		body := localReplyBody(http.StatusOK, "")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body)
		return
	}
	path := normalizePath(rawPath, !ex.h.opts.DisableNormalizePath, !ex.h.opts.DisableMergeSlashes)
	m := st.router.match(r.Method, path)
	if m.Route == nil {
		ex.obs.Route("")
		if opts.CORS.RejectUnrouted(ex.w, r, func(_ http.ResponseWriter, _ *http.Request, s int, msg string) { ex.reply(s, msg) }) {
			return
		}
		if m.NotAllowed != "" {
			ex.reply(http.StatusMethodNotAllowed, msgNotAllowed(m.NotAllowed))
			return
		}
		ex.reply(http.StatusNotFound, msgNotDefined)
		return
	}
	var ms *methodState
	if m.Route.Selector != "" {
		ms = st.methods[m.Route.Selector]
	}
	if ms == nil {
		// The health route (`GET <healthz>/` and friends) goes to the local backend as is.
		t, err := resolveTarget(translate.Backend{Local: true}, st.cfg.LocalBackend, ex.h.opts.deadline())
		if err != nil {
			ex.reply(http.StatusServiceUnavailable, msgNoHealthy)
			return
		}
		ms = &methodState{target: t, method: &translate.Method{}}
	}
	selector := m.Route.Selector
	if selector == "" {
		selector = m.Route.Operation
	}
	ex.obs.Route(selector)
	var op *translate.Method
	if m.Route.Selector != "" && (m.Route.Kind == translate.RouteHTTP || m.Route.Kind == translate.RouteGRPC) {
		op = ms.method
	}
	if !ex.admit(op) {
		return
	}
	ex.backend = ms.target.String()
	switch {
	case ms.target.grpc && transcode.IsGRPCWeb(r.Header.Get("Content-Type")):
		ex.forwardGRPCWeb(ms, rawPath, rawQuery)
	case ms.target.grpc && isGRPCRequest(r):
		ex.forwardGRPC(ms, rawPath, rawQuery)
	case ms.target.grpc && st.transcoder != nil && m.Route.Kind != "healthz":
		ex.transcode(ms, m, path, rawQuery)
	default:
		ex.forwardHTTP(ms, m, path, rawQuery)
	}
}

// splitRequestURI returns the path and query exactly as the client sent them.
func splitRequestURI(r *http.Request) (string, string) {
	uri := r.RequestURI
	if !strings.HasPrefix(uri, "/") {
		// absolute-form (`GET http://host/path`), or a request built in process
		return r.URL.EscapedPath(), r.URL.RawQuery
	}
	if i := strings.IndexByte(uri, '?'); i >= 0 {
		return uri[:i], uri[i+1:]
	}
	return uri, ""
}

func requestPathWithQuery(path, query string, r *http.Request) string {
	if query != "" || strings.HasSuffix(r.RequestURI, "?") {
		return path + "?" + query
	}
	return path
}
