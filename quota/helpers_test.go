package quota

import (
	"bytes"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/espctl/espctl/translate"
)

const service = "bookstore.endpoints.example.cloud.goog"

// testConfig has a read limit of 5 and a write limit of 3 per minute per consumer.
func testConfig() *translate.Config {
	return &translate.Config{
		Service: service,
		QuotaLimits: []translate.QuotaLimit{
			{Name: "read-limit", Metric: "read-requests", Unit: "1/min/{project}", Values: map[string]int64{"STANDARD": 5}},
			{Name: "write-limit", Metric: "write-requests", Unit: "1/min/{project}", Values: map[string]int64{"STANDARD": 3}},
			{Name: "unlimited", Metric: "free-requests", Unit: "1/min/{project}", Values: map[string]int64{"STANDARD": -1}},
		},
		Metrics: []string{"free-requests", "read-requests", "write-requests"},
	}
}

func method(name string, costs map[string]int64) *translate.Method {
	return &translate.Method{Selector: "Bookstore." + name, API: "Bookstore", Name: name, QuotaCosts: costs}
}

var (
	readOne   = method("GetShelf", map[string]int64{"read-requests": 1})
	readTwo   = method("ListShelves", map[string]int64{"read-requests": 2})
	readWrite = method("CreateBook", map[string]int64{"read-requests": 1, "write-requests": 1})
	free      = method("Free", map[string]int64{"free-requests": 100, "unknown-metric": 7})
	noCosts   = method("Plain", nil)
)

// fakeClock is a clock the test moves by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

// newClock starts 10 s into a minute.
func newClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 11, 29, 12, 0, 10, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// syncBuffer is a log sink safe for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func testLogger(b *syncBuffer) *slog.Logger { return slog.New(slog.NewTextHandler(b, nil)) }

func mustNew(t *testing.T, cfg *translate.Config, o Options) *Limiter {
	t.Helper()
	l, err := New(cfg, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}
