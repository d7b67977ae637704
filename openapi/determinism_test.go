package openapi

import (
	"bytes"
	"testing"
)

// TestDeterministic: the same input prints the same bytes every time (maps included).
func TestDeterministic(t *testing.T) {
	doc := []byte(`swagger: "2.0"
info: {title: T, version: 1.0.0}
host: t.example.com
x-google-management:
  metrics:
    - {name: a, value_type: INT64, metric_kind: DELTA}
    - {name: b, value_type: INT64, metric_kind: DELTA}
    - {name: c, value_type: INT64, metric_kind: DELTA}
  quota:
    limits:
      - {name: l, metric: a, unit: "1/min/{project}", values: {STANDARD: 1, PREMIUM: 2, FREE: 3}}
paths:
  /a:
    get:
      operationId: getA
      x-google-quota: {metricCosts: {c: 3, a: 1, b: 2}}
      responses: {"200": {description: ok}}
`)
	svc, diags := Load("d.yaml", doc)
	if len(diags) > 0 {
		t.Fatal(diags.Text())
	}
	first := marshal(t, svc)
	for i := 0; i < 20; i++ {
		svc, _ := Load("d.yaml", doc)
		if got := marshal(t, svc); !bytes.Equal(got, first) {
			t.Fatalf("run %d printed different bytes", i)
		}
	}
}
