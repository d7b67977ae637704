package transcode

import (
	"encoding/binary"
	"fmt"
	"io"
)

// gRPC messages travel in length-prefixed frames: one flags byte (bit 0: compressed; bit 7:
// gRPC-Web trailers), a 4-byte big-endian length, then the message.
const (
	FrameHeaderLen = 5
	// FlagCompressed marks a message compressed with the grpc-encoding algorithm.
	FlagCompressed byte = 0x01
	// FlagTrailers marks a gRPC-Web trailers frame.
	FlagTrailers byte = 0x80
	// DefaultMaxFrameSize bounds frames ReadFrame accepts when given 0 (grpc-go's default
	// receive limit).
	DefaultMaxFrameSize = 4 << 20
)

// Frame is one length-prefixed message.
type Frame struct {
	Flags byte
	Data  []byte
}

// Compressed reports whether the compressed flag is set.
func (f Frame) Compressed() bool { return f.Flags&FlagCompressed != 0 }

// AppendFrame appends msg as one uncompressed gRPC frame to dst.
func AppendFrame(dst, msg []byte) []byte {
	return AppendFrameFlags(dst, 0, msg)
}

// AppendFrameFlags appends msg as one frame with the given flags byte.
func AppendFrameFlags(dst []byte, flags byte, msg []byte) []byte {
	dst = append(dst, flags, 0, 0, 0, 0)
	binary.BigEndian.PutUint32(dst[len(dst)-4:], uint32(len(msg)))
	return append(dst, msg...)
}

// FrameTooLargeError is returned for a frame longer than the reader's limit.
type FrameTooLargeError struct {
	Size, Max uint32
}

func (e *FrameTooLargeError) Error() string {
	return fmt.Sprintf("grpc: received message larger than max (%d vs. %d)", e.Size, e.Max)
}

// ReadFrame reads one frame. It returns io.EOF at a clean end between frames and
// io.ErrUnexpectedEOF for a truncated frame. maxSize 0 means DefaultMaxFrameSize.
func ReadFrame(r io.Reader, maxSize uint32) (Frame, error) {
	var hdr [FrameHeaderLen]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return Frame{}, err
	}
	n := binary.BigEndian.Uint32(hdr[1:])
	if maxSize == 0 {
		maxSize = DefaultMaxFrameSize
	}
	if n > maxSize {
		return Frame{}, &FrameTooLargeError{Size: n, Max: maxSize}
	}
	data := make([]byte, n)
	if _, err := io.ReadFull(r, data); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return Frame{}, err
	}
	return Frame{Flags: hdr[0], Data: data}, nil
}

// SplitFrames splits a buffer holding whole frames. A truncated last frame is
// io.ErrUnexpectedEOF; the frames' Data alias b.
func SplitFrames(b []byte) ([]Frame, error) {
	var frames []Frame
	for len(b) > 0 {
		if len(b) < FrameHeaderLen {
			return frames, io.ErrUnexpectedEOF
		}
		n := binary.BigEndian.Uint32(b[1:FrameHeaderLen])
		if uint64(len(b)-FrameHeaderLen) < uint64(n) {
			return frames, io.ErrUnexpectedEOF
		}
		frames = append(frames, Frame{Flags: b[0], Data: b[FrameHeaderLen : FrameHeaderLen+int(n)]})
		b = b[FrameHeaderLen+int(n):]
	}
	return frames, nil
}
