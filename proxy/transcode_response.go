package proxy

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"

	"google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/espctl/espctl/transcode"
)

// writeTranscodedResponse turns the backend's gRPC response into JSON: the message for a unary
// call, a JSON array streamed as messages arrive for server streaming, and for a non-OK status
// the HTTP status of Envoy's table with a google.rpc.Status body (headers-and-errors.md 1.3).
func writeTranscodedResponse(ex *exchange, plan *transcode.Method, resp *http.Response, deadlineSet bool, ctx context.Context) {
	w := ex.w
	out := plan.Descriptor().Output()
	marshal := protojson.MarshalOptions{}
	toJSON := func(b []byte) ([]byte, error) {
		m := dynamicpb.NewMessage(out)
		if err := proto.Unmarshal(b, m); err != nil {
			return nil, err
		}
		return marshal.Marshal(m)
	}
	var first []byte
	firstErr := error(nil)
	first, firstErr = readGRPCFrame(resp.Body)
	if firstErr != nil {
		// No message: the status alone answers (an error, or an empty stream).
		code, msg, details, ok := grpcStatus(resp)
		if ctx.Err() != nil && deadlineSet {
			ex.reply(http.StatusGatewayTimeout, msgTimeout)
			return
		}
		if !ok {
			ex.reply(http.StatusServiceUnavailable, msgConnectionReset)
			return
		}
		if code != 0 {
			writeGRPCErrorJSON(w, code, msg, details)
			return
		}
		w.Header().Set("Content-Type", transcode.JSONContentType)
		w.WriteHeader(http.StatusOK)
		if plan.ServerStreaming() {
			_, _ = w.Write([]byte("[]"))
		} else {
			_, _ = w.Write([]byte("{}"))
		}
		return
	}
	if !plan.ServerStreaming() {
		// Drain to the end so the trailers (and an error status after a message) are seen.
		for {
			if _, err := readGRPCFrame(resp.Body); err != nil {
				break
			}
		}
		if code, msg, details, ok := grpcStatus(resp); ok && code != 0 {
			writeGRPCErrorJSON(w, code, msg, details)
			return
		}
		body, err := toJSON(first)
		if err != nil {
			ex.reply(http.StatusInternalServerError, err.Error())
			return
		}
		w.Header().Set("Content-Type", transcode.JSONContentType)
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body)
		return
	}
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", transcode.JSONContentType)
	w.WriteHeader(http.StatusOK)
	sep := []byte("[")
	for msg := first; msg != nil; {
		body, err := toJSON(msg)
		if err != nil {
			break
		}
		_, _ = w.Write(sep)
		_, _ = w.Write(body)
		_ = rc.Flush()
		sep = []byte(",")
		next, err := readGRPCFrame(resp.Body)
		if err != nil {
			break
		}
		msg = next
	}
	_, _ = w.Write([]byte("]"))
}

// grpcToHTTPStatus is Envoy's gRPC -> HTTP table (headers-and-errors.md 3.1).
func grpcToHTTPStatus(code int) int {
	switch code {
	case 0:
		return 200
	case 1:
		return 499
	case 2:
		return 500
	case 3:
		return 400
	case 4:
		return 504
	case 5:
		return 404
	case 6:
		return 409
	case 7:
		return 403
	case 8:
		return 429
	case 9:
		return 400
	case 10:
		return 409
	case 11:
		return 400
	case 12:
		return 501
	case 13:
		return 500
	case 14:
		return 503
	case 15:
		return 500
	case 16:
		return 401
	}
	return 500
}

// writeGRPCErrorJSON writes a non-OK gRPC status as the transcoder does: the decoded
// grpc-status-details-bin when present, else {"code":<gRPC code>,"message":"..."}.
func writeGRPCErrorJSON(w http.ResponseWriter, code int, msg, details string) {
	var body []byte
	if details != "" {
		if raw, err := base64.RawStdEncoding.DecodeString(trimPad(details)); err == nil {
			st := &status.Status{}
			if proto.Unmarshal(raw, st) == nil {
				body, _ = protojson.Marshal(st)
			}
		}
	}
	if body == nil {
		body, _ = json.Marshal(struct {
			Code    int    `json:"code"`
			Message string `json:"message,omitempty"`
		}{code, msg})
	}
	w.Header().Set("Content-Type", transcode.JSONContentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(grpcToHTTPStatus(code))
	_, _ = w.Write(body)
}

func trimPad(s string) string {
	for len(s) > 0 && s[len(s)-1] == '=' {
		s = s[:len(s)-1]
	}
	return s
}
