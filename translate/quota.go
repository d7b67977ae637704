package translate

import (
	"maps"
	"slices"
	"sort"
	"strings"

	"google.golang.org/genproto/googleapis/api/serviceconfig"
)

// buildQuota reads `quota`: per-method metric costs (last rule per selector wins), the limits
// (which ESPv2 does not enforce itself; Service Control does) and the quota metrics.
func (b *builder) buildQuota() error {
	rules := map[string]*serviceconfig.MetricRule{}
	for _, r := range b.svc.GetQuota().GetMetricRules() {
		if !isDiscovery(r.GetSelector()) {
			rules[r.GetSelector()] = r
		}
	}
	metrics := map[string]bool{}
	for _, m := range b.methods {
		costs := rules[m.Selector].GetMetricCosts()
		if len(costs) == 0 {
			continue
		}
		m.QuotaCosts = maps.Clone(costs)
		for name := range costs {
			metrics[name] = true
		}
	}
	for _, l := range b.svc.GetQuota().GetLimits() {
		b.cfg.QuotaLimits = append(b.cfg.QuotaLimits, QuotaLimit{
			Name:   l.GetName(),
			Metric: l.GetMetric(),
			Unit:   l.GetUnit(),
			Values: maps.Clone(l.GetValues()),
		})
		if l.GetMetric() != "" {
			metrics[l.GetMetric()] = true
		}
	}
	sort.SliceStable(b.cfg.QuotaLimits, func(i, j int) bool { return b.cfg.QuotaLimits[i].Name < b.cfg.QuotaLimits[j].Name })
	// Metrics the service defines itself (not the serviceruntime ones every config carries
	// for reports) are quota metrics too, even before a limit uses them.
	for _, m := range b.svc.GetMetrics() {
		if m.GetName() != "" && !strings.HasPrefix(m.GetName(), "serviceruntime.googleapis.com/") {
			metrics[m.GetName()] = true
		}
	}
	b.cfg.Metrics = slices.Sorted(maps.Keys(metrics))
	return nil
}
