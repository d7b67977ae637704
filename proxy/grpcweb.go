package proxy

import (
	"context"
	"io"
	"net/http"
	"net/url"

	"github.com/espctl/espctl/transcode"
)

// forwardGRPCWeb converts a gRPC-Web call to gRPC for the backend and the answer back, as
// ESPv2's grpc_web filter: the body's frames go through (base64-decoded for grpc-web-text), the
// response frames come back the same way, and the trailers become the final 0x80 frame.
func (ex *exchange) forwardGRPCWeb(ms *methodState, path, query string) {
	r, t := ex.r, ms.target
	ct := r.Header.Get("Content-Type")
	text := transcode.IsGRPCWebText(ct)
	ctx, cancel := context.WithCancel(r.Context())
	deadlineSet := !ms.streaming
	if deadlineSet {
		cancel()
		ctx, cancel = context.WithTimeout(r.Context(), t.deadline)
	}
	defer cancel()

	out := r.Clone(ctx)
	out.RequestURI = ""
	out.URL = &url.URL{Scheme: t.scheme, Host: t.hostport, Opaque: path, RawQuery: query}
	out.Body = io.NopCloser(transcode.GRPCWebRequestBody(r.Body, text))
	out.ContentLength = -1
	removeHopByHop(out.Header)
	out.Header.Del("Content-Length")
	out.Header.Set("Content-Type", transcode.GRPCRequestContentType(ct))
	out.Header.Set("Te", "trailers")
	if !t.local {
		out.Host = t.hostname
	}
	resp := ex.send(ctx, t, out, deadlineSet)
	if resp == nil {
		return
	}
	defer ex.received(resp)
	removeHopByHop(resp.Header)
	dst := ex.w.Header()
	for k, v := range resp.Header {
		dst[k] = v
	}
	dst.Del("Content-Length")
	if resp.StatusCode == http.StatusOK {
		dst.Set("Content-Type", transcode.GRPCWebResponseContentType(text))
	}
	ex.w.WriteHeader(resp.StatusCode)
	gw := transcode.NewGRPCWebWriter(ex.w, text)
	rc := http.NewResponseController(ex.w)
	bp := copyBuffers.Get().(*[]byte)
	defer copyBuffers.Put(bp)
	buf := *bp
	for {
		n, err := resp.Body.Read(buf)
		if n > 0 {
			if _, werr := gw.Write(buf[:n]); werr != nil {
				return
			}
			_ = rc.Flush()
		}
		if err != nil {
			if err != io.EOF {
				panic(http.ErrAbortHandler) // net/http's way to abort a response; the server must recover it
			}
			break
		}
	}
	if len(resp.Trailer) > 0 {
		_ = gw.WriteTrailers(resp.Trailer)
	} else if text {
		_ = gw.WriteTrailers(http.Header{})
	}
}
