package proxy

import (
	"testing"

	"github.com/espctl/espctl/observe"
)

// BenchmarkProxyHTTPMetrics is BenchmarkProxyHTTP with Prometheus metrics recording off and
// on (tracing off, as by default): the difference is the cost of observability per request
// (docs/performance.md).
func BenchmarkProxyHTTPMetrics(b *testing.B) {
	b.Run("metrics=off", func(b *testing.B) {
		benchGET(b, httpBenchHandler(b, Options{}), "/v1/shelves/1")
	})
	b.Run("metrics=on", func(b *testing.B) {
		m, err := observe.NewMetrics(nil)
		if err != nil {
			b.Fatal(err)
		}
		benchGET(b, httpBenchHandler(b, Options{Observer: &observe.Observer{Metrics: m}}), "/v1/shelves/1")
	})
}
