package observe

import (
	"sync"
	"time"
)

// ReloadEvent is one config load: the first one at start and every reload after it.
type ReloadEvent struct {
	Time time.Time `json:"time"`
	// Trigger says why the config was loaded: "start", "SIGHUP", "file change".
	Trigger string `json:"trigger"`
	// Service and ConfigID describe the config that was loaded; on failure, the one that keeps
	// serving (empty when none could be read).
	Service  string `json:"service,omitempty"`
	ConfigID string `json:"config_id,omitempty"`
	// Err is why the load was rejected; nil when the new config is serving.
	Err error `json:"-"`
}

// OK reports whether the load succeeded.
func (e ReloadEvent) OK() bool { return e.Err == nil }

// reloadHistory is how many reload events the admin page shows.
const reloadHistory = 20

// reloadLog keeps the last reloadHistory events.
type reloadLog struct {
	mu     sync.Mutex
	events []ReloadEvent
}

func (l *reloadLog) add(e ReloadEvent) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events = append(l.events, e)
	if len(l.events) > reloadHistory {
		l.events = append(l.events[:0:0], l.events[len(l.events)-reloadHistory:]...)
	}
}

// newestFirst returns a copy, newest event first.
func (l *reloadLog) newestFirst() []ReloadEvent {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]ReloadEvent, len(l.events))
	for i, e := range l.events {
		out[len(out)-1-i] = e
	}
	return out
}

// ConfigReload records a config load: the reload counter by result, the active config's id
// (espctl_config_info) on success, and an entry in the admin page's reload list. Call it after
// the first load too, with Trigger "start".
func (m *Metrics) ConfigReload(e ReloadEvent) {
	if m == nil {
		return
	}
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	m.reloadLog.add(e)
	if e.Err != nil {
		m.reloads.WithLabelValues("failure").Inc()
		m.lastReloadOK.Set(0)
		return
	}
	m.reloads.WithLabelValues("success").Inc()
	m.lastReloadOK.Set(1)
	m.lastReloadTime.Set(float64(e.Time.UnixNano()) / 1e9)
	m.configInfo.Reset()
	m.configInfo.WithLabelValues(validLabel(e.Service), validLabel(e.ConfigID)).Set(1)
}

// Reloads returns the recent config loads, newest first (at most 20).
func (m *Metrics) Reloads() []ReloadEvent {
	if m == nil {
		return nil
	}
	return m.reloadLog.newestFirst()
}
