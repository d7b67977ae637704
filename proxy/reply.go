package proxy

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/espctl/espctl/transcode"
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

// localReplyBody is the body of every reply the proxy makes itself:
// `{"code":<HTTP status>,"message":"..."}` (transcode.LocalReplyBody, shared with the transcoder).
func localReplyBody(status int, message string) []byte {
	return transcode.LocalReplyBody(status, message)
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
		h.Set("Grpc-Status", strconv.FormatUint(uint64(transcode.CodeFromHTTPStatus(status)), 10))
		h.Set("Grpc-Message", transcode.EncodeGRPCMessage(string(body)))
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
