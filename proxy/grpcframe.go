package proxy

import (
	"errors"
	"fmt"
	"io"

	"github.com/espctl/espctl/transcode"
)

// maxGRPCMessage bounds one response message read from a backend while transcoding.
const maxGRPCMessage = 64 << 20

// appendGRPCFrame frames one uncompressed gRPC message: flag byte, 4-byte length, payload.
func appendGRPCFrame(dst, msg []byte) []byte { return transcode.AppendFrame(dst, msg) }

// readGRPCFrame reads one uncompressed gRPC message; io.EOF means a clean end of stream.
func readGRPCFrame(r io.Reader) ([]byte, error) {
	f, err := transcode.ReadFrame(r, maxGRPCMessage)
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		return nil, errors.New("truncated gRPC message")
	case err != nil:
		return nil, err
	case f.Compressed():
		return nil, fmt.Errorf("compressed gRPC message (flag %d) not supported", f.Flags)
	}
	return f.Data, nil
}
