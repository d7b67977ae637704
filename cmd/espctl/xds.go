package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/espctl/espctl/load"
	"github.com/espctl/espctl/output"
	"github.com/espctl/espctl/translate"
	"github.com/espctl/espctl/xds"
	"github.com/espctl/espctl/xds/server"
)

const (
	listenFlagName      = "listen"
	httpFlagName        = "http"
	pollFlagName        = "poll"
	graceFlagName       = "shutdown_grace"
	serverFlagName      = "server"
	nodeIDFlagName      = "node_id"
	nodeClusterFlagName = "node_cluster"
	serviceFlagName     = "service"
	dirFlagName         = "dir"
)

func newXDSCommand(c *cli) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "xds",
		Short: "Serve configs to Envoy fleets over xDS",
		Long: `xds serves the Envoy configuration of espctl envoy to any number of Envoys over ADS, the
aggregated xDS protocol (state of the world and delta), and prints the bootstrap those Envoys
start from. docs/xds.md has a docker-compose example.`,
		Example: `  # Serve every service config under ./services to Envoys connecting on :18000
  espctl xds serve --dir services --listen :18000

  # The bootstrap an Envoy needs to connect
  espctl xds bootstrap --server 127.0.0.1:18000 --service bookstore.example.com`,
	}
	cmd.AddCommand(newXDSServeCommand(c), newXDSBootstrapCommand(c))
	return cmd
}

type xdsServeFlags struct {
	envoy  envoyFlags
	dirs   []string
	listen string
	http   string
	poll   time.Duration
	grace  time.Duration
}

func newXDSServeCommand(c *cli) *cobra.Command {
	f := &xdsServeFlags{}
	cmd := &cobra.Command{
		Use:   "serve [SOURCE...] [--dir DIR]",
		Short: "Run an ADS server for one or more API configs",
		Long: `serve watches config sources and serves each as an Envoy snapshot over ADS. A source is one
service: an API config file (OpenAPI, api_config.yaml, or a service config JSON), or a
directory holding one service's files (*.yaml, *.yml, *.json configs, at most one *.pb
descriptor set, *.proto files with the directory as import path). With --dir, every config
file and every subdirectory of DIR is one source, and DIR is listed again on every poll, so a
service added there is served without a restart.

An Envoy picks its service with the node metadata key espctl_service, else by its node cluster
name: the service name or the source's base name (bookstore for configs/bookstore.yaml).
espctl xds bootstrap prints a matching Envoy bootstrap.

Sources are polled; a changed source is rebuilt, validated (every resource passes Envoy's
validation, the snapshot is consistent) and pushed with a new version. A source that fails is
logged and reported on /status while its last good snapshot keeps serving. At start-up every
source must build, or serve exits with code 1.

--http serves /healthz (200 once every source serves), /status (JSON: versions, errors,
connected nodes, the last NACK) and /metrics (Prometheus text). SIGINT/SIGTERM stop the server
gracefully. The ESPv2 flags of espctl envoy apply to every source.`,
		Example: `  # Two services, Envoys pick theirs by node cluster name
  espctl xds serve configs/bookstore configs/echo.yaml --listen :18000 --http :18001

  # Every service in a directory, new ones included
  espctl xds serve --dir /etc/espctl/services

  # The bootstrap for an Envoy that wants the bookstore
  espctl xds bootstrap --server xds.internal:18000 --node_id envoy-1 --node_cluster bookstore`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runXDSServe(cmd.Context(), c, f, args)
		},
	}
	fs := cmd.Flags()
	fs.StringArrayVar(&f.dirs, dirFlagName, nil, "directory of services: each config file or subdirectory is one service (repeatable)")
	fs.StringVar(&f.listen, listenFlagName, "0.0.0.0:18000", "address of the xDS (gRPC) server")
	fs.StringVar(&f.http, httpFlagName, "127.0.0.1:18001", "address of /healthz, /status and /metrics; empty for none")
	fs.DurationVar(&f.poll, pollFlagName, 2*time.Second, "how often sources are checked for changes")
	fs.DurationVar(&f.grace, graceFlagName, 5*time.Second, "on SIGINT/SIGTERM, how long open streams may take to close")
	f.envoy.bind(fs)
	return cmd
}

func runXDSServe(ctx context.Context, c *cli, f *xdsServeFlags, sources []string) error {
	gen, topts, err := f.envoy.options()
	if err != nil {
		return err
	}
	if len(sources) == 0 && len(f.dirs) == 0 {
		return badInput(fmt.Errorf("give at least one SOURCE or --%s", dirFlagName))
	}
	for _, src := range append(append([]string{}, sources...), f.dirs...) {
		if _, err := os.Stat(src); err != nil {
			return badInput(err)
		}
	}
	srv, err := server.New(server.Options{
		Sources:       sources,
		Dirs:          f.dirs,
		Build:         func(src string) (*translate.Config, error) { return buildSource(src, topts) },
		Generate:      gen,
		PollInterval:  f.poll,
		ShutdownGrace: f.grace,
		Log:           c.stderr,
	})
	if err != nil {
		return badInput(err)
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := srv.Reload(ctx); err != nil {
		return invalid(err)
	}
	gl, err := net.Listen("tcp", f.listen)
	if err != nil {
		return invalid(fmt.Errorf("--%s: %w", listenFlagName, err))
	}
	var hl net.Listener
	if f.http != "" {
		if hl, err = net.Listen("tcp", f.http); err != nil {
			gl.Close()
			return invalid(fmt.Errorf("--%s: %w", httpFlagName, err))
		}
		fmt.Fprintf(c.stdout, "espctl: status on http://%s/status\n", hl.Addr())
	}
	fmt.Fprintf(c.stdout, "espctl: xds serving ADS on %s\n", gl.Addr())
	if err := srv.Run(ctx, gl, hl); err != nil {
		return invalid(err)
	}
	return nil
}

// buildSource reads one source into a normalized config: a file as it is, a directory as the
// set of one service's files.
func buildSource(src string, topts translate.Options) (*translate.Config, error) {
	in, err := sourceInputs(src)
	if err != nil {
		return nil, err
	}
	res, err := load.Load(in)
	if err != nil {
		return nil, err
	}
	if res.Diagnostics.HasErrors() {
		return nil, errors.New("the API config is invalid:\n" + strings.TrimRight(res.Diagnostics.Text(), "\n"))
	}
	return translate.Build(res.Service, res.Descriptors, topts)
}

func sourceInputs(src string) (load.Inputs, error) {
	info, err := os.Stat(src)
	if err != nil {
		return load.Inputs{}, err
	}
	if !info.IsDir() {
		return load.Inputs{ConfigFiles: []string{src}}, nil
	}
	entries, err := os.ReadDir(src)
	if err != nil {
		return load.Inputs{}, err
	}
	var in load.Inputs
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		p := filepath.Join(src, e.Name())
		switch strings.ToLower(filepath.Ext(e.Name())) {
		case ".yaml", ".yml", ".json":
			in.ConfigFiles = append(in.ConfigFiles, p)
		case ".pb", ".binpb", ".desc":
			if in.Descriptor != "" {
				return load.Inputs{}, fmt.Errorf("%s: more than one descriptor set (%s, %s)", src, in.Descriptor, p)
			}
			in.Descriptor = p
		case ".proto":
			in.Protos = append(in.Protos, p)
		}
	}
	if len(in.ConfigFiles) == 0 {
		return load.Inputs{}, fmt.Errorf("%s: no config file (*.yaml, *.yml, *.json)", src)
	}
	sort.Strings(in.ConfigFiles)
	sort.Strings(in.Protos)
	if len(in.Protos) > 0 {
		in.ImportPaths = []string{src}
	}
	return in, nil
}

type xdsBootstrapFlags struct {
	opts xds.ADSBootstrapOptions
}

func newXDSBootstrapCommand(c *cli) *cobra.Command {
	f := &xdsBootstrapFlags{}
	cmd := &cobra.Command{
		Use:   "bootstrap --server HOST:PORT --node_id ID [--node_cluster NAME | --service NAME]",
		Short: "Print the bootstrap of an Envoy fed by espctl xds serve",
		Long: `bootstrap prints an Envoy bootstrap (envoy -c ready) that takes listeners, routes and clusters
from espctl xds serve over one ADS stream. --service puts the service name in the node metadata
(espctl_service); without it the server picks the service by --node_cluster. Text output is
YAML; -o json prints JSON.`,
		Example: `  espctl xds bootstrap --server espctl:18000 --node_id envoy-1 --node_cluster bookstore > envoy.yaml`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runXDSBootstrap(c, f)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&f.opts.Server, serverFlagName, "", "host:port of espctl xds serve")
	fs.StringVar(&f.opts.NodeID, nodeIDFlagName, "", "this Envoy's node id")
	fs.StringVar(&f.opts.NodeCluster, nodeClusterFlagName, "", "this Envoy's node cluster; picks the service when --service is not set")
	fs.StringVar(&f.opts.Service, serviceFlagName, "", "the service to serve (node metadata espctl_service)")
	fs.IntVar(&f.opts.AdminPort, adminPortFlagName, 0, "Envoy admin port on 127.0.0.1; 0 leaves it off")
	_ = cmd.MarkFlagRequired(serverFlagName)
	_ = cmd.MarkFlagRequired(nodeIDFlagName)
	return cmd
}

func runXDSBootstrap(c *cli, f *xdsBootstrapFlags) error {
	format, err := c.format()
	if err != nil {
		return err
	}
	if f.opts.NodeCluster == "" && f.opts.Service == "" {
		return badInput(fmt.Errorf("give --%s or --%s: the server needs one to pick the service", nodeClusterFlagName, serviceFlagName))
	}
	if f.opts.NodeCluster == "" {
		f.opts.NodeCluster = f.opts.Service
	}
	b, err := xds.ADSBootstrap(f.opts)
	if err != nil {
		return badInput(err)
	}
	raw, err := xds.JSON(b)
	if err != nil {
		return invalid(err)
	}
	if format == output.Text {
		format = output.YAML
	}
	return output.Write(c.stdout, format, raw, nil)
}
