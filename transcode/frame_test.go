package transcode

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

func TestFrameRoundTrip(t *testing.T) {
	var buf []byte
	msgs := [][]byte{[]byte("hello"), {}, bytes.Repeat([]byte{7}, 70000)}
	for _, m := range msgs {
		buf = AppendFrame(buf, m)
	}
	if !bytes.Equal(buf[:FrameHeaderLen], []byte{0, 0, 0, 0, 5}) {
		t.Fatalf("header % x", buf[:FrameHeaderLen])
	}
	r := bytes.NewReader(buf)
	for i, want := range msgs {
		f, err := ReadFrame(r, 0)
		if err != nil || f.Compressed() || !bytes.Equal(f.Data, want) {
			t.Fatalf("frame %d: %v %v", i, err, f.Compressed())
		}
	}
	if _, err := ReadFrame(r, 0); err != io.EOF {
		t.Fatalf("after last frame: %v, want io.EOF", err)
	}
	frames, err := SplitFrames(buf)
	if err != nil || len(frames) != 3 || string(frames[0].Data) != "hello" {
		t.Fatalf("SplitFrames: %d frames, %v", len(frames), err)
	}
}

func TestFrameErrors(t *testing.T) {
	full := AppendFrameFlags(nil, FlagCompressed, []byte("abcdef"))
	if f, _ := ReadFrame(bytes.NewReader(full), 0); !f.Compressed() {
		t.Error("compressed flag lost")
	}
	for _, cut := range []int{3, 8} {
		if _, err := ReadFrame(bytes.NewReader(full[:cut]), 0); err != io.ErrUnexpectedEOF {
			t.Errorf("cut at %d: %v", cut, err)
		}
		if _, err := SplitFrames(full[:cut]); err != io.ErrUnexpectedEOF {
			t.Errorf("SplitFrames cut at %d: %v", cut, err)
		}
	}
	var tooLarge *FrameTooLargeError
	if _, err := ReadFrame(bytes.NewReader(full), 3); !errors.As(err, &tooLarge) {
		t.Errorf("limit: %v", err)
	}
}

func FuzzSplitFrames(f *testing.F) {
	f.Add(AppendFrame(AppendFrame(nil, []byte("a")), []byte("bc")))
	f.Add([]byte{0, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		frames, err := SplitFrames(b)
		if err != nil {
			return
		}
		var again []byte
		for _, fr := range frames {
			again = AppendFrameFlags(again, fr.Flags, fr.Data)
		}
		if !bytes.Equal(again, b) {
			t.Fatal("split and join differ")
		}
	})
}
