package transcode

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
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

// TestAgainstGRPCGo sends transcoded requests to a real grpc-go server over h2c and turns its
// answers back into HTTP: the wire format, framing, trailers and error details must all agree
// with grpc-go's.
func TestAgainstGRPCGo(t *testing.T) {
	getBook := compile(t, "GetBook", binding("", "", "shelf"), Options{})
	stream := compile(t, "StreamBooks", binding("", ""), Options{})

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
		shelf := req.Get(getBook.in.Fields().ByName("shelf")).Int()
		if shelf == 404 {
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
			book.Set(getBook.out.Fields().ByName("id"), req.Get(getBook.in.Fields().ByName("shelf")))
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

	var protocols http.Protocols
	protocols.SetUnencryptedHTTP2(true)
	client := &http.Client{Transport: &http.Transport{Protocols: &protocols}}
	call := func(m *Method, r Request) (int, string, string) {
		t.Helper()
		body, err := m.AppendRequestFrames(nil, r)
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequestWithContext(context.Background(), "POST", "http://"+lis.Addr().String()+m.GRPCPath(), bytes.NewReader(body))
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
		count := 0
		for {
			f, err := ReadFrame(resp.Body, 0)
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			count++
			if m.ServerStreaming() {
				if err := s.Send(f.Data); err != nil {
					t.Fatal(err)
				}
			} else {
				first = f.Data
			}
		}
		code := resp.Trailer.Get("Grpc-Status")
		if code == "" {
			code = resp.Header.Get("Grpc-Status")
		}
		if code != "0" {
			rec := httptest.NewRecorder()
			get := func(k string) string {
				if v := resp.Trailer.Get(k); v != "" {
					return v
				}
				return resp.Header.Get(k)
			}
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
