package proxy

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/espctl/espctl/transcode"
	"github.com/espctl/espctl/translate"
)

// Handler serves a translate.Config. Its state is replaced as a whole by Reload; a request
// reads the state once at its start, so it is served by exactly one config.
type Handler struct {
	opts  Options
	pool  *transportPool
	state atomic.Pointer[state]
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
	if err := h.Reload(cfg); err != nil {
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
	h.state.Store(st)
	return nil
}

// Config returns the config being served.
func (h *Handler) Config() *translate.Config { return h.state.Load().cfg }

// Close releases idle backend connections.
func (h *Handler) Close() { h.pool.closeIdle() }

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
	return st, nil
}

// Envoy's control headers, removed from requests it does not consider internal (all of them,
// with ESPv2's defaults).
var envoyControlHeaders = []string{
	"X-Envoy-Internal", "X-Envoy-Retry-On", "X-Envoy-Retry-Grpc-On", "X-Envoy-Max-Retries",
	"X-Envoy-Retriable-Status-Codes", "X-Envoy-Retriable-Header-Names", "X-Envoy-Upstream-Alt-Stat-Name",
	"X-Envoy-Upstream-Rq-Timeout-Ms", "X-Envoy-Upstream-Rq-Per-Try-Timeout-Ms",
	"X-Envoy-Upstream-Rq-Timeout-Alt-Response", "X-Envoy-Expected-Rq-Timeout-Ms", "X-Envoy-Force-Trace",
	"X-Envoy-Ip-Tags", "X-Envoy-Original-Url", "X-Envoy-Hedge-On-Per-Try-Timeout",
}

// ServeHTTP runs one request through ESPv2's steps (see the package doc).
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	st := h.state.Load()
	if r.Header.Get("X-Request-Id") == "" {
		r.Header.Set("X-Request-Id", newRequestID())
	}
	lw := &logWriter{ResponseWriter: w}
	ex := &exchange{r: r, w: lw, st: st, h: h}
	ex.serve()
	h.logRequest(r, lw, ex, time.Since(start))
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
}

func (ex *exchange) reply(status int, msg string) {
	ex.errMsg = msg
	if ex.backend == "" {
		ex.backend = "local"
	}
	writeLocalReply(ex.w, ex.r, status, msg)
}

func (ex *exchange) serve() {
	r, st := ex.r, ex.st
	if !ex.h.opts.UnderscoresInHeaders {
		for k := range r.Header {
			if strings.Contains(k, "_") {
				ex.reply(http.StatusBadRequest, "Bad Request")
				return
			}
		}
	}
	if o := r.Header.Get("X-Http-Method-Override"); o != "" {
		r.Method = o
		r.Header.Del("X-Http-Method-Override")
	}
	rawPath, rawQuery := splitRequestURI(r)
	if st.healthz != "" && requestPathWithQuery(rawPath, rawQuery, r) == st.healthz {
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
		if m.NotAllowed != "" {
			ex.reply(http.StatusMethodNotAllowed, msgNotAllowed(m.NotAllowed))
			return
		}
		ex.reply(http.StatusNotFound, msgNotDefined)
		return
	}
	for _, k := range envoyControlHeaders {
		r.Header.Del(k)
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
	ex.backend = ms.target.String()
	switch {
	case ms.target.grpc && transcode.IsGRPCWeb(r.Header.Get("Content-Type")):
		ex.forwardGRPCWeb(ms, rawPath, rawQuery)
	case ms.target.grpc && isGRPCRequest(r):
		ex.forwardGRPC(ms, rawPath, rawQuery)
	case ms.target.grpc && st.transcoder != nil && m.Route.Kind != "healthz":
		ex.transcode(ms, m, rawQuery)
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

// newRequestID returns a random UUID (version 4), as Envoy generates for x-request-id.
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var out [36]byte
	hex.Encode(out[0:8], b[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], b[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], b[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], b[8:10])
	out[23] = '-'
	hex.Encode(out[24:], b[10:])
	return string(out[:])
}
