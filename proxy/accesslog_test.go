package proxy

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"testing"
)

// lockedBuffer collects log lines written from handler goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// One JSON line per request with method, path, status, latency, backend, bytes and the request
// id (the client's x-request-id when it sent one); replies made by the proxy carry their error.
func TestAccessLog(t *testing.T) {
	be := echoBackend(t)
	var logs lockedBuffer
	srv, _ := serve(t, routingConfig(t, be.URL), Options{Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	call(t, srv.Client(), "GET", srv.URL+"/v1/shelves/1", "", "X-Request-Id", "req-1")
	call(t, srv.Client(), "GET", srv.URL+"/nothing", "", "X-Request-Id", "req-2")
	var lines []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("not a JSON line: %q", l)
		}
		if m["msg"] == "request" {
			lines = append(lines, m)
		}
	}
	if len(lines) != 2 {
		t.Fatalf("%d request lines: %s", len(lines), logs.String())
	}
	ok, notFound := lines[0], lines[1]
	for _, k := range []string{"method", "path", "status", "latency_ms", "backend", "bytes", "request_id"} {
		if _, present := ok[k]; !present {
			t.Errorf("field %s missing: %v", k, ok)
		}
	}
	if ok["status"] != float64(200) || ok["path"] != "/v1/shelves/1" || ok["request_id"] != "req-1" || !strings.HasPrefix(ok["backend"].(string), "http://127.0.0.1:") {
		t.Errorf("success line: %v", ok)
	}
	if notFound["status"] != float64(404) || notFound["error"] != msgNotDefined || notFound["request_id"] != "req-2" {
		t.Errorf("404 line: %v", notFound)
	}
}
