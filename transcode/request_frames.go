package transcode

import "bytes"

// AppendRequestFrames appends the request to dst as gRPC frames, ready to send as the HTTP/2
// body of the call. Usually that is one frame holding Request(r). For a client-streaming method
// with `body: "*"` whose body is a JSON array, each element becomes one message (each also
// gets the path and query fields), as ESPv2's transcoder streams arrays; `[]` sends no message.
func (m *Method) AppendRequestFrames(dst []byte, r Request) ([]byte, error) {
	body := bytes.TrimSpace(r.Body)
	if !m.desc.IsStreamingClient() || m.bodyKind != bodyWhole || m.httpBodyRequest || len(body) == 0 || body[0] != '[' {
		msg, err := m.Request(r)
		if err != nil {
			return nil, err
		}
		return AppendFrame(dst, msg), nil
	}
	if err := checkJSON(body); err != nil {
		return nil, err
	}
	strict := strictJSON(body)
	for i := 1; i < len(strict); {
		if strict[i] == ']' {
			break
		}
		end := valueEnd(strict, i)
		elem := r
		elem.Body = strict[i:end]
		msg, err := m.Request(elem)
		if err != nil {
			return nil, err
		}
		dst = AppendFrame(dst, msg)
		i = end
		if i < len(strict) && strict[i] == ',' {
			i++
		}
	}
	return dst, nil
}
