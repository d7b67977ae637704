package xds

import (
	"bytes"
	"encoding/json"
	"fmt"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

// JSON renders m as canonical proto JSON with stable whitespace. protojson deliberately varies
// its spacing between builds, so the bytes are compacted and re-indented here: the same config
// always prints the same bytes. Any fields print with their @type; the envoy types they hold are
// linked into this package, so they resolve.
func JSON(m proto.Message) (json.RawMessage, error) {
	raw, err := protojson.MarshalOptions{UseProtoNames: true}.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("encoding %T: %w", m, err)
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return nil, err
	}
	return json.RawMessage(buf.Bytes()), nil
}
