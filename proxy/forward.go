package proxy

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

// hopByHop are the headers a proxy never forwards (RFC 9110 7.6.1), plus `te` which is only
// kept as `te: trailers` for gRPC.
var hopByHop = []string{"Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization", "Te", "Trailer", "Transfer-Encoding", "Upgrade"}

// forwardHTTP proxies a request to an HTTP backend (or to a gRPC backend when the request is
// not transcodable), with ESPv2's path translation for remote backends.
func (ex *exchange) forwardHTTP(ms *methodState, m routeMatch, path, query string) {
	t := ms.target
	if ex.st.checkPathForRewrite {
		if strings.Contains(ex.r.RequestURI, "#") {
			ex.reply(http.StatusBadRequest, msgPathFragment)
			return
		}
		if len(path) > 8192 {
			ex.reply(http.StatusBadRequest, msgPathTooLong)
			return
		}
	}
	upPath, upQuery := path, query
	if t.translation != "" {
		upPath, upQuery = translatePath(t.translation, t.path, path, query, m.Bindings)
		if upPath != path || upQuery != query {
			if ex.r.Header.Get("X-Envoy-Original-Path") == "" {
				ex.r.Header.Set("X-Envoy-Original-Path", requestPathWithQuery(path, query, ex.r))
			}
		}
	}
	ex.roundTrip(ms, upPath, upQuery, false)
}

// forwardGRPC passes a gRPC call through unchanged: same path, metadata, streaming in both
// directions, trailers back to the client.
func (ex *exchange) forwardGRPC(ms *methodState, path, query string) {
	// gRPC over HTTP/1.1 needs both directions open at once for streaming calls.
	_ = http.NewResponseController(ex.w).EnableFullDuplex()
	ex.roundTrip(ms, path, query, true)
}

// roundTrip sends the request upstream and streams the response back. Unary calls run under
// the backend deadline (504 when it passes before the response headers); streaming calls have
// none, as in ESPv2.
func (ex *exchange) roundTrip(ms *methodState, path, query string, grpc bool) {
	r, t := ex.r, ms.target
	ctx := r.Context()
	var cancel context.CancelFunc
	var idle *idleWatch
	deadlineSet := !ms.streaming
	if deadlineSet {
		ctx, cancel = context.WithTimeout(ctx, t.deadline)
	} else {
		// Streaming calls have no deadline, only the idle timeout.
		var cancelCause context.CancelCauseFunc
		ctx, cancelCause = context.WithCancelCause(ctx)
		cancel = func() { cancelCause(nil) }
		if t.idle > 0 {
			idle = watchIdle(t.idle, cancelCause)
			defer idle.stop()
		}
	}
	defer cancel()

	// The upstream request shares the client request's header map: the inbound request is
	// this handler's to change, and a deep copy (Request.Clone) is a dozen allocations a call.
	if path == "" {
		path = "/"
	}
	ex.upURL = url.URL{Scheme: t.scheme, Host: t.hostport, Opaque: path, RawQuery: query}
	// Built on the stack and copied once by WithContext: one allocation, not two.
	tmpl := http.Request{
		Method:        r.Method,
		URL:           &ex.upURL,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        r.Header,
		Body:          r.Body,
		ContentLength: r.ContentLength,
		Host:          r.Host,
		Trailer:       r.Trailer,
	}
	out := tmpl.WithContext(ctx)
	if r.ContentLength == 0 {
		out.Body = nil
	}
	if idle != nil && out.Body != nil {
		out.Body = idle.body(out.Body)
	}
	removeHopByHop(out.Header)
	if grpc || t.grpc {
		out.Header.Set("Te", "trailers")
	}
	if !t.local {
		out.Host = t.hostname
	}
	if out.Header.Get("X-Forwarded-Proto") == "" {
		proto := "http"
		if r.TLS != nil {
			proto = "https"
		}
		out.Header.Set("X-Forwarded-Proto", proto)
	}
	// The Go client adds its own User-Agent when none is set; a proxy must not.
	if _, ok := out.Header["User-Agent"]; !ok {
		out.Header["User-Agent"] = nil
	}

	resp := ex.send(ctx, t, out, deadlineSet)
	if resp == nil {
		return
	}
	defer ex.received(resp)
	if idle != nil {
		resp.Body = idle.body(resp.Body)
	}
	copyResponse(ex.w, resp, grpc || t.grpc)
	if ctx.Err() != nil && r.Context().Err() == nil {
		// The deadline passed while the body was streaming; the client must not take a
		// truncated body for a complete one.
		panic(http.ErrAbortHandler) // net/http's way to abort a response; the server must recover it
	}
}

// send makes the backend call. When it fails it answers the client (504 past the deadline,
// 503 when the backend cannot be reached; nothing when the client left) and returns nil.
// A response must be handed to received once its body has been copied.
func (ex *exchange) send(ctx context.Context, t *target, out *http.Request, deadlineSet bool) *http.Response {
	ex.obs.BackendStart(out.Header, ex.backend)
	resp, err := ex.h.pool.get(t).RoundTrip(out)
	if err == nil {
		return resp
	}
	deadlineHit := deadlineSet && errors.Is(ctx.Err(), context.DeadlineExceeded)
	ex.obs.BackendDone(0, err, deadlineHit)
	if ex.r.Context().Err() != nil {
		// The client went away; nobody is left to answer.
		return nil
	}
	if errors.Is(context.Cause(ctx), errStreamIdle) {
		ex.reply(http.StatusRequestTimeout, msgStreamTimeout)
		return nil
	}
	status, msg := upstreamError(err, deadlineHit)
	ex.reply(status, msg)
	return nil
}

// received closes a backend response whose body was copied and ends the backend call's
// measurement.
func (ex *exchange) received(resp *http.Response) {
	resp.Body.Close()
	ex.obs.BackendDone(resp.StatusCode, nil, false)
}

func removeHopByHop(h http.Header) {
	for _, c := range h.Values("Connection") {
		for _, name := range strings.Split(c, ",") {
			if name = strings.TrimSpace(name); name != "" {
				h.Del(name)
			}
		}
	}
	for _, k := range hopByHop {
		delete(h, k) // canonical already: Del would only canonicalize them again
	}
}

// copyBuffers recycles body-copy buffers: a fresh 32 KiB buffer per request is mostly
// zeroing work and garbage.
var copyBuffers = sync.Pool{New: func() any { b := make([]byte, 32*1024); return &b }}

// copyResponse writes the upstream response to the client: status, headers, the body flushed
// as it arrives (streams and gRPC must not wait for a full buffer), then the trailers.
func copyResponse(w http.ResponseWriter, resp *http.Response, grpc bool) {
	removeHopByHop(resp.Header)
	dst := w.Header()
	for k, v := range resp.Header {
		dst[k] = v
	}
	if grpc {
		// ESPv2's gRPC metadata scrubber: without content-length, HTTP/1.1 clients get the
		// trailers (chunked encoding).
		dst.Del("Content-Length")
	}
	w.WriteHeader(resp.StatusCode)
	flush := grpc || resp.ContentLength < 0
	bp := copyBuffers.Get().(*[]byte)
	defer copyBuffers.Put(bp)
	buf := *bp
	var rc *http.ResponseController
	if flush {
		rc = http.NewResponseController(w)
	}
	for {
		n, err := resp.Body.Read(buf)
		if n > 0 {
			if _, werr := w.Write(buf[:n]); werr != nil {
				return
			}
			if flush {
				_ = rc.Flush()
			}
		}
		if err != nil {
			if err != io.EOF {
				panic(http.ErrAbortHandler) // net/http's way to abort a response; the server must recover it
			}
			break
		}
	}
	// Trailers are only complete after the body's EOF; TrailerPrefix sends them without
	// announcing them first (HTTP/2, and chunked HTTP/1.1).
	for k, v := range resp.Trailer {
		dst[http.TrailerPrefix+k] = v
	}
}
