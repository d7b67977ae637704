package quota

import (
	"context"
	"fmt"
	"net"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// redisServer is a real redis-server started for one test.
type redisServer struct {
	cmd  *exec.Cmd
	addr string
}

// startRedisServer runs redis-server on a free loopback port, without persistence. It skips
// the test when the binary is missing: the cross-replica guarantee needs a real server.
func startRedisServer(t *testing.T) *redisServer {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skip("redis-server not found on PATH: install the Debian package redis-server (apt-get install redis-server) to run the real-Redis quota tests")
	}
	// redis-server refuses --port 0, so take a free port from the kernel and hand it over.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	s := &redisServer{addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port))}
	s.cmd = exec.Command(bin, "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
		"--dir", t.TempDir(), "--daemonize", "no", "--loglevel", "warning")
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.stop)
	// Wait until it answers; a bounded wait, not a timing assertion.
	c := redis.NewClient(&redis.Options{Addr: s.addr, DialerRetries: 1, MaxRetries: -1})
	defer c.Close()
	for i := 0; ; i++ {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := c.Ping(ctx).Err()
		cancel()
		if err == nil {
			return s
		}
		if i == 100 {
			t.Fatalf("redis-server on %s did not answer: %v", s.addr, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stop kills the server and waits for it, so its port is closed when stop returns.
func (s *redisServer) stop() {
	if s.cmd.ProcessState != nil {
		return
	}
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
}

func (s *redisServer) url() string { return "redis://" + s.addr + "/0" }

// TestRealRedisTwoProxiesShareOneLimit: two limiters (two proxy processes) sharing one
// redis-server admit exactly the limit in total, with concurrent callers on both.
func TestRealRedisTwoProxiesShareOneLimit(t *testing.T) {
	srv := startRedisServer(t)
	for _, limit := range []int64{5, 100} {
		t.Run(fmt.Sprint(limit), func(t *testing.T) {
			cfg := testConfig()
			cfg.QuotaLimits[0].Values["STANDARD"] = limit
			clock := newClock()
			o := Options{Backend: srv.url(), FailPolicy: FailClosed, Clock: clock.Now, Timeout: 10 * time.Second}
			a, b := mustNew(t, cfg, o), mustNew(t, cfg, o)
			consumer := "project_number:" + strconv.FormatInt(limit, 10)
			if got := hammer(a, b, consumer, readOne, int(limit)); got != limit {
				t.Fatalf("two limiters admitted %d, want exactly %d", got, limit)
			}
			clock.Add(time.Minute)
			if got := hammer(a, b, consumer, readOne, int(limit)); got != limit {
				t.Fatalf("next minute: admitted %d, want exactly %d", got, limit)
			}
		})
	}
}

// TestRealRedisStopped: with redis-server gone, fail open admits and fail closed refuses.
func TestRealRedisStopped(t *testing.T) {
	srv := startRedisServer(t)
	clock := newClock()
	var logs syncBuffer
	open := mustNew(t, testConfig(), Options{Backend: srv.url(), Clock: clock.Now, Timeout: 2 * time.Second, Logger: testLogger(&logs)})
	closed := mustNew(t, testConfig(), Options{Backend: srv.url(), FailPolicy: FailClosed, Clock: clock.Now, Timeout: 2 * time.Second, Logger: testLogger(&logs)})
	ctx := context.Background()
	for _, l := range []*Limiter{open, closed} {
		if rej := l.Allow(ctx, "c", readOne); rej != nil {
			t.Fatalf("redis up: %v", rej)
		}
	}
	srv.stop()
	for i := 0; i < 10; i++ {
		if rej := open.Allow(ctx, "c", readOne); rej != nil {
			t.Fatalf("fail open refused: %v", rej)
		}
		if rej := closed.Allow(ctx, "c", readOne); rej == nil || rej.Status != 503 {
			t.Fatalf("fail closed admitted or wrong status: %v", rej)
		}
		clock.Add(2 * time.Second) // past the retry interval: Redis is tried again each time
	}
}
