package quota

import (
	"fmt"
	"sort"
	"strings"

	"github.com/espctl/espctl/translate"
)

// perMinuteUnit is the one unit espctl enforces. Refusing others at start is safer than
// silently not enforcing a daily limit.
const perMinuteUnit = "1/min/{project}"

// standardTier is the tier every consumer of a local key store is on.
const standardTier = "STANDARD"

// limit is one enforceable limit.
type limit struct {
	name, metric string
	value        int64
}

// plan is the limits of one config, by metric.
type plan struct {
	service  string
	byMetric map[string][]limit
}

func compile(cfg *translate.Config) (*plan, error) {
	p := &plan{byMetric: map[string][]limit{}}
	if cfg == nil {
		return p, nil
	}
	p.service = cfg.Service
	for _, ql := range cfg.QuotaLimits {
		if u := strings.ReplaceAll(ql.Unit, " ", ""); u != perMinuteUnit {
			return nil, fmt.Errorf("quota limit %q: unit %q is not supported by espctl run (only %s)", ql.Name, ql.Unit, perMinuteUnit)
		}
		v, ok := ql.Values[standardTier]
		if !ok {
			return nil, fmt.Errorf("quota limit %q: no %s value", ql.Name, standardTier)
		}
		if v < 0 {
			continue // a negative limit is no limit
		}
		p.byMetric[ql.Metric] = append(p.byMetric[ql.Metric], limit{name: ql.Name, metric: ql.Metric, value: v})
	}
	for _, ls := range p.byMetric {
		sort.Slice(ls, func(i, j int) bool { return ls[i].name < ls[j].name })
	}
	return p, nil
}

// charge is one counter a call must fit in.
type charge struct {
	// counter names the consumer's counter for the limit (without the window).
	counter     string
	consumer    string
	cost, value int64
	limit       limit
}

// charges lists the counters a call with these costs touches, in a stable order (metric,
// then limit name) so the first exceeded limit reported is always the same.
func (p *plan) charges(consumer string, costs map[string]int64) []charge {
	metrics := make([]string, 0, len(costs))
	for m, c := range costs {
		if c > 0 && len(p.byMetric[m]) > 0 {
			metrics = append(metrics, m)
		}
	}
	sort.Strings(metrics)
	var out []charge
	for _, m := range metrics {
		for _, l := range p.byMetric[m] {
			out = append(out, charge{counter: l.name, consumer: consumer, cost: costs[m], value: l.value, limit: l})
		}
	}
	return out
}
