package observe

import (
	"io"
	"net/http"
	"sync/atomic"
)

// BodyCounter counts the request body bytes the proxy reads, for RequestRecord.RequestBytes:
// Content-Length is -1 for chunked bodies and streams, and a body may be read only in part.
type BodyCounter struct {
	body io.ReadCloser
	n    atomic.Int64
}

// CountBody wraps r.Body and returns the counter; call N after the response. It is safe to call
// N while the body is still read by another goroutine. A request without a body gets a nil
// counter, whose N is 0 (no allocation for the common GET).
func CountBody(r *http.Request) *BodyCounter {
	if r.Body == nil || r.Body == http.NoBody {
		return nil
	}
	c := &BodyCounter{body: r.Body}
	r.Body = c
	return c
}

func (c *BodyCounter) Read(p []byte) (int, error) {
	n, err := c.body.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// Close closes the wrapped body.
func (c *BodyCounter) Close() error { return c.body.Close() }

// N is the number of bytes read so far.
func (c *BodyCounter) N() int64 {
	if c == nil {
		return 0
	}
	return c.n.Load()
}
