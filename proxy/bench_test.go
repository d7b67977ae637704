package proxy

import (
	"context"
	"io"
	"net/http"
	"testing"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/espctl/espctl/demo"
	"github.com/espctl/espctl/translate"
)

// benchGET sends GET path through the real listener in front of h, from parallel clients.
func benchGET(b *testing.B, h *Handler, path string) {
	s := startServer(b, h, ListenOptions{})
	url := "http://" + s.Addr().String() + path
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	b.ReportAllocs()
	b.ResetTimer()
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
}

// httpBenchHandler is the proxy in front of a small JSON HTTP backend.
func httpBenchHandler(b *testing.B, opts Options) *Handler {
	be := echoBackendFunc(b, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id":"1","theme":"Fiction"}`)
	})
	cfg := buildConfig(b, `{"name":"b.local","apis":[{"name":"b","methods":[{"name":"Get"}]}],"http":{"rules":[{"selector":"b.Get","get":"/v1/shelves/{shelf}"}]}}`, translate.Options{Backend: be.URL})
	h, err := New(cfg, opts)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(h.Close)
	return h
}

// BenchmarkProxyHTTP is one small GET through the real listener to an HTTP backend, the path
// bench/run.sh compares with nginx.
func BenchmarkProxyHTTP(b *testing.B) {
	benchGET(b, httpBenchHandler(b, Options{}), "/v1/shelves/1")
}

// BenchmarkProxyTranscode is `GET /v1/shelves/1` transcoded to the demo library over gRPC;
// BenchmarkDemoGRPCDirect is the same call made directly with a gRPC client. The difference is
// the proxy's cost for a small transcoded request (HTTP/1.1 in, JSON<->proto, HTTP/2 out).
func BenchmarkProxyTranscode(b *testing.B) {
	bk, err := demo.Start("127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer bk.Stop()
	cfg, err := translate.Build(bk.Service, bk.Descriptors, translate.Options{Backend: bk.BackendURL()})
	if err != nil {
		b.Fatal(err)
	}
	h, err := New(cfg, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer h.Close()
	benchGET(b, h, "/v1/shelves/1")
}

func BenchmarkDemoGRPCDirect(b *testing.B) {
	bk, err := demo.Start("127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer bk.Stop()
	files, err := descriptorFiles(bk.Descriptors)
	if err != nil {
		b.Fatal(err)
	}
	d, _ := files.FindDescriptorByName(demo.ServiceName + ".GetShelf")
	md := d.(protoreflect.MethodDescriptor)
	cc := dialProxy(b, bk.Address)
	req := dynamicpb.NewMessage(md.Input())
	req.Set(md.Input().Fields().ByName("shelf"), protoreflect.ValueOfInt64(1))
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			out := dynamicpb.NewMessage(md.Output())
			if err := cc.Invoke(context.Background(), "/"+demo.ServiceName+"/GetShelf", req, out); err != nil {
				b.Fatal(err)
			}
		}
	})
}
