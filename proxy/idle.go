package proxy

import (
	"context"
	"errors"
	"io"
	"sync"
	"time"
)

// errStreamIdle is the cancel cause of a streaming call that saw no bytes in either direction
// for its idle timeout: ESPv2 (Envoy's stream idle timeout) answers 408 `stream timeout`
// before the response headers, and resets the stream after.
var errStreamIdle = errors.New("stream idle timeout")

// idleWatch cancels a call when neither its request nor its response body moved for d.
type idleWatch struct {
	d     time.Duration
	mu    sync.Mutex
	timer *time.Timer
}

func watchIdle(d time.Duration, cancel context.CancelCauseFunc) *idleWatch {
	w := &idleWatch{d: d}
	w.timer = time.AfterFunc(d, func() { cancel(errStreamIdle) })
	return w
}

func (w *idleWatch) touch() {
	w.mu.Lock()
	w.timer.Reset(w.d)
	w.mu.Unlock()
}

func (w *idleWatch) stop() { w.timer.Stop() }

// body wraps a request or response body so every read counts as activity.
func (w *idleWatch) body(rc io.ReadCloser) io.ReadCloser { return &idleBody{rc, w} }

type idleBody struct {
	io.ReadCloser
	w *idleWatch
}

func (b *idleBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if n > 0 {
		b.w.touch()
	}
	return n, err
}
