package proxy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/espctl/espctl/translate"
)

// echoService is a gRPC backend with one method of each streaming kind; it answers with what
// it received, echoes metadata `x-in` as header `x-out` and always sets trailer `x-trailer`.
var echoService = grpc.ServiceDesc{
	ServiceName: "test.Echo",
	HandlerType: (*any)(nil),
	Methods: []grpc.MethodDesc{
		{MethodName: "Say", Handler: func(_ any, ctx context.Context, dec func(any) error, _ grpc.UnaryServerInterceptor) (any, error) {
			in := &wrapperspb.StringValue{}
			if err := dec(in); err != nil {
				return nil, err
			}
			md, _ := metadata.FromIncomingContext(ctx)
			_ = grpc.SetHeader(ctx, metadata.Pairs("x-out", strings.Join(md.Get("x-in"), ",")))
			_ = grpc.SetTrailer(ctx, metadata.Pairs("x-trailer", "said"))
			switch in.Value {
			case "fail":
				return nil, status.Error(codes.NotFound, "no such thing")
			case "sleep":
				<-ctx.Done()
				return nil, ctx.Err()
			}
			return wrapperspb.String("you said " + in.Value), nil
		}},
	},
	Streams: []grpc.StreamDesc{
		{StreamName: "Repeat", ServerStreams: true, Handler: func(_ any, s grpc.ServerStream) error {
			in := &wrapperspb.StringValue{}
			if err := s.RecvMsg(in); err != nil {
				return err
			}
			for i := 1; i <= 3; i++ {
				if err := s.SendMsg(wrapperspb.String(fmt.Sprintf("%s %d", in.Value, i))); err != nil {
					return err
				}
			}
			s.SetTrailer(metadata.Pairs("x-trailer", "repeated"))
			return nil
		}},
		{StreamName: "Stall", ServerStreams: true, Handler: func(_ any, s grpc.ServerStream) error {
			<-s.Context().Done() // never answers: the proxy's idle timeout must end it
			return s.Context().Err()
		}},
		{StreamName: "Collect", ClientStreams: true, Handler: func(_ any, s grpc.ServerStream) error {
			var got []string
			for {
				in := &wrapperspb.StringValue{}
				err := s.RecvMsg(in)
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					return err
				}
				got = append(got, in.Value)
			}
			s.SetTrailer(metadata.Pairs("x-trailer", "collected"))
			return s.SendMsg(wrapperspb.String(strings.Join(got, "+")))
		}},
		{StreamName: "Chat", ClientStreams: true, ServerStreams: true, Handler: func(_ any, s grpc.ServerStream) error {
			for {
				in := &wrapperspb.StringValue{}
				err := s.RecvMsg(in)
				if errors.Is(err, io.EOF) {
					s.SetTrailer(metadata.Pairs("x-trailer", "chatted"))
					return nil
				}
				if err != nil {
					return err
				}
				if err := s.SendMsg(wrapperspb.String("re: " + in.Value)); err != nil {
					return err
				}
			}
		}},
	},
}

// startEchoBackend serves echoService on loopback and returns its grpc:// URL.
func startEchoBackend(t testing.TB) string {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := grpc.NewServer()
	s.RegisterService(&echoService, nil)
	go func() { _ = s.Serve(lis) }()
	t.Cleanup(s.Stop)
	return "grpc://" + lis.Addr().String()
}

const echoServiceJSON = `{"name":"echo.example.com","apis":[{"name":"test.Echo","methods":[
	{"name":"Say"},
	{"name":"Repeat","responseStreaming":true},
	{"name":"Collect","requestStreaming":true},
	{"name":"Chat","requestStreaming":true,"responseStreaming":true},
	{"name":"Stall","responseStreaming":true}]}],
	"backend":{"rules":[{"selector":"test.Echo.Say","deadline":0.5},{"selector":"test.Echo.Stall","deadline":0.2}]}}`

// startServer runs the production listener (HTTP/1.1 + h2c on one port) for h.
func startServer(t testing.TB, h *Handler, lo ListenOptions) *Server {
	t.Helper()
	if lo.Address == "" {
		lo.Address = "127.0.0.1:0"
	}
	s, err := Listen(h, lo)
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = s.Serve() }()
	t.Cleanup(func() { _ = s.Shutdown(context.Background()) })
	return s
}

func dialProxy(t testing.TB, addr string) *grpc.ClientConn {
	t.Helper()
	cc, err := grpc.NewClient("passthrough:///"+addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cc.Close() })
	return cc
}

func TestGRPCPassthrough(t *testing.T) {
	cfg := buildConfig(t, echoServiceJSON, translate.Options{Backend: startEchoBackend(t)})
	h, err := New(cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	cc := dialProxy(t, startServer(t, h, ListenOptions{}).Addr().String())
	ctx := metadata.AppendToOutgoingContext(context.Background(), "x-in", "hello")

	t.Run("unary with metadata and trailers", func(t *testing.T) {
		var header, trailer metadata.MD
		out := &wrapperspb.StringValue{}
		err := cc.Invoke(ctx, "/test.Echo/Say", wrapperspb.String("hi"), out, grpc.Header(&header), grpc.Trailer(&trailer))
		if err != nil || out.Value != "you said hi" {
			t.Fatalf("Say: %v %q", err, out.Value)
		}
		if got := header.Get("x-out"); len(got) != 1 || got[0] != "hello" {
			t.Errorf("header x-out = %v", got)
		}
		if got := trailer.Get("x-trailer"); len(got) != 1 || got[0] != "said" {
			t.Errorf("trailer x-trailer = %v", got)
		}
	})
	t.Run("unary error status", func(t *testing.T) {
		err := cc.Invoke(ctx, "/test.Echo/Say", wrapperspb.String("fail"), &wrapperspb.StringValue{})
		if s := status.Convert(err); s.Code() != codes.NotFound || s.Message() != "no such thing" {
			t.Errorf("got %v", err)
		}
	})
	t.Run("deadline", func(t *testing.T) {
		err := cc.Invoke(ctx, "/test.Echo/Say", wrapperspb.String("sleep"), &wrapperspb.StringValue{})
		s := status.Convert(err)
		if s.Code() != codes.Unavailable || s.Message() != `{"code":504,"message":"upstream request timeout"}` {
			t.Errorf("got %v", err)
		}
	})
	t.Run("server streaming", func(t *testing.T) {
		st, err := cc.NewStream(ctx, &grpc.StreamDesc{ServerStreams: true}, "/test.Echo/Repeat")
		if err != nil {
			t.Fatal(err)
		}
		if err := st.SendMsg(wrapperspb.String("x")); err != nil {
			t.Fatal(err)
		}
		_ = st.CloseSend()
		var got []string
		for {
			m := &wrapperspb.StringValue{}
			if err := st.RecvMsg(m); err != nil {
				if !errors.Is(err, io.EOF) {
					t.Fatal(err)
				}
				break
			}
			got = append(got, m.Value)
		}
		if strings.Join(got, ",") != "x 1,x 2,x 3" || st.Trailer().Get("x-trailer")[0] != "repeated" {
			t.Errorf("got %v, trailer %v", got, st.Trailer())
		}
	})
	t.Run("client streaming", func(t *testing.T) {
		st, err := cc.NewStream(ctx, &grpc.StreamDesc{ClientStreams: true}, "/test.Echo/Collect")
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range []string{"a", "b", "c"} {
			if err := st.SendMsg(wrapperspb.String(v)); err != nil {
				t.Fatal(err)
			}
		}
		_ = st.CloseSend()
		m := &wrapperspb.StringValue{}
		if err := st.RecvMsg(m); err != nil || m.Value != "a+b+c" {
			t.Fatalf("Collect: %v %q", err, m.Value)
		}
	})
	t.Run("bidi streaming, interleaved", func(t *testing.T) {
		st, err := cc.NewStream(ctx, &grpc.StreamDesc{ClientStreams: true, ServerStreams: true}, "/test.Echo/Chat")
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range []string{"one", "two"} {
			if err := st.SendMsg(wrapperspb.String(v)); err != nil {
				t.Fatal(err)
			}
			m := &wrapperspb.StringValue{}
			if err := st.RecvMsg(m); err != nil || m.Value != "re: "+v {
				t.Fatalf("Chat %s: %v %q", v, err, m.Value)
			}
		}
		_ = st.CloseSend()
		if err := st.RecvMsg(&wrapperspb.StringValue{}); !errors.Is(err, io.EOF) {
			t.Fatalf("end of Chat: %v", err)
		}
		if st.Trailer().Get("x-trailer")[0] != "chatted" {
			t.Errorf("trailer %v", st.Trailer())
		}
	})
	t.Run("stream idle timeout", func(t *testing.T) {
		// A streaming method's deadline is its idle timeout: no bytes for 0.2 s -> 408
		// `stream timeout`, which a gRPC client sees as UNKNOWN with the JSON body.
		st, err := cc.NewStream(ctx, &grpc.StreamDesc{ServerStreams: true}, "/test.Echo/Stall")
		if err != nil {
			t.Fatal(err)
		}
		_ = st.SendMsg(wrapperspb.String("x"))
		_ = st.CloseSend()
		err = st.RecvMsg(&wrapperspb.StringValue{})
		if s := status.Convert(err); s.Code() != codes.Unknown || s.Message() != `{"code":408,"message":"stream timeout"}` {
			t.Errorf("got %v", err)
		}
	})
	t.Run("unknown method", func(t *testing.T) {
		err := cc.Invoke(ctx, "/test.Echo/Nope", wrapperspb.String("x"), &wrapperspb.StringValue{})
		if s := status.Convert(err); s.Code() != codes.Unimplemented {
			t.Errorf("got %v", err)
		}
	})
}

// gRPC over HTTP/1.1 (ESPv2's --enable_grpc_for_http1, on by default): the response drops
// content-length so the trailers can follow a chunked body.
func TestGRPCOverHTTP1(t *testing.T) {
	cfg := buildConfig(t, echoServiceJSON, translate.Options{Backend: startEchoBackend(t)})
	srv, _ := serve(t, cfg, Options{})
	msg, _ := proto.Marshal(wrapperspb.String("h1"))
	req, _ := http.NewRequest("POST", srv.URL+"/test.Echo/Say", bytes.NewReader(appendGRPCFrame(nil, msg)))
	req.Header.Set("Content-Type", "application/grpc")
	req.Header.Set("Te", "trailers")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got, err := readGRPCFrame(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	out := &wrapperspb.StringValue{}
	if err := proto.Unmarshal(got, out); err != nil || out.Value != "you said h1" {
		t.Errorf("message %q %v", out.Value, err)
	}
	if resp.Proto != "HTTP/1.1" || resp.Trailer.Get("Grpc-Status") != "0" || resp.Trailer.Get("X-Trailer") != "said" {
		t.Errorf("%s trailers %v", resp.Proto, resp.Trailer)
	}
}
