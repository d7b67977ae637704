package proxy

import (
	"bytes"
	"encoding/base64"
	"io"
	"net/http"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/espctl/espctl/transcode"
	"github.com/espctl/espctl/translate"
)

func TestGRPCWeb(t *testing.T) {
	cfg := buildConfig(t, echoServiceJSON, translate.Options{Backend: startEchoBackend(t)})
	srv, _ := serve(t, cfg, Options{})
	msg, _ := proto.Marshal(wrapperspb.String("web"))
	frame := appendGRPCFrame(nil, msg)
	for _, text := range []bool{false, true} {
		body, ct := frame, "application/grpc-web+proto"
		if text {
			body, ct = []byte(base64.StdEncoding.EncodeToString(frame)), "application/grpc-web-text"
		}
		req, _ := http.NewRequest("POST", srv.URL+"/test.Echo/Say", bytes.NewReader(body))
		req.Header.Set("Content-Type", ct)
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if text {
			raw, err = base64.StdEncoding.DecodeString(string(raw))
			if err != nil {
				t.Fatalf("text body: %v", err)
			}
		}
		frames, err := transcode.SplitFrames(raw)
		if err != nil || len(frames) != 2 {
			t.Fatalf("text=%v: %d frames, %v (%q)", text, len(frames), err, raw)
		}
		got := &wrapperspb.StringValue{}
		if err := proto.Unmarshal(frames[0].Data, got); err != nil || got.Value != "you said web" {
			t.Errorf("text=%v: message %q %v", text, got.Value, err)
		}
		trailers := string(frames[1].Data)
		if frames[1].Flags&0x80 == 0 || !strings.Contains(trailers, "grpc-status:0\r\n") || !strings.Contains(trailers, "x-trailer:said\r\n") {
			t.Errorf("text=%v: trailer frame %q", text, trailers)
		}
		if want := transcode.GRPCWebResponseContentType(text); resp.Header.Get("Content-Type") != want {
			t.Errorf("text=%v: content type %q, want %q", text, resp.Header.Get("Content-Type"), want)
		}
	}
}
