package proxy

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// maxGRPCMessage bounds one response message read from a backend while transcoding.
const maxGRPCMessage = 64 << 20

// appendGRPCFrame frames one uncompressed gRPC message: flag byte, 4-byte length, payload.
func appendGRPCFrame(dst, msg []byte) []byte {
	var hdr [5]byte
	binary.BigEndian.PutUint32(hdr[1:], uint32(len(msg)))
	dst = append(dst, hdr[:]...)
	return append(dst, msg...)
}

// readGRPCFrame reads one gRPC message; io.EOF means a clean end of stream.
func readGRPCFrame(r io.Reader) ([]byte, error) {
	var hdr [5]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fmt.Errorf("truncated gRPC frame header")
		}
		return nil, err
	}
	if hdr[0] != 0 {
		return nil, fmt.Errorf("compressed gRPC message (flag %d) not supported", hdr[0])
	}
	n := binary.BigEndian.Uint32(hdr[1:])
	if n > maxGRPCMessage {
		return nil, fmt.Errorf("gRPC message of %d bytes exceeds %d", n, maxGRPCMessage)
	}
	buf := make([]byte, n)
	if _, err := io.ReadFull(r, buf); err != nil {
		return nil, fmt.Errorf("truncated gRPC message: %w", err)
	}
	return buf, nil
}
