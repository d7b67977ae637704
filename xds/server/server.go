// Package server is `espctl xds serve`: an ADS server (go-control-plane's snapshot cache and
// server, state-of-the-world and delta) that turns config sources into Envoy snapshots.
//
// How a config reaches an Envoy:
//
//  1. Every source (a config file, or a directory holding one service's files) is read by
//     Options.Build into a translate.Config; a poll notices when a source's bytes change.
//  2. xds.Generate turns the Config into resources; they must validate and the snapshot must be
//     consistent (every route the listener names is there) before it is used.
//  3. The snapshot is stored under the service name, its version a hash of the resources, so
//     an unchanged config never pushes and a restart serves the same versions.
//  4. An Envoy picks its service with the node metadata key `espctl_service`, or else its node
//     cluster name (the service name or the source's base name).
//
// A source that fails to build keeps its last good snapshot serving; the error is logged and
// shown on /status until the source is fixed.
package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	clusterservice "github.com/envoyproxy/go-control-plane/envoy/service/cluster/v3"
	discoverygrpc "github.com/envoyproxy/go-control-plane/envoy/service/discovery/v3"
	listenerservice "github.com/envoyproxy/go-control-plane/envoy/service/listener/v3"
	routeservice "github.com/envoyproxy/go-control-plane/envoy/service/route/v3"
	cachev3 "github.com/envoyproxy/go-control-plane/pkg/cache/v3"
	serverv3 "github.com/envoyproxy/go-control-plane/pkg/server/v3"
	"google.golang.org/grpc"

	"github.com/espctl/espctl/translate"
	"github.com/espctl/espctl/xds"
)

// BuildFunc reads one source (a file or a directory) into a normalized config.
type BuildFunc func(source string) (*translate.Config, error)

// Options configure a Server.
type Options struct {
	// Sources are config files or directories, one service each.
	Sources []string
	// Dirs are directories of services: every config file and every subdirectory in them is
	// one source. They are listed again on every poll, so a service added there is served
	// without a restart.
	Dirs  []string
	Build BuildFunc
	// Generate are the Envoy generation options; RouteSource is always RouteFromADS.
	Generate xds.Options
	// PollInterval is how often sources are checked for changes (default 2s).
	PollInterval time.Duration
	// ShutdownGrace bounds how long open streams get to finish on shutdown (default 5s).
	ShutdownGrace time.Duration
	Log           io.Writer
}

// Server serves snapshots over ADS and its status over HTTP.
type Server struct {
	opts    Options
	log     *slog.Logger
	cache   cachev3.SnapshotCache
	xds     serverv3.Server
	metrics *metrics

	// endStreams ends every open xDS stream; GracefulStop would otherwise wait for streams
	// that never end on their own.
	endStreams context.CancelFunc

	mu      sync.Mutex
	sources map[string]*sourceState // by source path
	aliases map[string]string       // node cluster or source base name -> service
}

// New builds a server; nothing is read or served before Run.
func New(opts Options) (*Server, error) {
	if len(opts.Sources) == 0 && len(opts.Dirs) == 0 {
		return nil, errors.New("no config sources: give at least one file or directory")
	}
	if opts.Build == nil {
		return nil, errors.New("no build function")
	}
	if opts.PollInterval <= 0 {
		opts.PollInterval = 2 * time.Second
	}
	if opts.ShutdownGrace <= 0 {
		opts.ShutdownGrace = 5 * time.Second
	}
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	opts.Generate.RouteSource = xds.RouteFromADS
	s := &Server{
		opts:    opts,
		log:     slog.New(slog.NewTextHandler(opts.Log, nil)),
		sources: map[string]*sourceState{},
		aliases: map[string]string{},
	}
	s.metrics = newMetrics()
	s.cache = cachev3.NewSnapshotCache(true, nodeHash{s}, nil)
	streams, endStreams := context.WithCancel(context.Background())
	s.endStreams = endStreams
	s.xds = serverv3.NewServer(streams, s.cache, s.metrics.callbacks(s.log, s.missingService))
	return s, nil
}

// Reload checks every source once and applies what changed. Run calls it on every poll; it
// returns the sources' errors joined, for a caller that wants to fail fast at start-up.
func (s *Server) Reload(ctx context.Context) error {
	var errs []error
	sources, err := s.sourceList()
	if err != nil {
		errs = append(errs, err)
	}
	for _, src := range sources {
		if err := s.reloadSource(ctx, src); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Run serves ADS on grpcLis and /healthz, /status and /metrics on httpLis (which may be nil)
// until ctx ends, then stops gracefully: no new streams, open streams are ended, and whatever
// has not finished after ShutdownGrace is cut. A Server runs once.
func (s *Server) Run(ctx context.Context, grpcLis, httpLis net.Listener) error {
	gs := grpc.NewServer()
	discoverygrpc.RegisterAggregatedDiscoveryServiceServer(gs, s.xds)
	listenerservice.RegisterListenerDiscoveryServiceServer(gs, s.xds)
	routeservice.RegisterRouteDiscoveryServiceServer(gs, s.xds)
	clusterservice.RegisterClusterDiscoveryServiceServer(gs, s.xds)

	var hs *http.Server
	errc := make(chan error, 2)
	if httpLis != nil {
		hs = &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
		go func() {
			if err := hs.Serve(httpLis); err != nil && !errors.Is(err, http.ErrServerClosed) {
				errc <- fmt.Errorf("http: %w", err)
			}
		}()
	}
	go func() {
		if err := gs.Serve(grpcLis); err != nil {
			errc <- fmt.Errorf("grpc: %w", err)
		}
	}()
	s.log.Info("xds server started", "grpc", grpcLis.Addr().String())

	tick := time.NewTicker(s.opts.PollInterval)
	defer tick.Stop()
	var runErr error
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case err := <-errc:
			runErr = err
			break loop
		case <-tick.C:
			_ = s.Reload(ctx)
		}
	}

	s.log.Info("xds server stopping")
	stopped := make(chan struct{})
	go func() { gs.GracefulStop(); close(stopped) }()
	// No new streams are accepted now; end the open ones (Envoys keep their config and
	// reconnect elsewhere), and cut whatever is left after the grace period.
	s.endStreams()
	select {
	case <-stopped:
	case <-time.After(s.opts.ShutdownGrace):
		gs.Stop()
	}
	if hs != nil {
		sctx, cancel := context.WithTimeout(context.Background(), s.opts.ShutdownGrace)
		defer cancel()
		_ = hs.Shutdown(sctx)
	}
	return runErr
}
