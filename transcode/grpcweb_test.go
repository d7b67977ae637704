package transcode

import (
	"bytes"
	"encoding/base64"
	"io"
	"net/http"
	"testing"
)

func TestContentTypes(t *testing.T) {
	for ct, want := range map[string][3]bool{ // IsGRPC, IsGRPCWeb, IsGRPCWebText
		"application/grpc":                {true, false, false},
		"application/grpc+proto":          {true, false, false},
		"application/grpc; charset=utf-8": {true, false, false},
		"application/grpc-web":            {false, true, false},
		"application/grpc-web+proto":      {false, true, false},
		"application/grpc-web-text":       {false, true, true},
		"Application/GRPC-Web-Text+proto": {false, true, true},
		"application/json":                {false, false, false},
		"application/grpcx":               {false, false, false},
		"application/grpc-webx":           {true, false, false},
	} {
		got := [3]bool{IsGRPC(ct), IsGRPCWeb(ct), IsGRPCWebText(ct)}
		if got != want {
			t.Errorf("%s: got %v, want %v", ct, got, want)
		}
	}
	if got := GRPCRequestContentType("application/grpc-web-text+proto"); got != "application/grpc+proto" {
		t.Errorf("request content type %s", got)
	}
	if got := GRPCRequestContentType("application/grpc-web"); got != "application/grpc" {
		t.Errorf("request content type %s", got)
	}
	if GRPCWebResponseContentType(true) != "application/grpc-web-text+proto" || GRPCWebResponseContentType(false) != "application/grpc-web+proto" {
		t.Error("response content types")
	}
}

func TestGRPCWebTextRequest(t *testing.T) {
	frames := AppendFrame(AppendFrame(nil, []byte("first")), []byte("second message"))
	// Browsers may send several separately padded base64 chunks.
	a := base64.StdEncoding.EncodeToString(frames[:7])
	b := base64.StdEncoding.EncodeToString(frames[7:])
	body := a + "\r\n" + b
	got, err := io.ReadAll(GRPCWebRequestBody(iotestOneByte(body), true))
	if err != nil || !bytes.Equal(got, frames) {
		t.Fatalf("decoded %q, %v", got, err)
	}
	raw, _ := io.ReadAll(GRPCWebRequestBody(bytes.NewReader(frames), false))
	if !bytes.Equal(raw, frames) {
		t.Fatal("binary body changed")
	}
	if _, err := io.ReadAll(GRPCWebRequestBody(bytes.NewReader([]byte("abc")), true)); err == nil {
		t.Error("truncated base64 accepted")
	}
	if _, err := io.ReadAll(GRPCWebRequestBody(bytes.NewReader([]byte("a!c=")), true)); err == nil {
		t.Error("bad base64 accepted")
	}
}

// iotestOneByte returns a reader that yields one byte per Read, to exercise chunk boundaries.
func iotestOneByte(s string) io.Reader { return &oneByteReader{s: s} }

type oneByteReader struct{ s string }

func (r *oneByteReader) Read(p []byte) (int, error) {
	if len(r.s) == 0 {
		return 0, io.EOF
	}
	p[0] = r.s[0]
	r.s = r.s[1:]
	return 1, nil
}

func TestGRPCWebResponse(t *testing.T) {
	msg := AppendFrame(nil, []byte("reply"))
	trailers := http.Header{"Grpc-Status": {"0"}, "Grpc-Message": {"ok"}, "X-Extra": {"1"}}
	wantTrailer := "grpc-status:0\r\ngrpc-message:ok\r\nx-extra:1\r\n"

	var bin bytes.Buffer
	w := NewGRPCWebWriter(&bin, false)
	if _, err := w.Write(msg); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteTrailers(trailers); err != nil {
		t.Fatal(err)
	}
	frames, err := SplitFrames(bin.Bytes())
	if err != nil || len(frames) != 2 {
		t.Fatalf("%d frames, %v", len(frames), err)
	}
	if frames[1].Flags != FlagTrailers || string(frames[1].Data) != wantTrailer {
		t.Errorf("trailer frame %x %q", frames[1].Flags, frames[1].Data)
	}

	var text bytes.Buffer
	w = NewGRPCWebWriter(&text, true)
	_, _ = w.Write(msg[:3])
	_, _ = w.Write(msg[3:])
	if err := w.WriteTrailers(trailers); err != nil {
		t.Fatal(err)
	}
	decoded, err := base64.StdEncoding.DecodeString(text.String())
	if err != nil || !bytes.Equal(decoded, bin.Bytes()) {
		t.Errorf("text body %q: %v", text.String(), err)
	}
}

// FuzzGRPCWebText: any text body decodes without panic, and whatever base64 encodes comes back.
func FuzzGRPCWebText(f *testing.F) {
	f.Add([]byte("AAAAAAVoZWxsbw=="), []byte("hello"))
	f.Add([]byte("QQ==QQ==\n"), []byte{})
	f.Fuzz(func(t *testing.T, body, payload []byte) {
		_, _ = io.ReadAll(GRPCWebRequestBody(bytes.NewReader(body), true))
		enc := base64.StdEncoding.EncodeToString(payload)
		got, err := io.ReadAll(GRPCWebRequestBody(iotestOneByte(enc), true))
		if err != nil || !bytes.Equal(got, payload) {
			t.Fatalf("round trip of %x: %x, %v", payload, got, err)
		}
	})
}
