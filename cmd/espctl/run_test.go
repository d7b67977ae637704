package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// runBuffer is written by the command's goroutine while the test reads it.
type runBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *runBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *runBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
}

// startRun runs `espctl run args...` in process until the test ends; it returns once stdout
// says the proxy is up.
func startRun(t *testing.T, args ...string) (stdout, stderr *runBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdout, stderr = &runBuffer{}, &runBuffer{}
	done := make(chan int, 1)
	go func() { done <- run(ctx, append([]string{"run"}, args...), strings.NewReader(""), stdout, stderr) }()
	t.Cleanup(func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("espctl run exited %d: %s", code, stderr.String())
		}
	})
	for i := 0; i < 500; i++ {
		if strings.Contains(stdout.String(), "http://") {
			return stdout, stderr
		}
		select {
		case code := <-done:
			done <- code
			t.Fatalf("espctl run exited %d: %s", code, stderr.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatalf("espctl run did not start: %s", stderr.String())
	return
}

// The demo's printed curl commands work (README's first command).
func TestRunDemoPrintedCommands(t *testing.T) {
	port := freePort(t)
	stdout, stderr := startRun(t, "--listener_address", "127.0.0.1", "--listener_port", port)
	var tried int
	for _, line := range strings.Split(stdout.String(), "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "curl ") {
			continue
		}
		f := strings.Fields(line)
		method, url, body := "GET", "", ""
		for i := 1; i < len(f); i++ {
			switch {
			case f[i] == "-X":
				method = f[i+1]
				i++
			case f[i] == "-H":
				i++
			case f[i] == "-d":
				body = strings.Trim(strings.Join(f[i+1:], " "), "'")
				i = len(f)
			case strings.HasPrefix(f[i], "http://"):
				url = f[i]
			}
		}
		url = strings.Replace(url, "localhost", "127.0.0.1", 1)
		req, _ := http.NewRequest(method, url, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		want := 200
		if strings.Contains(url, "/v1/nothing") {
			want = 404
		}
		if resp.StatusCode != want || !strings.HasPrefix(string(b), "{") && !strings.HasPrefix(string(b), "[") {
			t.Errorf("%s: %d %s", line, resp.StatusCode, b)
		}
		tried++
	}
	if tried < 4 {
		t.Errorf("only %d curl commands printed:\n%s", tried, stdout.String())
	}
	if !strings.Contains(stdout.String(), "grpcurl -plaintext 127.0.0.1:"+port+" list") && !strings.Contains(stdout.String(), "grpcurl -plaintext localhost:"+port+" list") {
		t.Errorf("no grpcurl list command:\n%s", stdout.String())
	}
	if !strings.Contains(stderr.String(), `"msg":"request"`) {
		t.Errorf("no access log line on stderr: %s", stderr.String())
	}
}

func TestRunBadFlags(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"--listener_port", "80"}, exitBadInput, "privileged"},
		{[]string{"--service", "x.endpoints.p.cloud.goog", "--rollout_strategy=managed"}, exitBadInput, "Service Management"},
		{[]string{"--config", "/nonexistent/api_config.yaml"}, exitBadInput, "nonexistent"},
	} {
		r := runCLI(t, "", append([]string{"run"}, c.args...)...)
		if r.code != c.code || !strings.Contains(r.stderr, c.msg) {
			t.Errorf("run %v: exit %d, stderr %q; want %d with %q", c.args, r.code, r.stderr, c.code, c.msg)
		}
	}
}
