package proxy

import (
	"context"
	"net/http"
	"strconv"

	"github.com/espctl/espctl/transcode"
)

// writeTranscodedResponse turns the backend's gRPC response into the HTTP response: the JSON
// of the message for a unary call; for server streaming a JSON array streamed as messages
// arrive; for a non-OK status the HTTP status of Envoy's table with a google.rpc.Status body
// (headers-and-errors.md 1.3). The conversions themselves are package transcode's.
func writeTranscodedResponse(ctx context.Context, ex *exchange, plan *transcode.Method, resp *http.Response, deadlineSet bool) {
	w := ex.w
	first, firstErr := readGRPCFrame(resp.Body)
	if firstErr != nil {
		// No message: the status alone answers (an error, or an empty stream).
		code, msg, details, ok := grpcStatus(resp)
		switch {
		case deadlineSet && ctx.Err() != nil:
			ex.reply(http.StatusGatewayTimeout, msgTimeout)
		case !ok:
			ex.reply(http.StatusServiceUnavailable, msgConnectionReset)
		case code != 0:
			transcode.WriteGRPCError(w, uint32(code), msg, details)
		case plan.ServerStreaming():
			s := plan.NewStream(w)
			w.Header().Set("Content-Type", s.ContentType())
			_ = s.Close()
		default:
			writeBody(w, http.StatusOK, transcode.JSONContentType, []byte("{}"))
		}
		return
	}
	if !plan.ServerStreaming() {
		// Read to the end so the trailers (and an error status after a message) are seen.
		for {
			if _, err := readGRPCFrame(resp.Body); err != nil {
				break
			}
		}
		if code, msg, details, ok := grpcStatus(resp); ok && code != 0 {
			transcode.WriteGRPCError(w, uint32(code), msg, details)
			return
		}
		body, ctype, err := plan.Response(first)
		if err != nil {
			status, message := transcode.ErrorStatus(err)
			ex.reply(status, message)
			return
		}
		writeBody(w, http.StatusOK, ctype, body)
		return
	}
	// Server streaming: the status line goes out with the first message; a later error can
	// only end the array.
	rc := http.NewResponseController(w)
	s := plan.NewStream(w)
	// An HttpBody stream's content type is that of its first message; JSON streams know theirs.
	ctype := s.ContentType()
	if ctype == "" {
		if _, ctype, _ = plan.Response(first); ctype == "" {
			ctype = transcode.JSONContentType
		}
	}
	w.Header().Set("Content-Type", ctype)
	w.WriteHeader(http.StatusOK)
	for msg := first; msg != nil; {
		if err := s.Send(msg); err != nil {
			break
		}
		_ = rc.Flush()
		next, err := readGRPCFrame(resp.Body)
		if err != nil {
			break
		}
		msg = next
	}
	_ = s.Close()
}

func writeBody(w http.ResponseWriter, status int, ctype string, body []byte) {
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
