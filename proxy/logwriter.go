package proxy

import (
	"io"
	"sync"
)

// LogWriter puts a log destination (stderr) behind a buffer, so a request does not pay for a
// write system call on the access-log line: Write appends to the buffer and returns, and one
// goroutine writes what has accumulated, in order, as soon as it can. Under load many lines go
// out in one write; when idle each line goes out within a goroutine wake-up. Nothing is
// dropped: when the destination falls behind by more than maxPending bytes, Write waits.
//
// Close writes what is pending and stops the goroutine; later writes go straight through.
// Lines still buffered when the process crashes are lost, which a synchronous writer would
// have written.
type LogWriter struct {
	w io.Writer

	mu      sync.Mutex
	drained *sync.Cond // signalled after each write to w
	pending []byte     // written by Write, not yet handed to w
	spare   []byte     // the buffer of the previous write, reused
	writing bool       // the goroutine is writing a batch
	closing bool       // Close was called: the goroutine drains and exits
	closed  bool       // the goroutine has exited: writes go straight to w

	wake chan struct{} // capacity 1: "there is something pending"
	done chan struct{} // closed when the goroutine has exited
}

// maxPending bounds the buffer; past it Write waits for the destination (backpressure, never
// loss).
const maxPending = 1 << 20

// NewLogWriter starts the goroutine writing to w.
func NewLogWriter(w io.Writer) *LogWriter {
	l := &LogWriter{w: w, wake: make(chan struct{}, 1), done: make(chan struct{})}
	l.drained = sync.NewCond(&l.mu)
	go l.loop()
	return l
}

// Write buffers p, which must be whole lines (a slog handler writes one record per call).
func (l *LogWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	for len(l.pending) >= maxPending && !l.closed {
		l.drained.Wait()
	}
	if l.closed {
		// After Close, straight through (still serialized with the other writers).
		defer l.mu.Unlock()
		return l.w.Write(p)
	}
	l.pending = append(l.pending, p...)
	l.mu.Unlock()
	select {
	case l.wake <- struct{}{}:
	default: // the goroutine is already due to run
	}
	return len(p), nil
}

func (l *LogWriter) loop() {
	defer close(l.done)
	for range l.wake {
		l.mu.Lock()
		for len(l.pending) > 0 {
			batch := l.pending
			l.pending, l.spare = l.spare[:0], nil
			l.writing = true
			l.mu.Unlock()
			_, _ = l.w.Write(batch)
			l.mu.Lock()
			l.writing = false
			if cap(batch) <= maxPending {
				l.spare = batch[:0]
			}
			l.drained.Broadcast()
		}
		closing := l.closing
		l.mu.Unlock()
		if closing {
			return
		}
	}
}

// Flush waits until everything written so far has been handed to the destination.
func (l *LogWriter) Flush() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for (len(l.pending) > 0 || l.writing) && !l.closed {
		l.drained.Wait()
	}
}

// Close writes what is pending and stops the goroutine. It is safe to call more than once.
func (l *LogWriter) Close() error {
	l.mu.Lock()
	if l.closing {
		l.mu.Unlock()
		<-l.done
		return nil
	}
	l.closing = true
	l.mu.Unlock()
	select {
	case l.wake <- struct{}{}:
	default:
	}
	<-l.done
	// What was written between the goroutine's last look and now goes out here, before any
	// later write.
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed = true
	if len(l.pending) > 0 {
		_, _ = l.w.Write(l.pending)
		l.pending = nil
	}
	l.drained.Broadcast()
	return nil
}
