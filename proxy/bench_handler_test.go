package proxy

import (
	"bufio"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"testing"

	"github.com/espctl/espctl/translate"
)

// cannedBackend answers every HTTP/1.1 request (no body) on a keep-alive connection with the
// same small JSON response, allocating nothing per request: what BenchmarkProxyHandler
// allocates is the proxy's own.
func cannedBackend(b *testing.B) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ln.Close() })
	resp := []byte("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 28\r\n\r\n{\"id\":\"1\",\"theme\":\"Fiction\"}")
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				br := bufio.NewReaderSize(c, 8192)
				for {
					// Read up to the blank line ending the request head.
					for {
						line, err := br.ReadSlice('\n')
						if err != nil {
							return
						}
						if len(line) <= 2 {
							break
						}
					}
					if _, err := c.Write(resp); err != nil {
						return
					}
				}
			}()
		}
	}()
	return "http://" + ln.Addr().String()
}

// benchWriter is a reusable http.ResponseWriter that discards the body.
type benchWriter struct {
	h      http.Header
	status int
}

func (w *benchWriter) Header() http.Header         { return w.h }
func (w *benchWriter) WriteHeader(s int)           { w.status = s }
func (w *benchWriter) Write(p []byte) (int, error) { return len(p), nil }

// BenchmarkProxyHandler is BenchmarkProxyHTTP without the client's and the backend's costs:
// Handler.ServeHTTP called directly with a reused request and response writer, against a
// backend that allocates nothing. allocs/op is what the proxy allocates per request (about a
// quarter of it net/http's Transport), with the access log to io.Discard through slog's JSON
// handler as `espctl run` writes it.
func BenchmarkProxyHandler(b *testing.B) {
	be := cannedBackend(b)
	cfg := buildConfig(b, `{"name":"b.local","apis":[{"name":"b","methods":[{"name":"Get"}]}],"http":{"rules":[{"selector":"b.Get","get":"/v1/shelves/{shelf}"}]}}`, translate.Options{Backend: be})
	for _, c := range []struct {
		name string
		log  *slog.Logger
	}{{"log=off", nil}, {"log=json", slog.New(slog.NewJSONHandler(io.Discard, nil))}} {
		b.Run(c.name, func(b *testing.B) {
			h, err := New(cfg, Options{Logger: c.log})
			if err != nil {
				b.Fatal(err)
			}
			defer h.Close()
			u, _ := url.Parse("/v1/shelves/1")
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				w := &benchWriter{h: http.Header{}}
				hdr := http.Header{}
				r := &http.Request{}
				for pb.Next() {
					clear(w.h)
					w.status = 0
					clear(hdr)
					hdr["Accept"] = []string{"*/*"}
					hdr["User-Agent"] = []string{"wrk"}
					*r = http.Request{Method: "GET", URL: u, RequestURI: "/v1/shelves/1", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
						Header: hdr, Body: http.NoBody, Host: "proxy", RemoteAddr: "127.0.0.1:40000"}
					h.ServeHTTP(w, r)
					if w.status != http.StatusOK {
						b.Fatalf("status %d", w.status)
					}
				}
			})
		})
	}
}
