package quota

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/espctl/espctl/observe"
)

// A Redis quota call made while a request is traced is a child span of the request.
func TestRedisCallIsTraced(t *testing.T) {
	mr := startMiniredis(t)
	exp := tracetest.NewInMemoryExporter()
	tr, err := observe.NewTracing(observe.TracingOptions{Exporter: exp, SampleRate: 1})
	if err != nil {
		t.Fatal(err)
	}
	l := mustNew(t, testConfig(), Options{Backend: "redis://" + mr.Addr() + "/0", Clock: newClock().Now, Timeout: 5 * time.Second})
	ctx, span := tr.StartRequest(context.Background(), httptest.NewRequest("GET", "/v1/shelves", nil), "")
	if rej := l.Allow(ctx, "project_number:7", readOne); rej != nil {
		t.Fatal(rej)
	}
	span.End()
	if err := tr.ForceFlush(context.Background()); err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, s := range exp.GetSpans() {
		if s.Name == "quota allocate" {
			found = s.Parent.SpanID() == span.SpanContext().SpanID()
		}
	}
	if !found {
		t.Errorf("no `quota allocate` child span among %d spans", len(exp.GetSpans()))
	}
}
