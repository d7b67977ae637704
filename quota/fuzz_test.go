package quota

import (
	"context"
	"testing"

	"github.com/espctl/espctl/translate"
)

// FuzzMemoryCount: whatever the limit and cost, one minute admits exactly limit/cost calls
// (cost 0 and negative limits are not counted), and nothing panics or overflows.
func FuzzMemoryCount(f *testing.F) {
	f.Add(int64(5), int64(1), uint8(10))
	f.Add(int64(0), int64(1), uint8(3))
	f.Add(int64(9223372036854775807), int64(9223372036854775807), uint8(3))
	f.Add(int64(-1), int64(4), uint8(3))
	f.Add(int64(7), int64(0), uint8(9))
	f.Add(int64(7), int64(-3), uint8(9))
	f.Fuzz(func(t *testing.T, value, cost int64, calls uint8) {
		cfg := &translate.Config{Service: "s", QuotaLimits: []translate.QuotaLimit{
			{Name: "l", Metric: "m", Unit: "1/min/{project}", Values: map[string]int64{"STANDARD": value}}}}
		l, err := New(cfg, Options{Clock: newClock().Now})
		if err != nil {
			t.Fatal(err)
		}
		m := &translate.Method{QuotaCosts: map[string]int64{"m": cost}}
		admitted := 0
		for i := 0; i < int(calls); i++ {
			if l.Allow(context.Background(), "c", m) == nil {
				admitted++
			}
		}
		want := int(calls)
		if cost > 0 && value >= 0 && value/cost < int64(calls) {
			want = int(value / cost)
		}
		if admitted != want {
			t.Fatalf("limit %d cost %d calls %d: admitted %d, want %d", value, cost, calls, admitted, want)
		}
	})
}
