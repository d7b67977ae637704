package transcode

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/dynamicpb"
)

// rawCodec lets the test server see message bytes exactly as the transcoder framed them.
type rawCodec struct{}

func (rawCodec) Marshal(v any) ([]byte, error) { return *(v.(*[]byte)), nil }
func (rawCodec) Unmarshal(b []byte, v any) error {
	*(v.(*[]byte)) = append([]byte(nil), b...)
	return nil
}
func (rawCodec) Name() string { return "proto" }

// startBookServer runs a grpc-go server that answers every method of the test service with
// Books whose id is the request's shelf (three for StreamBooks); shelf 404 fails with
// NOT_FOUND and an ErrorInfo detail.
func startBookServer(t *testing.T, getBook *Method) net.Addr {
	srv := grpc.NewServer(grpc.ForceServerCodec(rawCodec{}), grpc.UnknownServiceHandler(func(_ any, ss grpc.ServerStream) error {
		method, _ := grpc.MethodFromServerStream(ss)
		var in []byte
		if err := ss.RecvMsg(&in); err != nil {
			return err
		}
		req := dynamicpb.NewMessage(getBook.in)
		if err := proto.Unmarshal(in, req); err != nil {
			return status.Error(codes.Internal, err.Error())
		}
		shelf := req.Get(getBook.in.Fields().ByName("shelf"))
		if shelf.Int() == 404 {
			st, _ := status.New(codes.NotFound, "shelf 404 not found: 100%").WithDetails(&errdetails.ErrorInfo{Reason: "NO_SHELF"})
			return st.Err()
		}
		n := 1
		if strings.HasSuffix(method, "/StreamBooks") {
			n = 3
		}
		for i := 0; i < n; i++ {
			book := dynamicpb.NewMessage(getBook.out)
			if err := protojson.Unmarshal([]byte(`{"title":"shelf book"}`), book); err != nil {
				return err
			}
			book.Set(getBook.out.Fields().ByName("id"), shelf)
			out, _ := proto.Marshal(book)
			if err := ss.SendMsg(&out); err != nil {
				return err
			}
		}
		return nil
	}))
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	return lis.Addr()
}

func h2cTransport() *http.Transport {
	var protocols http.Protocols
	protocols.SetUnencryptedHTTP2(true)
	return &http.Transport{Protocols: &protocols}
}

// TestAgainstGRPCGo sends transcoded requests to a real grpc-go server over h2c and turns its
// answers back into HTTP: the wire format, framing, trailers and error details must all agree
// with grpc-go's.
func TestAgainstGRPCGo(t *testing.T) {
	getBook := compile(t, "GetBook", binding("", "", "shelf"), Options{})
	stream := compile(t, "StreamBooks", binding("", ""), Options{})
	addr := startBookServer(t, getBook)
	client := &http.Client{Transport: h2cTransport()}

	call := func(m *Method, r Request) (int, string, string) {
		t.Helper()
		body, err := m.AppendRequestFrames(nil, r)
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequestWithContext(context.Background(), "POST", "http://"+addr.String()+m.GRPCPath(), bytes.NewReader(body))
		req.Header.Set("Content-Type", GRPCContentType)
		req.Header.Set("Te", "trailers")
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out bytes.Buffer
		s := m.NewStream(&out)
		var first []byte
		for {
			f, err := ReadFrame(resp.Body, 0)
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if m.ServerStreaming() {
				if err := s.Send(f.Data); err != nil {
					t.Fatal(err)
				}
			} else {
				first = f.Data
			}
		}
		get := func(k string) string {
			if v := resp.Trailer.Get(k); v != "" {
				return v
			}
			return resp.Header.Get(k) // trailers-only response
		}
		if code := get("Grpc-Status"); code != "0" {
			rec := httptest.NewRecorder()
			c, _ := strconv.ParseUint(code, 10, 32)
			WriteGRPCError(rec, uint32(c), DecodeGRPCMessage(get("Grpc-Message")), get("Grpc-Status-Details-Bin"))
			return rec.Code, rec.Header().Get("Content-Type"), rec.Body.String()
		}
		if m.ServerStreaming() {
			_ = s.Close()
			return 200, s.ContentType(), out.String()
		}
		b, ct, err := m.Response(first)
		if err != nil {
			t.Fatal(err)
		}
		return 200, ct, string(b)
	}

	if s, ct, body := call(getBook, Request{Bindings: bindings("shelf", "7")}); s != 200 || ct != JSONContentType || body != `{"id":"7","title":"shelf book"}` {
		t.Errorf("unary: %d %s %s", s, ct, body)
	}
	if s, _, body := call(stream, Request{Query: ParseQuery("shelf=8", false)}); s != 200 || body != `[{"id":"8","title":"shelf book"},{"id":"8","title":"shelf book"},{"id":"8","title":"shelf book"}]` {
		t.Errorf("stream: %d %s", s, body)
	}
	s, _, body := call(getBook, Request{Bindings: bindings("shelf", "404")})
	want := `{"code":5,"message":"shelf 404 not found: 100%","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"NO_SHELF"}]}`
	if s != 404 || body != want {
		t.Errorf("error:\n got %d %s\nwant 404 %s", s, body, want)
	}
}

// TestGRPCWebHandlerAgainstGRPCGo puts GRPCWeb in front of a reverse proxy to grpc-go, the
// way the proxy uses it, and talks gRPC-Web over HTTP/1.1 as a browser does.
func TestGRPCWebHandlerAgainstGRPCGo(t *testing.T) {
	getBook := compile(t, "GetBook", binding("", ""), Options{})
	addr := startBookServer(t, getBook)
	backend := &url.URL{Scheme: "http", Host: addr.String()}
	rp := &httputil.ReverseProxy{
		Rewrite:   func(pr *httputil.ProxyRequest) { pr.SetURL(backend) },
		Transport: h2cTransport(),
	}
	front := httptest.NewServer(GRPCWeb(rp))
	t.Cleanup(front.Close)

	post := func(path, ctype string, body []byte) (*http.Response, []byte) {
		t.Helper()
		resp, err := http.Post(front.URL+path, ctype, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, b
	}
	shelf := func(n string) []byte {
		msg, err := getBook.Request(Request{Query: ParseQuery("shelf="+n, false)})
		if err != nil {
			t.Fatal(err)
		}
		return AppendFrame(nil, msg)
	}

	// grpc-web-text, server streaming: three messages then the trailers frame, all base64.
	resp, body := post("/espctl.test.v1.Library/StreamBooks", "application/grpc-web-text", []byte(base64.StdEncoding.EncodeToString(shelf("3"))))
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/grpc-web-text+proto" {
		t.Fatalf("text: %d %v", resp.StatusCode, resp.Header)
	}
	raw, err := base64.StdEncoding.DecodeString(string(body))
	if err != nil {
		t.Fatalf("text body %q: %v", body, err)
	}
	frames, err := SplitFrames(raw)
	if err != nil || len(frames) != 4 {
		t.Fatalf("%d frames, %v", len(frames), err)
	}
	if js, _, _ := getBook.Response(frames[0].Data); string(js) != `{"id":"3","title":"shelf book"}` {
		t.Errorf("message %s", js)
	}
	if last := frames[3]; last.Flags != FlagTrailers || !strings.HasPrefix(string(last.Data), "grpc-status:0\r\n") {
		t.Errorf("trailers frame %x %q", last.Flags, last.Data)
	}

	// Binary grpc-web, error: grpc-go answers trailers-only, so the status stays in headers.
	resp, body = post("/espctl.test.v1.Library/GetBook", "application/grpc-web+proto", shelf("404"))
	if resp.Header.Get("Content-Type") != "application/grpc-web+proto" || resp.Header.Get("Grpc-Status") != "5" || len(body) != 0 {
		t.Errorf("error: %v %q", resp.Header, body)
	}

	// Not gRPC-Web: passed through untouched (grpc-go refuses HTTP/1.1 JSON).
	if resp, _ := post("/espctl.test.v1.Library/GetBook", "application/json", []byte("{}")); resp.Header.Get("Content-Type") == GRPCWebProtoContentType {
		t.Error("JSON request converted")
	}
}
