package proxy

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
)

// ESPv2's texts for the replies it makes itself (headers-and-errors.md section 2), byte for byte.
const (
	msgNotDefined      = "The current request is not defined by this API."
	msgTimeout         = "upstream request timeout"
	msgStreamTimeout   = "stream timeout"
	msgNoHealthy       = "no healthy upstream"
	msgConnectRefused  = "upstream connect error or disconnect/reset before headers. retried and the latest reset reason: remote connection failure, transport failure reason: delayed connect error: 111"
	msgConnectFailure  = "upstream connect error or disconnect/reset before headers. retried and the latest reset reason: remote connection failure, transport failure reason: "
	msgConnectionReset = "upstream connect error or disconnect/reset before headers. reset reason: connection termination"
	msgPathTooLong     = "Path is too long, max allowed size is 8192."
	msgPathFragment    = "Path cannot contain fragment identifier (#)"
)

func msgNotAllowed(template string) string {
	return `The current request is matched to the defined url template "` + template + `" but its http method is not allowed`
}

// localReply is the body of every reply the proxy makes itself: `{"code":<HTTP status>,"message":"..."}`.
type localReply struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

func localReplyBody(status int, message string) []byte {
	b, _ := json.Marshal(localReply{Code: status, Message: message})
	return b
}

// isGRPCRequest reports whether the client speaks gRPC (or gRPC-Web), so local replies must be
// gRPC statuses instead of JSON bodies.
func isGRPCRequest(r *http.Request) bool {
	return strings.HasPrefix(r.Header.Get("Content-Type"), "application/grpc")
}

// writeLocalReply answers the request from the proxy itself, as Envoy's local-reply path does
// in ESPv2: JSON for HTTP clients; for gRPC clients a trailers-only response whose grpc-status is
// the HTTP status mapped to gRPC and whose grpc-message is the JSON body (section 1.4).
func writeLocalReply(w http.ResponseWriter, r *http.Request, status int, message string) {
	body := localReplyBody(status, message)
	h := w.Header()
	if isGRPCRequest(r) {
		ct := r.Header.Get("Content-Type")
		if !strings.HasPrefix(ct, "application/grpc-web") {
			ct = "application/grpc"
		}
		h.Set("Content-Type", ct)
		h.Set("Grpc-Status", strconv.Itoa(httpToGRPCCode(status)))
		h.Set("Grpc-Message", grpcPercentEncode(string(body)))
		w.WriteHeader(http.StatusOK)
		return
	}
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// httpToGRPCCode is Envoy's HTTP -> gRPC status table (headers-and-errors.md 3.1).
func httpToGRPCCode(status int) int {
	switch status {
	case 400:
		return 13
	case 401:
		return 16
	case 403:
		return 7
	case 404:
		return 12
	case 429, 502, 503, 504:
		return 14
	}
	return 2
}

// grpcPercentEncode encodes a grpc-message value as the gRPC HTTP/2 spec requires.
func grpcPercentEncode(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c <= 0x7e && c != '%' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}
