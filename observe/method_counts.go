package observe

import (
	"sort"
	"time"
)

// MethodCount is one method's request counts since start, for the admin page.
type MethodCount struct {
	// Method is the method label: a selector, UnknownMethod or OtherLabel.
	Method       string `json:"method"`
	Requests     int64  `json:"requests"`
	ClientErrors int64  `json:"client_errors"` // 4xx
	ServerErrors int64  `json:"server_errors"` // 5xx
}

// MethodCounts returns the counts of every method that has served a request, sorted by method.
// They are the same numbers as espctl_requests_total, read without a Prometheus gather.
func (m *Metrics) MethodCounts() []MethodCount {
	if m == nil {
		return nil
	}
	seen := map[*methodSeries]bool{}
	var out []MethodCount
	for _, s := range *m.series.Load() {
		if seen[s] {
			continue
		}
		seen[s] = true
		out = append(out, MethodCount{
			Method:       s.label,
			Requests:     s.count.Load(),
			ClientErrors: s.clientErrors.Load(),
			ServerErrors: s.serverErrors.Load(),
		})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Method < out[j].Method })
	return out
}

// Started is when the metrics were created: the start of the counts' window.
func (m *Metrics) Started() time.Time {
	if m == nil {
		return time.Time{}
	}
	return m.started
}
