package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	clusterv3 "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	listenerv3 "github.com/envoyproxy/go-control-plane/envoy/config/listener/v3"
	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	discoveryv3 "github.com/envoyproxy/go-control-plane/envoy/service/discovery/v3"
	"github.com/envoyproxy/go-control-plane/pkg/resource/v3"
	"google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/espctl/espctl/golden"
	"github.com/espctl/espctl/translate"
	"github.com/espctl/espctl/xds"
)

// updateBound is how long a config change may take to reach a client. It is a bound, not a
// timing assertion: the poll runs every 20ms, so this only fails when the update never comes.
const updateBound = 15 * time.Second

// testSource is the tiny config format of these tests: a service name and a deadline.
type testSource struct {
	Service  string  `json:"service"`
	Deadline float64 `json:"deadline"`
}

// buildTestSource turns a test source into the Config translate.Build would give for an API
// with one method.
func buildTestSource(path string) (*translate.Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var src testSource
	if err := json.Unmarshal(b, &src); err != nil {
		return nil, fmt.Errorf("bad test config: %w", err)
	}
	return buildTestSourceConfig(src.Service, src.Deadline)
}

func writeSource(t *testing.T, path string, src any) {
	t.Helper()
	var b []byte
	switch v := src.(type) {
	case string:
		b = []byte(v)
	default:
		b, _ = json.Marshal(v)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

type running struct {
	srv  *Server
	addr string
	http string
}

// startServer runs a server over 127.0.0.1:0 until the test ends.
func startServer(t *testing.T, sources ...string) running {
	t.Helper()
	srv, err := New(Options{Sources: sources, Build: buildTestSource, Generate: xds.DefaultOptions(), PollInterval: 20 * time.Millisecond, ShutdownGrace: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := srv.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	gl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx, gl, hl) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	})
	return running{srv: srv, addr: gl.Addr().String(), http: "http://" + hl.Addr().String()}
}

// adsClient drives one SotW ADS stream by hand.
type adsClient struct {
	t      *testing.T
	stream discoveryv3.AggregatedDiscoveryService_StreamAggregatedResourcesClient
	node   *corev3.Node
	recv   chan *discoveryv3.DiscoveryResponse
}

func dial(t *testing.T, addr string) *grpc.ClientConn {
	t.Helper()
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

func newADSClient(t *testing.T, addr string, node *corev3.Node) *adsClient {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	stream, err := discoveryv3.NewAggregatedDiscoveryServiceClient(dial(t, addr)).StreamAggregatedResources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c := &adsClient{t: t, stream: stream, node: node, recv: make(chan *discoveryv3.DiscoveryResponse, 16)}
	go func() {
		for {
			r, err := stream.Recv()
			if err != nil {
				close(c.recv)
				return
			}
			c.recv <- r
		}
	}()
	return c
}

func (c *adsClient) send(req *discoveryv3.DiscoveryRequest) {
	c.t.Helper()
	req.Node = c.node
	if err := c.stream.Send(req); err != nil {
		c.t.Fatal(err)
	}
}

// next waits for the next response of typeURL, skipping others.
func (c *adsClient) next(typeURL string) *discoveryv3.DiscoveryResponse {
	c.t.Helper()
	deadline := time.After(updateBound)
	for {
		select {
		case r, ok := <-c.recv:
			if !ok {
				c.t.Fatalf("stream closed while waiting for %s", typeURL)
			}
			if r.GetTypeUrl() == typeURL {
				return r
			}
		case <-deadline:
			c.t.Fatalf("no %s response within %v", typeURL, updateBound)
		}
	}
}

// subscribe asks for typeURL, waits for the response and ACKs it.
func (c *adsClient) subscribe(typeURL string, names ...string) *discoveryv3.DiscoveryResponse {
	c.t.Helper()
	c.send(&discoveryv3.DiscoveryRequest{TypeUrl: typeURL, ResourceNames: names})
	r := c.next(typeURL)
	c.send(&discoveryv3.DiscoveryRequest{TypeUrl: typeURL, ResourceNames: names, VersionInfo: r.GetVersionInfo(), ResponseNonce: r.GetNonce()})
	return r
}

func routeTimeout(t *testing.T, r *discoveryv3.DiscoveryResponse) time.Duration {
	t.Helper()
	var rc routev3.RouteConfiguration
	if len(r.GetResources()) != 1 {
		t.Fatalf("route resources = %d", len(r.GetResources()))
	}
	if err := r.GetResources()[0].UnmarshalTo(&rc); err != nil {
		t.Fatal(err)
	}
	return rc.GetVirtualHosts()[0].GetRoutes()[0].GetRoute().GetTimeout().AsDuration()
}

func TestADSProtocol(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "items.json")
	writeSource(t, src, testSource{Service: "items.example.com", Deadline: 5})
	s := startServer(t, src)

	// The node picks its service by its cluster name: here the source's base name.
	c := newADSClient(t, s.addr, &corev3.Node{Id: "envoy-1", Cluster: "items"})

	cds := c.subscribe(resource.ClusterType)
	var cluster clusterv3.Cluster
	if len(cds.GetResources()) != 1 || cds.GetResources()[0].UnmarshalTo(&cluster) != nil || cluster.GetName() != "backend-cluster-items.example.com_local" {
		t.Fatalf("clusters: %v", cds.GetResources())
	}
	lds := c.subscribe(resource.ListenerType)
	var lis listenerv3.Listener
	if len(lds.GetResources()) != 1 || lds.GetResources()[0].UnmarshalTo(&lis) != nil || lis.GetName() != xds.ListenerName {
		t.Fatalf("listeners: %v", lds.GetResources())
	}
	rds := c.subscribe(resource.RouteType, xds.RouteConfigName)
	if got := routeTimeout(t, rds); got != 5*time.Second {
		t.Fatalf("route timeout = %v, want 5s", got)
	}
	v1 := rds.GetVersionInfo()
	if cds.GetVersionInfo() != v1 || lds.GetVersionInfo() != v1 {
		t.Errorf("versions differ within one snapshot: %s %s %s", cds.GetVersionInfo(), lds.GetVersionInfo(), v1)
	}

	// A config change reaches the client.
	writeSource(t, src, testSource{Service: "items.example.com", Deadline: 7})
	update := c.next(resource.RouteType)
	if got := routeTimeout(t, update); got != 7*time.Second {
		t.Fatalf("updated route timeout = %v, want 7s", got)
	}
	if update.GetVersionInfo() == v1 {
		t.Errorf("update kept version %s", v1)
	}
	c.send(&discoveryv3.DiscoveryRequest{TypeUrl: resource.RouteType, ResourceNames: []string{xds.RouteConfigName}, VersionInfo: update.GetVersionInfo(), ResponseNonce: update.GetNonce()})

	// A NACK is counted and its detail kept.
	c.send(&discoveryv3.DiscoveryRequest{TypeUrl: resource.ListenerType, VersionInfo: lds.GetVersionInfo(), ResponseNonce: lds.GetNonce(),
		ErrorDetail: &status.Status{Code: 3, Message: "listener rejected: test"}})
	waitFor(t, "the NACK", func() bool { return s.srv.Status().NACKs == 1 })
	st := s.srv.Status()
	if st.LastNACK == nil || st.LastNACK.Detail != "listener rejected: test" || st.LastNACK.Node != "envoy-1" {
		t.Errorf("last NACK = %+v", st.LastNACK)
	}
	if len(st.Nodes) != 1 || st.Nodes[0] != "envoy-1" {
		t.Errorf("connected nodes = %v", st.Nodes)
	}

	// A bad config is rejected; the last good snapshot keeps serving new clients.
	good := update.GetVersionInfo()
	writeSource(t, src, "{not json")
	waitFor(t, "the rejection", func() bool { return s.srv.Status().Sources[0].Error != "" })
	if st := s.srv.Status(); st.Sources[0].Version != good || !strings.Contains(st.Sources[0].Error, "bad test config") {
		t.Errorf("after a bad config: %+v", st.Sources[0])
	}
	// The node can also pick its service by metadata.
	meta := &structpb.Struct{Fields: map[string]*structpb.Value{xds.ServiceMetadataKey: structpb.NewStringValue("items.example.com")}}
	c2 := newADSClient(t, s.addr, &corev3.Node{Id: "envoy-2", Cluster: "other", Metadata: meta})
	if r := c2.subscribe(resource.RouteType, xds.RouteConfigName); r.GetVersionInfo() != good || routeTimeout(t, r) != 7*time.Second {
		t.Errorf("second client got version %s, want the last good %s", r.GetVersionInfo(), good)
	}

	// The HTTP side reports the same.
	body := httpGet(t, s.http+"/metrics")
	for _, want := range []string{"espctl_xds_nacks_total 1", "espctl_xds_connected_nodes 2", "espctl_xds_configs_rejected_total 1"} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q:\n%s", want, body)
		}
	}
	if body := httpGet(t, s.http+"/healthz"); body != "ok\n" {
		t.Errorf("/healthz = %q", body)
	}
}

func TestDeltaADS(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "items.json")
	writeSource(t, src, testSource{Service: "items.example.com", Deadline: 5})
	s := startServer(t, src)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stream, err := discoveryv3.NewAggregatedDiscoveryServiceClient(dial(t, s.addr)).DeltaAggregatedResources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	node := &corev3.Node{Id: "delta-1", Cluster: "items.example.com"}
	for _, tt := range []struct {
		typeURL string
		names   []string
		want    string
	}{
		{resource.ClusterType, nil, "backend-cluster-items.example.com_local"},
		{resource.ListenerType, nil, xds.ListenerName},
		{resource.RouteType, []string{xds.RouteConfigName}, xds.RouteConfigName},
	} {
		if err := stream.Send(&discoveryv3.DeltaDiscoveryRequest{Node: node, TypeUrl: tt.typeURL, ResourceNamesSubscribe: tt.names}); err != nil {
			t.Fatal(err)
		}
		r, err := stream.Recv()
		if err != nil {
			t.Fatal(err)
		}
		if r.GetTypeUrl() != tt.typeURL || len(r.GetResources()) != 1 || r.GetResources()[0].GetName() != tt.want {
			t.Fatalf("%s: got %s with %d resources", tt.typeURL, r.GetTypeUrl(), len(r.GetResources()))
		}
		if err := stream.Send(&discoveryv3.DeltaDiscoveryRequest{Node: node, TypeUrl: tt.typeURL, ResponseNonce: r.GetNonce()}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestDuplicateServiceRejected(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.json"), filepath.Join(dir, "b.json")
	writeSource(t, a, testSource{Service: "same.example.com"})
	writeSource(t, b, testSource{Service: "same.example.com"})
	srv, err := New(Options{Sources: []string{a, b}, Build: buildTestSource})
	if err != nil {
		t.Fatal(err)
	}
	err = srv.Reload(context.Background())
	if err == nil || !strings.Contains(err.Error(), "already served from") {
		t.Fatalf("err = %v", err)
	}
}

func TestStatusGolden(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "items.json")
	writeSource(t, src, testSource{Service: "items.example.com", Deadline: 5})
	srv, err := New(Options{Sources: []string{src}, Build: buildTestSource})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	st := srv.Status()
	st.Sources[0].Source = "items.json"
	st.Sources[0].Updated = time.Time{}
	b, _ := json.MarshalIndent(st, "", "  ")
	golden.Assert(t, "testdata/status.golden.json", append(b, '\n'))
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(updateBound)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s did not happen within %v", what, updateBound)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func httpGet(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return b.String()
}

// A delta client gets the update after a config change, too.
func TestDeltaUpdate(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "items.json")
	writeSource(t, src, testSource{Service: "items.example.com", Deadline: 5})
	s := startServer(t, src)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stream, err := discoveryv3.NewAggregatedDiscoveryServiceClient(dial(t, s.addr)).DeltaAggregatedResources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	node := &corev3.Node{Id: "delta-2", Cluster: "items"}
	recv := make(chan *discoveryv3.DeltaDiscoveryResponse, 8)
	go func() {
		for {
			r, err := stream.Recv()
			if err != nil {
				close(recv)
				return
			}
			recv <- r
		}
	}()
	next := func() *discoveryv3.DeltaDiscoveryResponse {
		select {
		case r, ok := <-recv:
			if !ok {
				t.Fatal("stream closed")
			}
			return r
		case <-time.After(updateBound):
			t.Fatalf("no delta response within %v", updateBound)
		}
		return nil
	}
	if err := stream.Send(&discoveryv3.DeltaDiscoveryRequest{Node: node, TypeUrl: resource.RouteType, ResourceNamesSubscribe: []string{xds.RouteConfigName}}); err != nil {
		t.Fatal(err)
	}
	first := next()
	if err := stream.Send(&discoveryv3.DeltaDiscoveryRequest{Node: node, TypeUrl: resource.RouteType, ResponseNonce: first.GetNonce()}); err != nil {
		t.Fatal(err)
	}
	writeSource(t, src, testSource{Service: "items.example.com", Deadline: 9})
	update := next()
	var rc routev3.RouteConfiguration
	if len(update.GetResources()) != 1 || update.GetResources()[0].GetResource().UnmarshalTo(&rc) != nil {
		t.Fatalf("update: %v", update)
	}
	if got := rc.GetVirtualHosts()[0].GetRoutes()[0].GetRoute().GetTimeout().AsDuration(); got != 9*time.Second {
		t.Errorf("updated timeout = %v, want 9s", got)
	}
}

// A source that disappears keeps its last snapshot; the error is reported, once per change.
func TestRemovedSourceKeepsServing(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "items.json")
	writeSource(t, src, testSource{Service: "items.example.com", Deadline: 5})
	var log syncLog
	srv, err := New(Options{Sources: []string{src}, Build: buildTestSource, Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := srv.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	version := srv.Status().Sources[0].Version
	if err := os.Remove(src); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if err := srv.Reload(ctx); err == nil {
			t.Fatal("a removed source reloaded without error")
		}
	}
	st := srv.Status().Sources[0]
	if st.Version != version || st.Error == "" {
		t.Errorf("after removal: %+v", st)
	}
	if n := strings.Count(log.String(), "config rejected"); n != 1 {
		t.Errorf("rejection logged %d times, want once:\n%s", n, log.String())
	}
	if _, err := srv.cache.GetSnapshot("items.example.com"); err != nil {
		t.Errorf("snapshot gone: %v", err)
	}
}

type syncLog struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *syncLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *syncLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// A directory of services: each file is one service, and a file added later is served on the
// next poll.
func TestDirectoryOfServices(t *testing.T) {
	dir := t.TempDir()
	writeSource(t, filepath.Join(dir, "a.json"), testSource{Service: "a.example.com", Deadline: 1})
	writeSource(t, filepath.Join(dir, "notes.txt"), "not a config")
	srv, err := New(Options{Dirs: []string{dir}, Build: buildTestSource})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := srv.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	writeSource(t, filepath.Join(dir, "b.json"), testSource{Service: "b.example.com", Deadline: 2})
	if err := srv.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	var services []string
	for _, src := range srv.Status().Sources {
		services = append(services, filepath.Base(src.Source)+"="+src.Service)
	}
	if got := strings.Join(services, ","); got != "a.json=a.example.com,b.json=b.example.com" {
		t.Errorf("sources: %s", got)
	}
	for _, svc := range []string{"a.example.com", "b.example.com"} {
		if _, err := srv.cache.GetSnapshot(svc); err != nil {
			t.Errorf("%s: %v", svc, err)
		}
	}
	// A node naming the file's base name finds its service.
	if got := (nodeHash{srv}).ID(&corev3.Node{Cluster: "b"}); got != "b.example.com" {
		t.Errorf("node cluster b -> %q", got)
	}
}

// A node that asks for a service nobody serves is logged, and gets nothing.
func TestUnknownServiceLogged(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "items.json")
	writeSource(t, src, testSource{Service: "items.example.com", Deadline: 5})
	var log syncLog
	srv, err := New(Options{Sources: []string{src}, Build: buildTestSource, Log: &log, ShutdownGrace: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := srv.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	gl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx, gl, nil) }()
	defer func() { cancel(); <-done }()

	c := newADSClient(t, gl.Addr().String(), &corev3.Node{Id: "lost", Cluster: "nope"})
	c.send(&discoveryv3.DiscoveryRequest{TypeUrl: resource.ClusterType})
	waitFor(t, "the warning", func() bool { return strings.Contains(log.String(), "no source serves") })
	select {
	case r := <-c.recv:
		if r != nil {
			t.Errorf("a node of an unknown service got %s", r.GetTypeUrl())
		}
	default:
	}
}
