package quota

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"

	"github.com/espctl/espctl/translate"
)

func startMiniredis(t *testing.T) *miniredis.Miniredis {
	t.Helper()
	mr := miniredis.NewMiniRedis()
	if err := mr.StartAddr("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(mr.Close)
	return mr
}

func TestRedisMiniredis(t *testing.T) {
	runSuite(t, func(t *testing.T, clock *fakeClock) *Limiter {
		mr := startMiniredis(t)
		return mustNew(t, testConfig(), Options{Backend: "redis://" + mr.Addr() + "/0", Clock: clock.Now, Timeout: 5 * time.Second})
	})
}

func TestRedisKeysExpire(t *testing.T) {
	mr := startMiniredis(t)
	l := mustNew(t, testConfig(), Options{Backend: "redis://" + mr.Addr() + "/2", Clock: newClock().Now, Timeout: 5 * time.Second})
	if rej := l.Allow(context.Background(), "project_number:7", readOne); rej != nil {
		t.Fatal(rej)
	}
	mr.Select(2)
	keys := mr.Keys()
	want := "espctl:quota:{" + service + "|project_number:7}:read-limit:29932560"
	if len(keys) != 1 || keys[0] != want {
		t.Fatalf("keys %v, want [%s]", keys, want)
	}
	if ttl := mr.TTL(want); ttl != counterTTL {
		t.Fatalf("ttl %v, want %v", ttl, counterTTL)
	}
}

// TestTwoLimitersShareMiniredis stands in for two proxy processes: between them they admit
// exactly the limit.
func TestTwoLimitersShareMiniredis(t *testing.T) {
	mr := startMiniredis(t)
	clock := newClock()
	o := Options{Backend: "redis://" + mr.Addr(), Clock: clock.Now, Timeout: 5 * time.Second}
	a, b := mustNew(t, testConfig(), o), mustNew(t, testConfig(), o)
	if got := hammer(a, b, "project_number:1", readOne, 50); got != 5 {
		t.Fatalf("two limiters admitted %d, want 5", got)
	}
}

// hammer calls Allow concurrently from both limiters and counts the calls admitted.
func hammer(a, b *Limiter, consumer string, m *translate.Method, per int) int64 {
	var admitted atomic.Int64
	var wg sync.WaitGroup
	for _, l := range []*Limiter{a, b} {
		for g := 0; g < 4; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < per; i++ {
					if l.Allow(context.Background(), consumer, m) == nil {
						admitted.Add(1)
					}
				}
			}()
		}
	}
	wg.Wait()
	return admitted.Load()
}

func TestRedisDownFailOpenAndClosed(t *testing.T) {
	for _, policy := range []FailPolicy{FailOpen, FailClosed} {
		t.Run(string(policy), func(t *testing.T) {
			mr := startMiniredis(t)
			clock := newClock()
			var logs syncBuffer
			l := mustNew(t, testConfig(), Options{Backend: "redis://" + mr.Addr(), FailPolicy: policy, Clock: clock.Now,
				Timeout: 2 * time.Second, Logger: testLogger(&logs)})
			ctx := context.Background()
			if rej := l.Allow(ctx, "c", readOne); rej != nil {
				t.Fatal(rej)
			}
			addr := mr.Addr()
			mr.Close()
			for i := 0; i < 10; i++ { // more than the limit: nothing is counted while down
				rej := l.Allow(ctx, "c", readOne)
				switch {
				case policy == FailOpen && rej != nil:
					t.Fatalf("fail open refused: %v", rej)
				case policy == FailClosed && (rej == nil || rej.Status != 503 || rej.Message != "UNAVAILABLE: Quota backend is unavailable."):
					t.Fatalf("fail closed: %v", rej)
				}
			}
			if n := strings.Count(logs.String(), "quota backend unreachable"); n != 1 {
				t.Fatalf("logged the outage %d times, want once:\n%s", n, logs.String())
			}
			// Redis comes back on the same address; after the retry interval quotas apply again.
			mr2 := miniredis.NewMiniRedis()
			if err := mr2.StartAddr(addr); err != nil {
				t.Skipf("cannot restart on %s: %v", addr, err)
			}
			t.Cleanup(mr2.Close)
			clock.Add(time.Second)
			admitted := 0
			for i := 0; i < 10; i++ {
				if l.Allow(ctx, "c", readOne) == nil {
					admitted++
				}
			}
			if admitted != 5 {
				t.Fatalf("after recovery admitted %d, want 5 (fresh Redis)", admitted)
			}
			if !strings.Contains(logs.String(), "quota backend reachable again") {
				t.Fatalf("recovery not logged:\n%s", logs.String())
			}
		})
	}
}

func TestRedisUnreachableAtStartIsLoggedNotFatal(t *testing.T) {
	mr := startMiniredis(t)
	addr := mr.Addr()
	mr.Close()
	var logs syncBuffer
	l := mustNew(t, testConfig(), Options{Backend: "redis://" + addr, Timeout: time.Second, Logger: testLogger(&logs)})
	if !strings.Contains(logs.String(), "quota backend unreachable at start") {
		t.Fatalf("not logged: %s", logs.String())
	}
	if rej := l.Allow(context.Background(), "c", readOne); rej != nil {
		t.Fatalf("fail open by default: %v", rej)
	}
}
