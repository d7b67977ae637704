package transcode

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"

	// The standard error details (ErrorInfo, BadRequest, RetryInfo...) must be registered so
	// a google.rpc.Status carrying them can be printed as JSON.
	_ "google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

// HTTPStatusFromCode maps a gRPC status code to the HTTP status ESPv2 (Envoy) answers a
// transcoded call with (headers-and-errors.md 3.1). Unknown codes are 500.
func HTTPStatusFromCode(code uint32) int {
	if code < uint32(len(grpcToHTTP)) {
		return grpcToHTTP[code]
	}
	return http.StatusInternalServerError
}

var grpcToHTTP = [...]int{
	0:  200, // OK
	1:  499, // CANCELLED
	2:  500, // UNKNOWN
	3:  400, // INVALID_ARGUMENT
	4:  504, // DEADLINE_EXCEEDED
	5:  404, // NOT_FOUND
	6:  409, // ALREADY_EXISTS
	7:  403, // PERMISSION_DENIED
	8:  429, // RESOURCE_EXHAUSTED
	9:  400, // FAILED_PRECONDITION
	10: 409, // ABORTED
	11: 400, // OUT_OF_RANGE
	12: 501, // UNIMPLEMENTED
	13: 500, // INTERNAL
	14: 503, // UNAVAILABLE
	15: 500, // DATA_LOSS
	16: 401, // UNAUTHENTICATED
}

// CodeFromHTTPStatus maps an HTTP status to the gRPC code ESPv2 puts in grpc-status when it
// rejects a gRPC client's request itself (headers-and-errors.md 3.1, second table). Note 400
// becomes INTERNAL and 404 UNIMPLEMENTED, as in Envoy.
func CodeFromHTTPStatus(httpStatus int) uint32 {
	switch httpStatus {
	case 200:
		return 0
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

// LocalReplyBody is the body of every reply ESPv2 generates itself:
// `{"code":<HTTP status>,"message":"<text>"}`, compact, no details (headers-and-errors.md 1.1).
func LocalReplyBody(httpStatus int, message string) []byte {
	b := make([]byte, 0, len(message)+32)
	b = append(b, `{"code":`...)
	b = strconv.AppendInt(b, int64(httpStatus), 10)
	b = append(b, `,"message":`...)
	b = appendJSONString(b, message)
	return append(b, '}')
}

// WriteLocalReply writes LocalReplyBody with status httpStatus and Content-Type
// application/json.
func WriteLocalReply(w http.ResponseWriter, httpStatus int, message string) {
	writeJSON(w, httpStatus, LocalReplyBody(httpStatus, message))
}

// WriteGRPCLocalReply answers a gRPC client that ESPv2 itself rejects: HTTP 200, gRPC content
// type, grpc-status from CodeFromHTTPStatus and grpc-message carrying the JSON local-reply body
// (headers-and-errors.md 1.4), as a trailers-only response.
func WriteGRPCLocalReply(w http.ResponseWriter, httpStatus int, message string) {
	h := w.Header()
	h.Set("Content-Type", GRPCContentType)
	h.Set("Grpc-Status", strconv.FormatUint(uint64(CodeFromHTTPStatus(httpStatus)), 10))
	h.Set("Grpc-Message", EncodeGRPCMessage(string(LocalReplyBody(httpStatus, message))))
	w.WriteHeader(http.StatusOK)
}

// GRPCErrorBody is the JSON body of a transcoded call that ended with a non-OK gRPC status
// (headers-and-errors.md 1.3): the google.rpc.Status from grpc-status-details-bin when the
// backend sent one (statusDetailsBin, base64 as on the wire, padded or not), otherwise
// `{"code":<gRPC code>,"message":"<grpc-message>"}`. message is the decoded grpc-message
// (see DecodeGRPCMessage). Details whose types are unknown fall back to code and message.
func GRPCErrorBody(code uint32, message, statusDetailsBin string) []byte {
	return grpcErrorBody(nil, code, message, statusDetailsBin)
}

// GRPCErrorBody is the package-level GRPCErrorBody that also resolves detail types from the
// method's proto files (custom error detail messages).
func (m *Method) GRPCErrorBody(code uint32, message, statusDetailsBin string) []byte {
	return grpcErrorBody(m.marshal.Resolver, code, message, statusDetailsBin)
}

// WriteGRPCError is the package-level WriteGRPCError with the method's detail types.
func (m *Method) WriteGRPCError(w http.ResponseWriter, code uint32, message, statusDetailsBin string) {
	writeJSON(w, HTTPStatusFromCode(code), m.GRPCErrorBody(code, message, statusDetailsBin))
}

func grpcErrorBody(resolver Resolver, code uint32, message, statusDetailsBin string) []byte {
	if statusDetailsBin != "" {
		if raw, ok := decodeBinHeader(statusDetailsBin); ok {
			st := &status.Status{}
			if proto.Unmarshal(raw, st) == nil {
				if b, err := (protojson.MarshalOptions{Resolver: resolver}).Marshal(st); err == nil {
					return compactJSON(b)
				}
			}
		}
	}
	b := make([]byte, 0, len(message)+32)
	b = append(b, `{"code":`...)
	b = strconv.AppendUint(b, uint64(code), 10)
	if message != "" {
		b = append(b, `,"message":`...)
		b = appendJSONString(b, message)
	}
	return append(b, '}')
}

// WriteGRPCError writes the HTTP reply for a transcoded call that ended with gRPC status code:
// HTTPStatusFromCode(code), Content-Type application/json, body GRPCErrorBody.
func WriteGRPCError(w http.ResponseWriter, code uint32, message, statusDetailsBin string) {
	writeJSON(w, HTTPStatusFromCode(code), GRPCErrorBody(code, message, statusDetailsBin))
}

func writeJSON(w http.ResponseWriter, httpStatus int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", JSONContentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(httpStatus)
	_, _ = w.Write(body)
}

// decodeBinHeader decodes a gRPC `-bin` metadata value (base64, padding optional).
func decodeBinHeader(v string) ([]byte, bool) {
	v = strings.TrimRight(v, "=")
	b, err := base64.RawStdEncoding.DecodeString(v)
	return b, err == nil
}

// DecodeGRPCMessage undoes the percent-encoding of the grpc-message trailer (gRPC HTTP/2
// protocol: bytes outside printable ASCII and '%' are sent as %XX). Invalid escapes are kept.
func DecodeGRPCMessage(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			v, _ := strconv.ParseUint(s[i+1:i+3], 16, 8)
			b = append(b, byte(v))
			i += 2
			continue
		}
		b = append(b, s[i])
	}
	return string(b)
}

// EncodeGRPCMessage percent-encodes a grpc-message value.
func EncodeGRPCMessage(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b []byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= ' ' && c <= '~' && c != '%' {
			if b != nil {
				b = append(b, c)
			}
			continue
		}
		if b == nil {
			b = append(make([]byte, 0, len(s)+8), s[:i]...)
		}
		b = append(b, '%', hexDigits[c>>4], hexDigits[c&15])
	}
	if b == nil {
		return s
	}
	return string(b)
}
