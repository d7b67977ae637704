package observe

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	collectortrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"
)

// otlpReceiver keeps the span names and service names that reached it, over OTLP/HTTP
// (protobuf) or OTLP/gRPC: a collector in miniature.
type otlpReceiver struct {
	collectortrace.UnimplementedTraceServiceServer
	mu       sync.Mutex
	spans    []string
	services []string
}

func (o *otlpReceiver) Export(_ context.Context, req *collectortrace.ExportTraceServiceRequest) (*collectortrace.ExportTraceServiceResponse, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, rs := range req.GetResourceSpans() {
		for _, a := range rs.GetResource().GetAttributes() {
			if a.GetKey() == "service.name" {
				o.services = append(o.services, a.GetValue().GetStringValue())
			}
		}
		for _, ss := range rs.GetScopeSpans() {
			for _, s := range ss.GetSpans() {
				o.spans = append(o.spans, s.GetName())
			}
		}
	}
	return &collectortrace.ExportTraceServiceResponse{}, nil
}

func (o *otlpReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/v1/traces" || r.Header.Get("Content-Type") != "application/x-protobuf" {
		http.Error(w, "unexpected "+r.URL.Path+" "+r.Header.Get("Content-Type"), http.StatusBadRequest)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var req collectortrace.ExportTraceServiceRequest
	if err := proto.Unmarshal(body, &req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	resp, _ := o.Export(r.Context(), &req)
	out, _ := proto.Marshal(resp)
	w.Header().Set("Content-Type", "application/x-protobuf")
	_, _ = w.Write(out)
}

func (o *otlpReceiver) got() ([]string, []string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]string(nil), o.spans...), append([]string(nil), o.services...)
}

func startHTTPReceiver(t *testing.T, o *otlpReceiver) string {
	srv := httptest.NewServer(o)
	t.Cleanup(srv.Close)
	return srv.URL // http://127.0.0.1:port
}

func startGRPCReceiver(t *testing.T, o *otlpReceiver) string {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := grpc.NewServer()
	collectortrace.RegisterTraceServiceServer(s, o)
	go func() { _ = s.Serve(lis) }()
	t.Cleanup(s.Stop)
	return lis.Addr().String()
}

// Spans leave through the real OTLP exporters, to a receiver on loopback, for every endpoint
// spelling --tracing_otlp_endpoint accepts.
func TestExportToOTLPReceiver(t *testing.T) {
	for _, tc := range []struct {
		name     string
		endpoint func(*testing.T, *otlpReceiver) string
	}{
		{"http", startHTTPReceiver},
		{"grpc", func(t *testing.T, o *otlpReceiver) string { return "grpc://" + startGRPCReceiver(t, o) }},
		{"bare host:port", startGRPCReceiver},
	} {
		t.Run(tc.name, func(t *testing.T) {
			recv := &otlpReceiver{}
			tr, err := NewTracing(TracingOptions{OTLPEndpoint: tc.endpoint(t, recv), SampleRate: 1, ServiceName: "bookstore-proxy"})
			if err != nil {
				t.Fatal(err)
			}
			r := httptest.NewRequest("GET", "/v1/shelves", nil)
			ctx, span := tr.StartRequest(r.Context(), r, listShelves)
			_, b := tr.StartBackend(ctx, "127.0.0.1:8082")
			EndBackend(b, 200, nil)
			EndRequest(span, 200, "")
			sctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			if err := tr.Shutdown(sctx); err != nil {
				t.Fatalf("shutdown (flush to the receiver): %v", err)
			}
			spans, services := recv.got()
			if len(spans) != 2 || spans[0] != "router 127.0.0.1:8082 egress" || spans[1] != "ingress "+listShelves {
				t.Errorf("receiver got spans %q", spans)
			}
			if len(services) == 0 || services[0] != "bookstore-proxy" {
				t.Errorf("receiver got service names %q", services)
			}
		})
	}
}
