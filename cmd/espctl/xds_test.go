package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	discoveryv3 "github.com/envoyproxy/go-control-plane/envoy/service/discovery/v3"
	"github.com/envoyproxy/go-control-plane/pkg/resource/v3"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/espctl/espctl/golden"
	"github.com/espctl/espctl/translate"
	"github.com/espctl/espctl/xds"
)

// syncBuffer lets the test read what a running command has printed so far.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestXDSServeCorpus runs `espctl xds serve` on a directory source (gRPC config + descriptor)
// and a file source (OpenAPI), asks each service for its clusters over ADS, and stops it.
func TestXDSServeCorpus(t *testing.T) {
	c := sharedCorpus(t)
	dir := filepath.Join(t.TempDir(), "hello")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	copyFile(t, c+"/getting-started-grpc/api_config.yaml", dir+"/api_config.yaml")
	copyFile(t, c+"/getting-started-grpc/api_descriptor.pb", dir+"/api_descriptor.pb")

	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"xds", "serve", dir, c + "/getting-started/openapi.yaml", "--listen", "127.0.0.1:0", "--http", "127.0.0.1:0", "--backend", "grpc://127.0.0.1:50051"}, strings.NewReader(""), &stdout, &stderr)
	}()
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			cancel()
			<-done
		}
	})

	addrRE := regexp.MustCompile(`xds serving ADS on (\S+)`)
	var addr string
	for deadline := time.Now().Add(30 * time.Second); addr == ""; time.Sleep(20 * time.Millisecond) {
		if m := addrRE.FindStringSubmatch(stdout.String()); m != nil {
			addr = m[1]
		}
		select {
		case code := <-done:
			stopped = true
			t.Fatalf("serve exited with %d: %s", code, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not start: %s", stderr.String())
		}
	}

	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, tt := range []struct{ cluster, want string }{
		{"hello", "backend-cluster-hellogrpc.endpoints.MY_PROJECT_ID.cloud.goog_local"},
		{"echo-api.endpoints.YOUR-PROJECT-ID.cloud.goog", "jwt-provider-cluster-"},
	} {
		sctx, scancel := context.WithTimeout(ctx, 30*time.Second)
		stream, err := discoveryv3.NewAggregatedDiscoveryServiceClient(conn).StreamAggregatedResources(sctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := stream.Send(&discoveryv3.DiscoveryRequest{Node: &corev3.Node{Id: "t", Cluster: tt.cluster}, TypeUrl: resource.ClusterType}); err != nil {
			t.Fatal(err)
		}
		r, err := stream.Recv()
		if err != nil {
			t.Fatalf("%s: %v", tt.cluster, err)
		}
		var names []string
		for _, res := range r.GetResources() {
			names = append(names, string(res.GetValue()))
		}
		if !strings.Contains(strings.Join(names, " "), tt.want) {
			t.Errorf("%s: no cluster like %q in the response", tt.cluster, tt.want)
		}
		scancel()
	}

	cancel()
	stopped = true
	if code := <-done; code != exitOK {
		t.Errorf("exit %d after shutdown: %s", code, stderr.String())
	}
}

func TestXDSServeBadSourceFailsAtStart(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("type: google.api.Service\nname: [\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, "", "xds", "serve", bad, "--listen", "127.0.0.1:0", "--http", "")
	if r.code == exitOK || !strings.Contains(r.stderr, "bad.yaml") {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
	if r := runCLI(t, "", "xds", "serve", "/nonexistent/source.yaml"); r.code != exitBadInput {
		t.Errorf("missing source: exit %d, want %d", r.code, exitBadInput)
	}
}

func TestXDSBootstrapGolden(t *testing.T) {
	r := runCLI(t, "", "xds", "bootstrap", "--server", "espctl:18000", "--node_id", "envoy-1", "--service", "bookstore.endpoints.example.cloud.goog", "--admin_port", "9901")
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	golden.AssertString(t, "testdata/xds/bootstrap.yaml", r.stdout)
	if r := runCLI(t, "", "xds", "bootstrap", "--server", "espctl", "--node_id", "e", "--node_cluster", "c"); r.code != exitBadInput {
		t.Errorf("server without port: exit %d", r.code)
	}
	if r := runCLI(t, "", "xds", "bootstrap", "--server", "espctl:1", "--node_id", "e"); r.code != exitBadInput {
		t.Errorf("no cluster or service: exit %d", r.code)
	}
}

// TestXDSSourcesCorpus: every corpus config, laid out as an xds serve source (a file, or a
// directory with the config and its descriptors), builds into resources served over ADS.
func TestXDSSourcesCorpus(t *testing.T) {
	c := sharedCorpus(t)
	for name, files := range map[string][]string{
		"getting-started.openapi":                    {"getting-started/openapi.yaml"},
		"getting-started.openapi-appengine":          {"getting-started/openapi-appengine.yaml"},
		"esp-v1-openapi.swagger":                     {"esp-v1-openapi/swagger.yaml"},
		"esp-v1-openapi.swagger_template":            {"esp-v1-openapi/swagger_template.json"},
		"esp-v1-service-config.service":              {"esp-v1-service-config/service.json"},
		"esp-v1-service-config.bookstore":            {"esp-v1-service-config/bookstore.json"},
		"getting-started-grpc":                       {"getting-started-grpc/api_config.yaml", "getting-started-grpc/api_descriptor.pb"},
		"bookstore-grpc.api_config":                  {"bookstore-grpc/api_config.yaml", "bookstore-grpc/bookstore.proto"},
		"bookstore-grpc.api_config_auth":             {"bookstore-grpc/api_config_auth.yaml", "bookstore-grpc/http_bookstore.proto"},
		"bookstore-grpc.api_config_http":             {"bookstore-grpc/api_config_http.yaml", "bookstore-grpc/bookstore.proto"},
		"bookstore-grpc.api_config_anthos":           {"bookstore-grpc/api_config_anthos.yaml", "bookstore-grpc/bookstore.proto"},
		"bookstore-grpc-transcoding.api_config":      {"bookstore-grpc-transcoding/api_config.yaml", "bookstore-grpc-transcoding/bookstore.proto"},
		"bookstore-grpc-transcoding.api_config_auth": {"bookstore-grpc-transcoding/api_config_auth.yaml", "bookstore-grpc-transcoding/bookstore.proto"},
		"esp-v1-grpc-transcoding":                    {"esp-v1-grpc-transcoding/bookstore-api.yaml", "esp-v1-grpc-transcoding/bookstore.proto"},
	} {
		t.Run(name, func(t *testing.T) {
			src := c + "/" + files[0]
			if len(files) > 1 {
				src = t.TempDir()
				for _, f := range files {
					copyFile(t, c+"/"+f, filepath.Join(src, filepath.Base(f)))
				}
			}
			topts := translate.Options{Backend: "http://127.0.0.1:8081"}
			if len(files) > 1 || strings.HasSuffix(name, ".service") {
				topts.Backend = "grpc://127.0.0.1:8081"
			}
			cfg, err := buildSource(src, topts)
			if err != nil {
				t.Fatal(err)
			}
			opts := xds.DefaultOptions()
			opts.RouteSource = xds.RouteFromADS
			if _, err := xds.Generate(cfg, opts); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestXDSServeNeedsASource(t *testing.T) {
	if r := runCLI(t, "", "xds", "serve"); r.code != exitBadInput || !strings.Contains(r.stderr, "--dir") {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
	if r := runCLI(t, "", "xds", "serve", "--dir", "/nonexistent/services"); r.code != exitBadInput {
		t.Errorf("missing --dir: exit %d", r.code)
	}
}
