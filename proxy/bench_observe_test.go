package proxy

import (
	"io"
	"net/http"
	"testing"

	"github.com/espctl/espctl/observe"
	"github.com/espctl/espctl/translate"
)

// BenchmarkProxyHTTPMetrics is BenchmarkProxyHTTP with Prometheus metrics recording on (tracing
// off, as by default): the difference between the two is the cost of observability per
// request (docs/performance.md).
func BenchmarkProxyHTTPMetrics(b *testing.B) {
	for _, on := range []bool{false, true} {
		name := "metrics=off"
		var obs *observe.Observer
		if on {
			name = "metrics=on"
			m, err := observe.NewMetrics(nil)
			if err != nil {
				b.Fatal(err)
			}
			obs = &observe.Observer{Metrics: m}
		}
		b.Run(name, func(b *testing.B) {
			be := echoBackendFunc(b, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				io.WriteString(w, `{"id":"1","theme":"Fiction"}`)
			})
			cfg := buildConfig(b, `{"name":"b.local","apis":[{"name":"b","methods":[{"name":"Get"}]}],"http":{"rules":[{"selector":"b.Get","get":"/v1/shelves/{shelf}"}]}}`, translate.Options{Backend: be.URL})
			h, err := New(cfg, Options{Observer: obs})
			if err != nil {
				b.Fatal(err)
			}
			defer h.Close()
			s := startServer(b, h, ListenOptions{})
			url := "http://" + s.Addr().String() + "/v1/shelves/1"
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					resp, err := client.Get(url)
					if err != nil {
						b.Fatal(err)
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
			})
		})
	}
}
