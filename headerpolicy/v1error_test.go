package headerpolicy

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/espctl/espctl/cors"
	"github.com/espctl/espctl/golden"
)

// The example of headers-and-errors.md 1.2, byte for byte, plus the newline protobuf's pretty
// printer ends a top-level object with.
const referenceV1Example = `{
 "code": 5,
 "message": "Method does not exist.",
 "details": [
  {
   "@type": "type.googleapis.com/google.rpc.DebugInfo",
   "stackEntries": [],
   "detail": "service_control"
  }
 ]
}
`

func TestV1ErrorBodyMatchesTheReference(t *testing.T) {
	if got := string(V1ErrorBody(404, "Method does not exist.", CauseServiceControl)); got != referenceV1Example {
		t.Errorf("V1ErrorBody:\n%s\nwant:\n%s", got, referenceV1Example)
	}
}

// ESPv1's replies of headers-and-errors.md 2.6, and escaping cases.
func TestV1ErrorBodies(t *testing.T) {
	cases := []struct {
		status         int
		message, cause string
	}{
		{404, "Method does not exist.", CauseServiceControl},
		{403, "The service does not allow CORS traffic.", CauseServiceControl},
		{401, "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.", CauseServiceControl},
		{401, "JWT validation failed: Missing or invalid credentials", CauseAuth},
		{401, "JWT validation failed: Issuer not allowed", CauseAuth},
		{403, "JWT validation failed: Audience not allowed", CauseAuth},
		{401, "JWT validation failed: Unable to fetch verification key. HTTP response code: 404", CauseAuth},
		{400, "API key not valid. Please pass a valid API key.", CauseServiceControl},
		{403, "API bookstore.endpoints.p.cloud.goog is not enabled for the consumer project.", CauseServiceControl},
		{503, "Failed to connect to service control", CauseServiceControl},
		{500, "", CauseInternal},
		{502, "escapes: \"q\" \\ <b> & ' \t\n\x01\x7f \u0085 \u00ad \u2028 \ufeff \U000e0001 é ☃ 😀 bad:\xff", CauseApplication},
	}
	var out strings.Builder
	for _, c := range cases {
		fmt.Fprintf(&out, "--- HTTP %d, cause %s\n%s", c.status, c.cause, V1ErrorBody(c.status, c.message, c.cause))
	}
	golden.AssertString(t, "testdata/v1_errors.golden", out.String())
}

func TestV1Code(t *testing.T) {
	want := map[int]int{
		200: 0, 204: 0, 400: 3, 401: 16, 403: 7, 404: 5, 405: 9, 409: 10, 413: 9, 416: 11,
		429: 8, 499: 1, 500: 13, 501: 12, 502: 13, 503: 14, 504: 4, 100: 2, 302: 2, 600: 2, 0: 2, -1: 2,
	}
	for status, code := range want {
		if got := V1Code(status); got != code {
			t.Errorf("V1Code(%d) = %d, want %d", status, got, code)
		}
	}
}

func TestWriteV1Error(t *testing.T) {
	rec := httptest.NewRecorder()
	WriteV1Error(rec, httptest.NewRequest("GET", "/x", nil), 404, "Method does not exist.", CauseServiceControl)
	if rec.Code != 404 || rec.Header().Get("Content-Type") != "application/json" || rec.Body.String() != referenceV1Example {
		t.Errorf("got %d %q %q", rec.Code, rec.Header().Get("Content-Type"), rec.Body.String())
	}
	rec = httptest.NewRecorder()
	WriteV1Error(rec, httptest.NewRequest("HEAD", "/x", nil), 401, "JWT validation failed: Issuer not allowed", CauseAuth)
	if rec.Code != 401 || rec.Body.Len() != 0 {
		t.Errorf("HEAD: got %d with %d body bytes", rec.Code, rec.Body.Len())
	}
}

// Whatever the message, the body is JSON that decodes back to the message (invalid UTF-8
// aside) with the code of the status.
func FuzzV1ErrorBody(f *testing.F) {
	f.Add(404, "Method does not exist.", CauseServiceControl)
	f.Add(502, "<\u2028\U000e0001\x00\"\\", CauseApplication)
	f.Fuzz(func(t *testing.T, status int, message, cause string) {
		body := V1ErrorBody(status, message, cause)
		var got struct {
			Code    int
			Message string
			Details []struct {
				Type         string `json:"@type"`
				StackEntries []string
				Detail       string
			}
		}
		if err := json.Unmarshal(body, &got); err != nil {
			t.Fatalf("not JSON: %v\n%s", err, body)
		}
		if got.Code != V1Code(status) || len(got.Details) != 1 || got.Details[0].StackEntries == nil {
			t.Fatalf("unexpected body %s", body)
		}
		if utf8.ValidString(message) && got.Message != message {
			t.Fatalf("message %q came back as %q", message, got.Message)
		}
		if utf8.ValidString(cause) && got.Details[0].Detail != cause {
			t.Fatalf("cause %q came back as %q", cause, got.Details[0].Detail)
		}
	})
}

func TestV1RoutingReply(t *testing.T) {
	cases := []struct {
		status int
		msg    string
		want   string
	}{
		{404, "The current request is not defined by this API.", `404 "Method does not exist." service_control`},
		{405, `The current request is matched to the defined url template "/v1/shelves" but its http method is not allowed`, `404 "Method does not exist." service_control`},
		{400, cors.MsgInvalidPreflight, `403 "The service does not allow CORS traffic." service_control`},
		{503, "no healthy upstream", `503 "no healthy upstream" internal`},
		{404, "something else", `404 "something else" internal`},
	}
	for _, c := range cases {
		s, m, cause := V1RoutingReply(c.status, c.msg)
		if got := fmt.Sprintf("%d %q %s", s, m, cause); got != c.want {
			t.Errorf("V1RoutingReply(%d, %q) = %s, want %s", c.status, c.msg, got, c.want)
		}
	}
	if got := string(V1StatusBody(5, "Method does not exist.", CauseServiceControl)); got != referenceV1Example {
		t.Errorf("V1StatusBody = %s", got)
	}
}
