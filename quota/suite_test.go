package quota

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/espctl/espctl/golden"
	"github.com/espctl/espctl/translate"
)

// newLimiterFunc makes a limiter over testConfig with the given clock, on one backend.
type newLimiterFunc func(t *testing.T, clock *fakeClock) *Limiter

// runSuite checks the counting rules on one backend; memory and Redis must agree exactly.
func runSuite(t *testing.T, newLimiter newLimiterFunc) {
	ctx := context.Background()
	allowN := func(l *Limiter, consumer string, m *translate.Method, max int) (int, *Rejection) {
		for i := 0; i < max; i++ {
			if rej := l.Allow(ctx, consumer, m); rej != nil {
				return i, rej
			}
		}
		return max, nil
	}

	t.Run("exact count per minute window", func(t *testing.T) {
		clock := newClock()
		l := newLimiter(t, clock)
		n, rej := allowN(l, "project_number:1", readOne, 100)
		if n != 5 {
			t.Fatalf("allowed %d calls, want 5", n)
		}
		if rej.Status != 429 {
			t.Fatalf("status %d", rej.Status)
		}
		clock.Add(49 * time.Second) // 12:00:59, same minute
		if l.Allow(ctx, "project_number:1", readOne) == nil {
			t.Fatal("allowed in the same minute after the limit")
		}
		clock.Add(time.Second) // 12:01:00, a new window
		if n, _ := allowN(l, "project_number:1", readOne, 100); n != 5 {
			t.Fatalf("next minute allowed %d, want 5", n)
		}
	})

	t.Run("costs count", func(t *testing.T) {
		l := newLimiter(t, newClock())
		if n, _ := allowN(l, "project_number:1", readTwo, 100); n != 2 {
			t.Fatalf("cost 2 with limit 5 allowed %d calls, want 2", n)
		}
		if n, _ := allowN(l, "project_number:1", readOne, 100); n != 1 {
			t.Fatalf("the last unit: allowed %d, want 1", n)
		}
	})

	t.Run("all or nothing across limits", func(t *testing.T) {
		l := newLimiter(t, newClock())
		n, rej := allowN(l, "project_number:1", readWrite, 100)
		if n != 3 || !strings.Contains(rej.Message, "'write-limit'") {
			t.Fatalf("read+write allowed %d (%v), want 3 then write-limit", n, rej)
		}
		// The refused call charged no read: 3 of 5 reads used.
		if n, _ := allowN(l, "project_number:1", readOne, 100); n != 2 {
			t.Fatalf("reads left: %d, want 2", n)
		}
	})

	t.Run("consumers are independent", func(t *testing.T) {
		l := newLimiter(t, newClock())
		allowN(l, "project_number:1", readOne, 5)
		for _, c := range []string{"project_number:2", ""} {
			if n, _ := allowN(l, c, readOne, 100); n != 5 {
				t.Fatalf("consumer %q allowed %d, want 5", c, n)
			}
		}
	})

	t.Run("not counted", func(t *testing.T) {
		l := newLimiter(t, newClock())
		skip := method("Skip", map[string]int64{"read-requests": 1})
		skip.APIKey.SkipServiceControl = true
		for _, m := range []*translate.Method{free, noCosts, skip, nil} {
			if n, _ := allowN(l, "project_number:1", m, 20); n != 20 {
				t.Fatalf("%v: allowed %d of 20", m, n)
			}
		}
		if n, _ := allowN(l, "project_number:1", readOne, 100); n != 5 {
			t.Fatalf("uncounted calls used quota: %d left", n)
		}
	})

	t.Run("reload keeps counters", func(t *testing.T) {
		l := newLimiter(t, newClock())
		allowN(l, "project_number:1", readOne, 4)
		cfg := testConfig()
		cfg.QuotaLimits[0].Values["STANDARD"] = 6
		if err := l.Reload(cfg); err != nil {
			t.Fatal(err)
		}
		if n, _ := allowN(l, "project_number:1", readOne, 100); n != 2 {
			t.Fatalf("after raising the limit to 6 with 4 used: %d allowed, want 2", n)
		}
	})
}

func TestMemory(t *testing.T) {
	runSuite(t, func(t *testing.T, clock *fakeClock) *Limiter {
		return mustNew(t, testConfig(), Options{Clock: clock.Now})
	})
}

func TestRejectionMessages(t *testing.T) {
	l := mustNew(t, testConfig(), Options{Clock: newClock().Now})
	var out strings.Builder
	for _, c := range []struct {
		consumer string
		m        *translate.Method
	}{{"project_number:1001", readOne}, {"", readWrite}} {
		var rej *Rejection
		for i := 0; i < 10 && rej == nil; i++ {
			rej = l.Allow(context.Background(), c.consumer, c.m)
		}
		fmt.Fprintf(&out, "%d %s\n", rej.Status, rej.Message)
	}
	golden.AssertString(t, "testdata/rejections.golden", out.String())
}

func TestNewErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		edit func(*translate.Config, *Options)
		want string
	}{
		{"daily unit", func(c *translate.Config, _ *Options) { c.QuotaLimits[0].Unit = "1/d/{project}" },
			`quota limit "read-limit": unit "1/d/{project}" is not supported by espctl run (only 1/min/{project})`},
		{"no standard", func(c *translate.Config, _ *Options) { c.QuotaLimits[1].Values = map[string]int64{"GOLD": 1} },
			`quota limit "write-limit": no STANDARD value`},
		{"bad backend", func(_ *translate.Config, o *Options) { o.Backend = "memcached://x" },
			`quota backend "memcached://x": want memory or a redis://host:port/db URL`},
		{"bad redis url", func(_ *translate.Config, o *Options) { o.Backend = "redis://h:1/notadb" },
			`quota backend: redis: invalid database number: "notadb"`},
		{"bad policy", func(_ *translate.Config, o *Options) { o.FailPolicy = "sometimes" },
			`quota fail policy "sometimes": want open or close`},
	} {
		cfg, o := testConfig(), Options{}
		c.edit(cfg, &o)
		_, err := New(cfg, o)
		if err == nil || err.Error() != c.want {
			t.Errorf("%s: %v, want %s", c.name, err, c.want)
		}
	}
	if _, err := New(nil, Options{}); err != nil {
		t.Errorf("nil config: %v", err)
	}
}

func TestParseFailPolicy(t *testing.T) {
	for in, want := range map[string]FailPolicy{"": FailOpen, "open": FailOpen, "close": FailClosed, "Closed": FailClosed} {
		if got, err := ParseFailPolicy(in); err != nil || got != want {
			t.Errorf("%q: %v %v", in, got, err)
		}
	}
	if _, err := ParseFailPolicy("maybe"); err == nil {
		t.Error("maybe accepted")
	}
}

func TestClockGoingBackDoesNotRefill(t *testing.T) {
	clock := newClock()
	l := mustNew(t, testConfig(), Options{Clock: clock.Now})
	clock.Add(time.Minute)
	for i := 0; i < 5; i++ {
		l.Allow(context.Background(), "c", readOne)
	}
	clock.Add(-time.Minute)
	if l.Allow(context.Background(), "c", readOne) == nil {
		t.Fatal("a clock step back gave a fresh allowance")
	}
}

func TestESPv1Reply(t *testing.T) {
	s, code, msg := exhausted("s", "c", limit{name: "l", metric: "m"}).ESPv1Reply()
	if s != 403 || code != 7 || msg != "Quota check failed." {
		t.Errorf("exhausted: %d %d %q", s, code, msg)
	}
	s, code, msg = rejectUnavailable.ESPv1Reply()
	if s != 503 || code != 14 || msg != "Failed to connect to service control" {
		t.Errorf("unavailable: %d %d %q", s, code, msg)
	}
}
