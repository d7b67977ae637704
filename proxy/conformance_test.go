package proxy

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/espctl/espctl/demo"
	"github.com/espctl/espctl/golden"
	"github.com/espctl/espctl/load"
	"github.com/espctl/espctl/translate"
)

const corpusDir = "../../shared/corpus"

// startCorpusBookstore serves the demo library for the corpus's Bookstore service.
func startCorpusBookstore(t *testing.T, cfg *translate.Config, service string) string {
	t.Helper()
	files, err := descriptorFiles(cfg.Descriptors)
	if err != nil {
		t.Fatal(err)
	}
	d, err := files.FindDescriptorByName(protoreflect.FullName(service))
	if err != nil {
		t.Fatal(err)
	}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := grpc.NewServer()
	demo.RegisterLibrary(s, d.(protoreflect.ServiceDescriptor))
	go func() { _ = s.Serve(lis) }()
	t.Cleanup(s.Stop)
	return "grpc://" + lis.Addr().String()
}

// The corpus bookstore configs (the Endpoints gRPC samples) served by the proxy in front of a
// bookstore backend, called as the samples' comments do with curl: success, unknown path,
// wrong method, bad JSON, backend down. The golden file holds statuses and bodies.
func TestCorpusBookstore(t *testing.T) {
	if _, err := os.Stat(corpusDir); err != nil {
		t.Skip("corpus not present:", err)
	}
	type request struct{ method, path, body string }
	samples := []request{
		{"GET", "/v1/shelves", ""},
		{"POST", "/v1/shelves", `{"theme":"Music"}`},
		{"GET", "/v1/shelves/1", ""},
		{"POST", "/v1/shelves/1/books", `{"author":"foo","title":"bar"}`},
		{"GET", "/v1/shelves/1/books", ""},
		{"GET", "/v1/shelves/2/books/3", ""},
		{"DELETE", "/v1/shelves/1/books/1", ""},
		{"GET", "/v1/shelves/99", ""},
		{"POST", "/endpoints.examples.bookstore.Bookstore/GetShelf", `{"shelf":"2"}`},
		{"GET", "/v1/unknown", ""},
		{"PATCH", "/v1/shelves/1", ""},
		{"POST", "/v1/shelves", `NO_BRACES_JSON`},
		{"GET", "/v1/shelves/1?unknown_param=1", ""},
	}
	// ESPv1's transcoding test config: no /v1 prefix, API keys in query and header (ignored by
	// the transcoder), methods the library does not implement.
	espv1 := []request{
		{"GET", "/shelves?key=abc", ""},
		{"GET", "/shelves/1/books?api_key=abc", ""},
		{"POST", "/shelves", `{"theme":"Music"}`},
		{"GET", "/query/shelves", ""},
		{"GET", "/shelves/1/books/1/", ""},
		{"DELETE", "/shelves", ""},
		{"POST", "/echostruct", `{"theme"  "Children"}`},
	}
	for _, c := range []struct {
		name, dir, config, proto string
		requests                 []request
	}{
		{"annotations", "bookstore-grpc", "api_config.yaml", "http_bookstore.proto", samples},
		{"http_rules", "bookstore-grpc", "api_config_http.yaml", "bookstore.proto", samples},
		{"espv1_transcoding", "esp-v1-grpc-transcoding", "bookstore-api.yaml", "bookstore.proto", espv1},
	} {
		dir := filepath.Join(corpusDir, c.dir)
		t.Run(c.name, func(t *testing.T) {
			res, err := load.Load(load.Inputs{ConfigFiles: []string{filepath.Join(dir, c.config)}, Protos: []string{filepath.Join(dir, c.proto)}, ImportPaths: []string{dir}})
			if err != nil {
				t.Fatal(err)
			}
			if res.Diagnostics.HasErrors() {
				t.Fatalf("corpus config invalid:\n%s", res.Diagnostics.Text())
			}
			build := func(backend string) *translate.Config {
				cfg, err := translate.Build(res.Service, res.Descriptors, translate.Options{Backend: backend})
				if err != nil {
					t.Fatal(err)
				}
				return cfg
			}
			cfg := build("grpc://127.0.0.1:1")
			srv, _ := serve(t, build(startCorpusBookstore(t, cfg, "endpoints.examples.bookstore.Bookstore")), Options{})
			var out strings.Builder
			for _, r := range c.requests {
				status, body, _ := call(t, srv.Client(), r.method, srv.URL+r.path, r.body, "Content-Type", "application/json")
				fmt.Fprintf(&out, "%s %s %s\n%d %s\n", r.method, r.path, r.body, status, strings.TrimSpace(body))
			}
			down, _ := serve(t, cfg, Options{})
			status, body, _ := call(t, down.Client(), c.requests[0].method, down.URL+c.requests[0].path, "")
			fmt.Fprintf(&out, "backend down: %s %s\n%d %s\n", c.requests[0].method, c.requests[0].path, status, body)
			golden.AssertString(t, "testdata/corpus_bookstore_"+c.name+".golden", out.String())
		})
	}
}
