package quota

import (
	"context"
	"sync"
)

// backend counts charges for one window atomically: either every charge fits and all are
// counted, or none is and the index of the first that does not fit is returned.
type backend interface {
	charge(ctx context.Context, service string, window int64, charges []charge) (exceeded int, err error)
	close() error
}

// memory counts in this process. Counters of past windows are dropped when a new window
// starts, so memory stays proportional to the consumers active in the current minute.
type memory struct {
	mu       sync.Mutex
	window   int64
	counters map[memoryKey]int64
}

type memoryKey struct{ consumer, counter string }

func newMemory() *memory { return &memory{counters: map[memoryKey]int64{}} }

func (m *memory) charge(_ context.Context, _ string, window int64, charges []charge) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if window != m.window {
		if window < m.window {
			// The clock went back (a test, or a step of NTP): count in the newer window, so a
			// consumer cannot get a fresh allowance by making the clock jump.
			window = m.window
		} else {
			clear(m.counters)
			m.window = window
		}
	}
	for i, c := range charges {
		// used <= value always holds, so this cannot overflow as used+cost could.
		if c.cost > c.value-m.counters[memoryKey{c.consumer, c.counter}] {
			return i, nil
		}
	}
	for _, c := range charges {
		m.counters[memoryKey{c.consumer, c.counter}] += c.cost
	}
	return -1, nil
}

func (m *memory) close() error { return nil }
