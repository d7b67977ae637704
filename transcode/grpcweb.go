package transcode

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	"net/http"
	"sort"
	"strings"
)

// gRPC-Web content types, as Envoy's grpc_web filter reads and writes them.
const (
	GRPCWebContentType          = "application/grpc-web"
	GRPCWebProtoContentType     = "application/grpc-web+proto"
	GRPCWebTextContentType      = "application/grpc-web-text"
	GRPCWebTextProtoContentType = "application/grpc-web-text+proto"
)

// IsGRPC reports whether a Content-Type is native gRPC (`application/grpc`, `+proto`, ...):
// such requests are passed through, never transcoded.
func IsGRPC(contentType string) bool {
	return hasMediaPrefix(contentType, "application/grpc") && !IsGRPCWeb(contentType)
}

// IsGRPCWeb reports whether a Content-Type is gRPC-Web, binary or text.
func IsGRPCWeb(contentType string) bool {
	return hasMediaPrefix(contentType, GRPCWebContentType)
}

// IsGRPCWebText reports whether a Content-Type is the base64 gRPC-Web variant.
func IsGRPCWebText(contentType string) bool {
	return hasMediaPrefix(contentType, GRPCWebTextContentType)
}

// hasMediaPrefix matches the media type (parameters dropped) against base, allowing a
// `+suffix` or `-text` tail as gRPC content types do.
func hasMediaPrefix(contentType, base string) bool {
	mt := contentType
	if i := strings.IndexByte(mt, ';'); i >= 0 {
		mt = mt[:i]
	}
	mt = strings.TrimSpace(mt)
	if len(mt) < len(base) || !strings.EqualFold(mt[:len(base)], base) {
		return false
	}
	rest := mt[len(base):]
	return rest == "" || rest[0] == '+' || rest[0] == '-'
}

// GRPCRequestContentType is the Content-Type sent to the backend for a gRPC-Web request:
// `application/grpc` plus the original `+suffix`, as Envoy rewrites it.
func GRPCRequestContentType(grpcWebContentType string) string {
	mt, _, err := mime.ParseMediaType(grpcWebContentType)
	if err != nil {
		return GRPCContentType
	}
	if i := strings.IndexByte(mt, '+'); i >= 0 {
		return GRPCContentType + mt[i:]
	}
	return GRPCContentType
}

// GRPCWebResponseContentType is the Content-Type of the response to a gRPC-Web client:
// `application/grpc-web+proto` or, for text requests, `application/grpc-web-text+proto`.
func GRPCWebResponseContentType(text bool) string {
	if text {
		return GRPCWebTextProtoContentType
	}
	return GRPCWebProtoContentType
}

// GRPCWebRequestBody returns the gRPC frames of a gRPC-Web request body: the body itself, or
// for grpc-web-text its base64 decoding. Text bodies may be several base64 chunks each with
// its own padding (browsers send them that way), so decoding restarts after every padded
// quantum; whitespace is skipped.
func GRPCWebRequestBody(body io.Reader, text bool) io.Reader {
	if !text {
		return body
	}
	return &base64ChunkReader{src: body}
}

type base64ChunkReader struct {
	src  io.Reader
	in   []byte // undecoded input, less than one quantum
	out  []byte // decoded, not yet returned
	err  error
	read [4096]byte
}

func (r *base64ChunkReader) Read(p []byte) (int, error) {
	for len(r.out) == 0 {
		if r.err != nil {
			if r.err == io.EOF && len(r.in) > 0 {
				r.in = nil
				return 0, io.ErrUnexpectedEOF
			}
			return 0, r.err
		}
		n, err := r.src.Read(r.read[:])
		for _, c := range r.read[:n] {
			switch c {
			case ' ', '\t', '\r', '\n':
				continue
			}
			r.in = append(r.in, c)
		}
		r.err = err
		whole := len(r.in) / 4 * 4
		if whole == 0 {
			continue
		}
		dec := make([]byte, base64.StdEncoding.DecodedLen(whole))
		m := 0
		// Decode quantum by quantum region between paddings: StdEncoding rejects padding in
		// the middle of its input, so split after each '=' group.
		chunk := r.in[:whole]
		for len(chunk) > 0 {
			end := len(chunk)
			if i := bytes.IndexByte(chunk, '='); i >= 0 {
				end = (i/4 + 1) * 4
			}
			k, derr := base64.StdEncoding.Decode(dec[m:], chunk[:end])
			if derr != nil {
				r.err = derr
				break
			}
			m += k
			chunk = chunk[end:]
		}
		r.out = dec[:m]
		r.in = append(r.in[:0], r.in[whole:]...)
	}
	n := copy(p, r.out)
	r.out = r.out[n:]
	return n, nil
}

// GRPCWebWriter turns a gRPC response into a gRPC-Web response body: message frames pass
// through (base64-encoded for text clients), and the trailers become a final frame with flag
// 0x80 holding `name:value\r\n` lines, as Envoy's grpc_web filter writes them.
type GRPCWebWriter struct {
	w    io.Writer
	text bool
	enc  io.WriteCloser
}

// NewGRPCWebWriter writes the gRPC-Web body to w.
func NewGRPCWebWriter(w io.Writer, text bool) *GRPCWebWriter {
	g := &GRPCWebWriter{w: w, text: text}
	if text {
		g.enc = base64.NewEncoder(base64.StdEncoding, w)
	}
	return g
}

// Write passes gRPC frames (as received from the backend) through.
func (g *GRPCWebWriter) Write(p []byte) (int, error) {
	if g.text {
		return g.enc.Write(p)
	}
	return g.w.Write(p)
}

// WriteTrailers writes the trailers frame and, for text, flushes the base64 padding. Call once,
// last; AppendTrailerFrame describes the frame.
func (g *GRPCWebWriter) WriteTrailers(trailers http.Header) error {
	frame := AppendTrailerFrame(nil, trailers)
	if _, err := g.Write(frame); err != nil {
		return err
	}
	if g.text {
		return g.enc.Close()
	}
	return nil
}

// AppendTrailerFrame appends the gRPC-Web trailers frame for trailers to dst. Names are
// lower-case; grpc-status and grpc-message come first (the order gRPC servers send them and
// Envoy keeps), the others follow sorted so the output is stable.
func AppendTrailerFrame(dst []byte, trailers http.Header) []byte {
	names := make([]string, 0, len(trailers))
	for k := range trailers {
		names = append(names, k)
	}
	sort.Slice(names, func(i, j int) bool {
		ri, rj := trailerRank(names[i]), trailerRank(names[j])
		if ri != rj {
			return ri < rj
		}
		return strings.ToLower(names[i]) < strings.ToLower(names[j])
	})
	var payload []byte
	for _, k := range names {
		lk := strings.ToLower(k)
		for _, v := range trailers[k] {
			payload = append(payload, lk...)
			payload = append(payload, ':')
			payload = append(payload, v...)
			payload = append(payload, '\r', '\n')
		}
	}
	return AppendFrameFlags(dst, FlagTrailers, payload)
}

func trailerRank(name string) int {
	switch strings.ToLower(name) {
	case "grpc-status":
		return 0
	case "grpc-message":
		return 1
	}
	return 2
}
