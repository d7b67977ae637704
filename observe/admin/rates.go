package admin

import (
	"sync"
	"time"

	"github.com/espctl/espctl/observe"
)

// rateWindow turns the counters since start into rates over about the last minute, from
// the counts seen at earlier page views. With no view in the last minute, the rate is the
// average since start. No goroutine samples in the background: an unwatched page costs nothing.
type rateWindow struct {
	mu      sync.Mutex
	samples []sample
}

type sample struct {
	at     time.Time
	counts map[string]observe.MethodCount
}

const (
	rateWindowLength = time.Minute
	// sampleEvery keeps the list short when the page is reloaded fast.
	sampleEvery = 5 * time.Second
)

// baseline returns the counts to subtract and when they were taken, and records now's counts.
func (r *rateWindow) baseline(now time.Time, started time.Time, counts []observe.MethodCount) sample {
	r.mu.Lock()
	defer r.mu.Unlock()
	kept := r.samples[:0]
	for _, s := range r.samples {
		if now.Sub(s.at) <= rateWindowLength {
			kept = append(kept, s)
		}
	}
	r.samples = kept
	base := sample{at: started}
	for _, s := range r.samples {
		if now.Sub(s.at) >= time.Second {
			base = s
			break
		}
	}
	if n := len(r.samples); n == 0 || now.Sub(r.samples[n-1].at) >= sampleEvery {
		cur := sample{at: now, counts: map[string]observe.MethodCount{}}
		for _, c := range counts {
			cur.counts[c.Method] = c
		}
		r.samples = append(r.samples, cur)
	}
	return base
}
