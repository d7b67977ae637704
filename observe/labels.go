package observe

import (
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// UnknownMethod is the method label of requests that matched no operation (404, 405, a
// rejected header before routing): one series for every unknown path, so a scanner sending
// random paths cannot grow the metrics.
const UnknownMethod = "unknown"

// OtherLabel replaces a label value once a label has seen maxLabelValues distinct values.
// Selectors come from the config and reasons from the proxy's own code, so this only fires on a
// bug; it keeps a bug from turning into unbounded memory in the proxy and in Prometheus.
const OtherLabel = "other"

// maxLabelValues bounds the distinct values of one label (methods of a large API fit easily).
const maxLabelValues = 4096

// boundedLabel hands out label values, each value once; past the limit every new value
// becomes OtherLabel.
type boundedLabel struct {
	seen  sync.Map // string -> struct{}
	count atomic.Int64
}

func (b *boundedLabel) value(v string) string {
	if _, ok := b.seen.Load(v); ok {
		return v
	}
	if b.count.Load() >= maxLabelValues {
		return OtherLabel
	}
	if _, loaded := b.seen.LoadOrStore(v, struct{}{}); !loaded {
		b.count.Add(1)
	}
	return v
}

// grpcCodeNames are the canonical gRPC status names (google.rpc.Code), indexed by number.
var grpcCodeNames = [...]string{
	"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
	"ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
	"ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
	"UNAUTHENTICATED",
}

// grpcCodeLabel turns a grpc-status value ("14") into its name ("UNAVAILABLE"). An empty
// value (not a gRPC call) stays empty; anything else that is not a known code is "INVALID":
// a backend could send any string, and it must not become a label value.
func grpcCodeLabel(status string) string {
	if status == "" {
		return ""
	}
	n, err := strconv.Atoi(status)
	if err != nil || n < 0 || n >= len(grpcCodeNames) {
		return "INVALID"
	}
	return grpcCodeNames[n]
}

// httpCodeLabel is the status code as a label; out-of-range values share one label.
func httpCodeLabel(code int) string {
	if code < 100 || code > 599 {
		return "invalid"
	}
	return strconv.Itoa(code)
}

// validLabel makes s usable as a label value: Prometheus panics on values that are not UTF-8.
func validLabel(s string) string { return strings.ToValidUTF8(s, "?") }
