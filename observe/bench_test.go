package observe

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// BenchmarkRequest is the metrics cost the proxy pays per request (one Request call); it
// should report 0 allocs/op. docs/observability.md quotes it.
func BenchmarkRequest(b *testing.B) {
	m, err := NewMetrics(nil)
	if err != nil {
		b.Fatal(err)
	}
	rec := RequestRecord{Selector: listShelves, HTTPCode: 200, Total: 3 * time.Millisecond, Backend: 2 * time.Millisecond, RequestBytes: 0, ResponseBytes: 120}
	b.ReportAllocs()
	for b.Loop() {
		m.Request(rec)
	}
}

// BenchmarkRequestParallel is the same from every core at once, as a busy proxy calls it.
func BenchmarkRequestParallel(b *testing.B) {
	m, err := NewMetrics(nil)
	if err != nil {
		b.Fatal(err)
	}
	recs := []RequestRecord{
		{Selector: listShelves, HTTPCode: 200, Total: 3 * time.Millisecond, Backend: 2 * time.Millisecond, ResponseBytes: 120},
		{Selector: getShelf, HTTPCode: 200, GRPCCode: "0", Total: time.Millisecond, Backend: 900 * time.Microsecond, ResponseBytes: 40},
		{HTTPCode: 404, Total: 50 * time.Microsecond, RequestBytes: -1, ResponseBytes: 54},
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			m.Request(recs[i%len(recs)])
			i++
		}
	})
}

// BenchmarkTracingOff is what StartRequest + EndRequest cost with tracing off.
func BenchmarkTracingOff(b *testing.B) {
	var tr *Tracing
	r := newBenchRequest()
	b.ReportAllocs()
	for b.Loop() {
		_, span := tr.StartRequest(r.Context(), r, listShelves)
		EndRequest(span, 200, "")
	}
}

func newBenchRequest() *http.Request { return httptest.NewRequest("GET", "/v1/shelves", nil) }
