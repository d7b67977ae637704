package cors

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// WriteJSONReply writes ESPv2's local-reply body `{"code":<status>,"message":"..."}` with
// Content-Type application/json (headers-and-errors.md 1.1). It is the default ReplyFunc for
// callers without their own; the proxy passes its writer, which also answers gRPC clients in
// gRPC form.
func WriteJSONReply(w http.ResponseWriter, r *http.Request, status int, message string) {
	body, _ := json.Marshal(struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	}{status, message})
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}
