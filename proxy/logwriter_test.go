package proxy

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// slowWriter records what reaches the destination and takes its time, so lines pile up.
type slowWriter struct {
	mu     sync.Mutex
	b      bytes.Buffer
	writes int
}

func (s *slowWriter) Write(p []byte) (int, error) {
	time.Sleep(50 * time.Microsecond)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.writes++
	return s.b.Write(p)
}

func (s *slowWriter) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Every line arrives, whole and in the order written, and Close flushes what is pending.
func TestLogWriterOrderAndClose(t *testing.T) {
	dst := &slowWriter{}
	lw := NewLogWriter(dst)
	const writers, per = 8, 500
	var wg sync.WaitGroup
	for g := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range per {
				fmt.Fprintf(lw, "g%d %d\n", g, i)
			}
		}()
	}
	wg.Wait()
	lw.Close()
	lines := strings.Split(strings.TrimSuffix(dst.String(), "\n"), "\n")
	if len(lines) != writers*per {
		t.Fatalf("%d lines, want %d", len(lines), writers*per)
	}
	next := make([]int, writers)
	for _, l := range lines {
		var g, i int
		if _, err := fmt.Sscanf(l, "g%d %d", &g, &i); err != nil {
			t.Fatalf("torn line %q", l)
		}
		if i != next[g] {
			t.Fatalf("writer %d: line %d after %d", g, i, next[g]-1)
		}
		next[g]++
	}
	if dst.writes >= writers*per {
		t.Errorf("%d writes for %d lines: nothing was batched", dst.writes, writers*per)
	}
	// After Close, writes go straight through, after everything before them.
	fmt.Fprintf(lw, "late\n")
	if !strings.HasSuffix(dst.String(), "\nlate\n") {
		t.Errorf("line written after Close missing or out of order")
	}
	if err := lw.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestLogWriterFlush(t *testing.T) {
	dst := &slowWriter{}
	lw := NewLogWriter(dst)
	defer lw.Close()
	for i := range 100 {
		fmt.Fprintf(lw, "%d\n", i)
	}
	lw.Flush()
	if n := strings.Count(dst.String(), "\n"); n != 100 {
		t.Errorf("after Flush %d lines reached the destination, want 100", n)
	}
}

// BenchmarkAccessLogLine is the access-log line of one request written by slog's JSON handler
// to a file (/dev/null: the system call, not the disk), directly and through a LogWriter.
func BenchmarkAccessLogLine(b *testing.B) {
	f, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	for _, c := range []struct {
		name string
		w    func() (io.Writer, func())
	}{
		{"direct", func() (io.Writer, func()) { return f, func() {} }},
		{"logwriter", func() (io.Writer, func()) { lw := NewLogWriter(f); return lw, func() { lw.Close() } }},
	} {
		b.Run(c.name, func(b *testing.B) {
			w, done := c.w()
			defer done()
			log := slog.New(slog.NewJSONHandler(w, nil))
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					log.LogAttrs(b.Context(), slog.LevelInfo, "request", slog.String("method", "GET"), slog.String("path", "/v1/shelves/1"),
						slog.Int("status", 200), slog.Float64("latency_ms", 0.412), slog.String("backend", "http://127.0.0.1:8081"),
						slog.Int64("bytes", 28), slog.String("request_id", "4b1f0f7e-1c7a-4b5e-9d0e-2f0d7c8c9a11"), slog.String("protocol", "HTTP/1.1"))
				}
			})
		})
	}
}
