package transcode

import (
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"testing"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
)

// The exact table of headers-and-errors.md 3.1.
func TestHTTPStatusFromCode(t *testing.T) {
	want := map[uint32]int{0: 200, 1: 499, 2: 500, 3: 400, 4: 504, 5: 404, 6: 409, 7: 403, 8: 429,
		9: 400, 10: 409, 11: 400, 12: 501, 13: 500, 14: 503, 15: 500, 16: 401, 17: 500, 99: 500}
	for code, status := range want {
		if got := HTTPStatusFromCode(code); got != status {
			t.Errorf("code %d: got %d, want %d", code, got, status)
		}
	}
}

func TestCodeFromHTTPStatus(t *testing.T) {
	want := map[int]uint32{400: 13, 401: 16, 403: 7, 404: 12, 429: 14, 502: 14, 503: 14, 504: 14,
		405: 2, 500: 2, 413: 2, 408: 2}
	for s, code := range want {
		if got := CodeFromHTTPStatus(s); got != code {
			t.Errorf("HTTP %d: got %d, want %d", s, got, code)
		}
	}
}

func TestLocalReply(t *testing.T) {
	rec := httptest.NewRecorder()
	WriteLocalReply(rec, 404, "The current request is not defined by this API.")
	if rec.Code != 404 || rec.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("got %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	if got := rec.Body.String(); got != `{"code":404,"message":"The current request is not defined by this API."}` {
		t.Errorf("body %s", got)
	}
	if got := string(LocalReplyBody(400, "Unexpected token.\nNO_BRACES_JSON\n^")); got != `{"code":400,"message":"Unexpected token.\nNO_BRACES_JSON\n^"}` {
		t.Errorf("escaped body %s", got)
	}
	if got := string(LocalReplyBody(307, "")); got != `{"code":307,"message":""}` {
		t.Errorf("empty message %s", got)
	}
}

func TestGRPCLocalReply(t *testing.T) {
	rec := httptest.NewRecorder()
	WriteGRPCLocalReply(rec, 401, "Jwt is missing")
	h := rec.Header()
	if rec.Code != 200 || h.Get("Content-Type") != "application/grpc" || h.Get("Grpc-Status") != "16" {
		t.Fatalf("got %d %v", rec.Code, h)
	}
	if got := DecodeGRPCMessage(h.Get("Grpc-Message")); got != `{"code":401,"message":"Jwt is missing"}` {
		t.Errorf("grpc-message %q", got)
	}
}

func TestGRPCError(t *testing.T) {
	rec := httptest.NewRecorder()
	WriteGRPCError(rec, 5, "shelf 7 not found", "")
	if rec.Code != http.StatusNotFound || rec.Body.String() != `{"code":5,"message":"shelf 7 not found"}` {
		t.Errorf("got %d %s", rec.Code, rec.Body)
	}
	if got := string(GRPCErrorBody(13, "", "")); got != `{"code":13}` {
		t.Errorf("no message: %s", got)
	}

	detail, _ := anypb.New(&errdetails.ErrorInfo{Reason: "NO_SHELF", Domain: "example.com"})
	st, _ := proto.Marshal(&status.Status{Code: 5, Message: "from details", Details: []*anypb.Any{detail}})
	bin := base64.RawStdEncoding.EncodeToString(st)
	want := `{"code":5,"message":"from details","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"NO_SHELF","domain":"example.com"}]}`
	if got := string(GRPCErrorBody(5, "ignored", bin)); got != want {
		t.Errorf("details:\n got %s\nwant %s", got, want)
	}
	// Details of a type the proxy does not know fall back to code and message.
	unknown, _ := proto.Marshal(&status.Status{Code: 5, Message: "m", Details: []*anypb.Any{{TypeUrl: "type.googleapis.com/x.Unknown", Value: []byte{1}}}})
	if got := string(GRPCErrorBody(5, "m", base64.StdEncoding.EncodeToString(unknown))); got != `{"code":5,"message":"m"}` {
		t.Errorf("unknown details: %s", got)
	}
}

func TestGRPCMessageEncoding(t *testing.T) {
	for _, s := range []string{"plain", "100% sure", "héllo\nworld", ""} {
		enc := EncodeGRPCMessage(s)
		for i := 0; i < len(enc); i++ {
			if enc[i] < ' ' || enc[i] > '~' {
				t.Errorf("%q encodes to non-printable %q", s, enc)
			}
		}
		if got := DecodeGRPCMessage(enc); got != s {
			t.Errorf("round trip %q -> %q -> %q", s, enc, got)
		}
	}
	if got := DecodeGRPCMessage("bad%zzescape%4"); got != "bad%zzescape%4" {
		t.Errorf("invalid escapes: %q", got)
	}
}

func TestMethodGRPCErrorResolvesConfigDetailTypes(t *testing.T) {
	m := compile(t, "GetBook", binding("", ""), Options{})
	author := jsonToWire(t, m.out.Fields().ByName("author").Message(), `{"name":"A"}`)
	st, _ := proto.Marshal(&status.Status{Code: 3, Message: "bad", Details: []*anypb.Any{{TypeUrl: "type.googleapis.com/espctl.test.v1.Author", Value: author}}})
	bin := base64.StdEncoding.EncodeToString(st)
	rec := httptest.NewRecorder()
	m.WriteGRPCError(rec, 3, "bad", bin)
	want := `{"code":3,"message":"bad","details":[{"@type":"type.googleapis.com/espctl.test.v1.Author","name":"A"}]}`
	if rec.Code != 400 || rec.Body.String() != want {
		t.Errorf("got %d %s\nwant %s", rec.Code, rec.Body, want)
	}
	if got := string(GRPCErrorBody(3, "bad", bin)); got != `{"code":3,"message":"bad"}` {
		t.Errorf("package-level falls back: %s", got)
	}
}
