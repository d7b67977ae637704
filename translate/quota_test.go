package translate

import (
	"reflect"
	"slices"
	"testing"
)

func TestQuota(t *testing.T) {
	cfg := build(t, svc(t, `{
		"name": "q.example.com",
		"apis": [{"name": "p.S", "methods": [{"name": "A"}, {"name": "B"}]}],
		"metrics": [
			{"name": "serviceruntime.googleapis.com/api/consumer/request_count"},
			{"name": "write-requests"}
		],
		"quota": {
			"limits": [
				{"name": "z-limit", "metric": "read-requests", "unit": "1/min/{project}", "values": {"STANDARD": "1000"}},
				{"name": "a-limit", "metric": "other", "unit": "1/min/{project}", "values": {"STANDARD": "5", "PREMIUM": "50"}}
			],
			"metricRules": [
				{"selector": "p.S.A", "metricCosts": {"read-requests": "2"}},
				{"selector": "p.S.A", "metricCosts": {"read-requests": "1", "cost-only": "3"}},
				{"selector": "p.S.Unknown", "metricCosts": {"ignored": "1"}}
			]
		}
	}`), Options{})
	if got := methodOf(t, cfg, "p.S.A").QuotaCosts; !reflect.DeepEqual(got, map[string]int64{"read-requests": 1, "cost-only": 3}) {
		t.Errorf("A costs %v", got)
	}
	if got := methodOf(t, cfg, "p.S.B").QuotaCosts; got != nil {
		t.Errorf("B costs %v", got)
	}
	want := []QuotaLimit{
		{Name: "a-limit", Metric: "other", Unit: "1/min/{project}", Values: map[string]int64{"STANDARD": 5, "PREMIUM": 50}},
		{Name: "z-limit", Metric: "read-requests", Unit: "1/min/{project}", Values: map[string]int64{"STANDARD": 1000}},
	}
	if !reflect.DeepEqual(cfg.QuotaLimits, want) {
		t.Errorf("limits\n got %+v\nwant %+v", cfg.QuotaLimits, want)
	}
	if want := []string{"cost-only", "other", "read-requests", "write-requests"}; !slices.Equal(cfg.Metrics, want) {
		t.Errorf("metrics %q, want %q", cfg.Metrics, want)
	}
}
