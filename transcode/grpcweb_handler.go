package transcode

import (
	"io"
	"net/http"
	"strings"
)

// GRPCWeb wraps a handler that serves native gRPC (typically the proxy's gRPC passthrough) so
// it also serves gRPC-Web clients, as Envoy's grpc_web filter does in front of ESPv2's router:
//
//   - a POST with a gRPC-Web Content-Type reaches next as gRPC: Content-Type
//     `application/grpc` (`+proto` kept), body base64-decoded for grpc-web-text, no
//     Content-Length, `te: trailers`;
//   - next's response goes back as gRPC-Web: Content-Type `application/grpc-web+proto` (or
//     `-text+proto`), messages passed through (base64 for text), and the trailers, which
//     HTTP/1.1 browsers cannot read, appended as the 0x80 trailers frame. A trailers-only
//     response (grpc-status in the headers, no body) keeps its status in the headers.
//
// Every other request goes to next unchanged.
func GRPCWeb(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ct := r.Header.Get("Content-Type")
		if r.Method != http.MethodPost || !IsGRPCWeb(ct) {
			next.ServeHTTP(w, r)
			return
		}
		text := IsGRPCWebText(ct)
		in := r.Clone(r.Context())
		in.Header.Set("Content-Type", GRPCRequestContentType(ct))
		in.Header.Del("Content-Length")
		in.Header.Set("Te", "trailers")
		in.ContentLength = -1
		in.Body = readCloser{GRPCWebRequestBody(r.Body, text), r.Body}
		gw := &grpcWebResponseWriter{w: w, text: text, header: http.Header{}}
		next.ServeHTTP(gw, in)
		gw.finish()
	})
}

type readCloser struct {
	io.Reader
	io.Closer
}

// grpcWebResponseWriter is the ResponseWriter next writes its gRPC response to.
type grpcWebResponseWriter struct {
	w         http.ResponseWriter
	text      bool
	header    http.Header // what next sets, trailers included
	announced []string    // trailer names announced with the Trailer header
	body      *GRPCWebWriter
	wrote     bool // WriteHeader happened
	wroteBody bool
}

func (g *grpcWebResponseWriter) Header() http.Header { return g.header }

func (g *grpcWebResponseWriter) WriteHeader(code int) {
	if g.wrote {
		return
	}
	g.wrote = true
	out := g.w.Header()
	for k, v := range g.header {
		switch {
		case k == "Trailer":
			for _, names := range v {
				for _, name := range strings.Split(names, ",") {
					if name = strings.TrimSpace(name); name != "" {
						g.announced = append(g.announced, http.CanonicalHeaderKey(name))
					}
				}
			}
		case k == "Content-Length", strings.HasPrefix(k, http.TrailerPrefix):
		default:
			out[k] = append([]string(nil), v...)
		}
	}
	// Announced trailers are not headers; drop what next may already have set for them.
	for _, name := range g.announced {
		if _, already := g.header[name]; !already {
			continue
		}
		delete(g.header, name)
		delete(out, name)
	}
	out.Set("Content-Type", GRPCWebResponseContentType(g.text))
	g.w.WriteHeader(code)
	g.body = NewGRPCWebWriter(g.w, g.text)
}

func (g *grpcWebResponseWriter) Write(p []byte) (int, error) {
	if !g.wrote {
		g.WriteHeader(http.StatusOK)
	}
	if len(p) > 0 {
		g.wroteBody = true
	}
	return g.body.Write(p)
}

// Flush lets streamed messages reach the browser as they arrive.
func (g *grpcWebResponseWriter) Flush() {
	if !g.wrote {
		g.WriteHeader(http.StatusOK)
	}
	_ = http.NewResponseController(g.w).Flush()
}

// Unwrap gives http.ResponseController access to the real writer.
func (g *grpcWebResponseWriter) Unwrap() http.ResponseWriter { return g.w }

// finish writes the trailers frame from what next set after the headers.
func (g *grpcWebResponseWriter) finish() {
	if !g.wrote {
		g.WriteHeader(http.StatusOK)
	}
	trailers := http.Header{}
	for _, name := range g.announced {
		if v, ok := g.header[name]; ok {
			trailers[name] = v
		}
	}
	for k, v := range g.header {
		if strings.HasPrefix(k, http.TrailerPrefix) {
			trailers[http.CanonicalHeaderKey(strings.TrimPrefix(k, http.TrailerPrefix))] = v
		}
	}
	if len(trailers) == 0 && !g.wroteBody {
		// Trailers-only: the status already went out in the headers.
		return
	}
	_ = g.body.WriteTrailers(trailers)
}
