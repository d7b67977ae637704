package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/espctl/espctl/demo"
	"github.com/espctl/espctl/flags"
	"github.com/espctl/espctl/load"
	"github.com/espctl/espctl/observe"
	"github.com/espctl/espctl/proxy"
	"github.com/espctl/espctl/transcode"
	"github.com/espctl/espctl/translate"
)

const (
	configFlagName          = "config"
	listenerAddressFlagName = "listener_address"
	drainFlagName           = "drain_timeout"
	// espctl's own flags for what ESPv2 delegates to Google (API keys, quotas) or to Envoy's
	// admin and tracing setup; docs/run.md and docs/security.md describe them.
	apiKeysFileFlagName     = "api_keys_file"
	quotaBackendFlagName    = "quota_backend"
	quotaFailPolicyFlagName = "quota_fail_policy"
	errorFormatFlagName     = "error_format"
	userinfoFormatFlagName  = "userinfo_format"
	otlpEndpointFlagName    = "tracing_otlp_endpoint"
	adminAddressFlagName    = "admin_address"
	adminPprofFlagName      = "admin_pprof"
	logLevelFlagName        = "log_level"
)

// runFlags are espctl's own `run` flags; every ESPv2 start-up flag is bound beside them.
type runFlags struct {
	configs         []string
	descriptor      string
	protos          []string
	importPaths     []string
	listenerAddress string
	drain           time.Duration
	apiKeysFile     string
	quotaBackend    string
	quotaFailPolicy string
	errorFormat     string
	userinfoFormat  string
	otlpEndpoint    string
	adminAddress    string
	adminPprof      bool
	logLevel        string
}

// bindRunFlags binds espctl's flags and then every ESPv2 flag on fs.
func bindRunFlags(fs *pflag.FlagSet, f *runFlags) *flags.Bound {
	fs.StringArrayVar(&f.configs, configFlagName, nil, "API config: api_config.yaml (repeatable, merged in order) or an OpenAPI document")
	fs.StringVar(&f.descriptor, descriptorFlagName, "", "FileDescriptorSet of the gRPC API (protoc --include_imports -o api_descriptor.pb)")
	fs.StringArrayVar(&f.protos, protoFlagName, nil, ".proto file of the gRPC API, compiled in process (repeatable)")
	fs.StringArrayVarP(&f.importPaths, importPathFlagName, "I", nil, "import path for --proto (repeatable)")
	fs.StringVar(&f.listenerAddress, listenerAddressFlagName, "0.0.0.0", "address to listen on, with --listener_port")
	fs.DurationVar(&f.drain, drainFlagName, 10*time.Second, "on SIGTERM/SIGINT, how long in-flight requests may take to finish")
	fs.StringVar(&f.apiKeysFile, apiKeysFileFlagName, "", "API key store (see `espctl keys`); turns API-key checks and quotas on")
	fs.StringVar(&f.quotaBackend, quotaBackendFlagName, "", "where quota counters live: empty for this process's memory, or redis://host:port/db to share them across replicas")
	fs.StringVar(&f.quotaFailPolicy, quotaFailPolicyFlagName, "open", "when the quota backend is unreachable: open (allow) or close (503)")
	fs.StringVar(&f.errorFormat, errorFormatFlagName, "v2", "error bodies of the proxy's own replies: v2 (ESPv2) or v1 (ESPv1)")
	fs.StringVar(&f.userinfoFormat, userinfoFormatFlagName, "v2", "X-Endpoint-API-UserInfo format: v2 (ESPv2) or v1 (ESPv1's JSON)")
	fs.StringVar(&f.otlpEndpoint, otlpEndpointFlagName, "", "send traces over OTLP to this collector (http://host:4318, grpc://host:4317 or host:port); off when empty")
	fs.StringVar(&f.adminAddress, adminAddressFlagName, "127.0.0.1", "address of the admin listener (--admin_port): /, /metrics, /healthz, /config")
	fs.BoolVar(&f.adminPprof, adminPprofFlagName, false, "serve /debug/pprof/ on the admin listener")
	fs.StringVar(&f.logLevel, logLevelFlagName, "", "log level: debug, info, warn or error (default info; debug with --enable_debug)")
	return flags.BindESPv2(fs)
}

func newRunCommand(c *cli) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "run [ESPv2 flags] [--config api_config.yaml --descriptor api_descriptor.pb | --service_json_path service.json]",
		Short: "Serve an API config with the bundled proxy (a demo when given no config)",
		Long: `run serves an Endpoints API config the way ESPv2 does on the wire, with no Envoy and no
Google project: routing and its 404/405 replies, gRPC passthrough, HTTP/JSON to gRPC
transcoding, path translation to HTTP backends, deadlines, --healthz, TLS.

It takes ESPv2's start-up flags with their names and defaults. ESPv1 flags are accepted too:
they are migrated as 'espctl migrate flags' does, the findings are logged, and a flag with no
ESPv2 equivalent stops start-up.

Given no API config (no --config, --service_json_path or --service) it runs an embedded demo:
a small library gRPC service behind the proxy, and prints curl and grpcurl commands to try.

The config is reloaded on SIGHUP and when a config file changes; a bad new config is rejected
and the old one keeps serving. SIGTERM or SIGINT drains in-flight requests, then exits.`,
		Example: `  # The demo on port 8080
  espctl run

  # A gRPC API behind the proxy
  espctl run --config api_config.yaml --descriptor api_descriptor.pb --backend grpc://127.0.0.1:8081

  # ESPv1 flags work too (migrated on the fly)
  espctl run --config api_config.yaml --descriptor api_descriptor.pb -p 8080 -a grpc://127.0.0.1:8081`,
		// Flags are parsed in runRun: an ESPv1 command line must be migrated, not refused.
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, a := range args {
				if a == "--help" || a == "-h" {
					return cmd.Help()
				}
				if a == "--" {
					break
				}
			}
			return runRun(cmd.Context(), c, args)
		},
	}
	bindRunFlags(cmd.Flags(), &runFlags{})
	return cmd
}

// runRun parses the command line, loads the config (or starts the demo) and serves until a
// signal or ctx ends it.
func runRun(ctx context.Context, c *cli, args []string) error {
	// Logs (one access-log line per request) go through a buffer written by its own goroutine,
	// so a request does not wait for a write to stderr; what is pending is written on return.
	stderr := proxy.NewLogWriter(c.stderr)
	defer stderr.Close()
	log := slog.New(slog.NewJSONHandler(stderr, nil))
	f, opts, err := parseRunArgs(args, log)
	if err != nil {
		return err
	}
	if f.logLevel != "" {
		level, err := observe.ParseLogLevel(f.logLevel)
		if err != nil {
			return badInput(err)
		}
		log = slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: level}))
	} else if opts.LogLevel == "debug" {
		log = slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	popts, err := proxyOptions(opts, log)
	if err != nil {
		return badInput(err)
	}
	rt, err := addManagement(ctx, f, opts, &popts, log)
	if err != nil {
		return badInput(err)
	}
	defer rt.stop()
	addr := net.JoinHostPort(f.listenerAddress, strconv.Itoa(opts.ListenerPort))
	ro := proxy.RunOptions{
		Listen:       proxy.ListenOptions{Address: addr, CertDir: opts.SSLServerCertPath, MinTLS: opts.SSLMinimumProtocol, MaxTLS: opts.SSLMaximumProtocol},
		DrainTimeout: f.drain,
		Signals:      true,
	}
	topts := translate.Options{Backend: opts.Backend, Healthz: opts.Healthz, EnableBackendAddressOverride: opts.EnableBackendAddressOverride, NonGCP: opts.NonGCP}

	if len(f.configs) == 0 && opts.ServiceJSONPath == "" {
		if opts.Service != "" {
			return badInput(fmt.Errorf("--service %s needs Google Service Management to fetch the config; run offline with --config or --service_json_path", opts.Service))
		}
		backend, err := demo.Start("127.0.0.1:0")
		if err != nil {
			return err
		}
		defer backend.Stop()
		topts.Backend = backend.BackendURL()
		ro.Load = func() (*translate.Config, error) {
			return translate.Build(backend.Service, backend.Descriptors, topts)
		}
		ro.Ready = func(s *proxy.Server, h *proxy.Handler) {
			rt.serveAdmin(f, opts, h, log)
			printDemoHelp(c.stdout, s)
		}
		return runErr(proxy.Run(ctx, popts, ro))
	}

	in := load.Inputs{ConfigFiles: f.configs, Descriptor: f.descriptor, Protos: f.protos, ImportPaths: f.importPaths, ServiceJSON: opts.ServiceJSONPath}
	ro.WatchFiles = append(append(append([]string{}, f.configs...), f.protos...), opts.ServiceJSONPath, f.descriptor)
	ro.Load = func() (*translate.Config, error) { return loadConfig(in, topts, log) }
	// The first load's errors are the user's input errors: report them with their exit code.
	if _, err := ro.Load(); err != nil {
		return err
	}
	ro.Ready = func(s *proxy.Server, h *proxy.Handler) {
		rt.serveAdmin(f, opts, h, log)
		fmt.Fprintf(c.stdout, "espctl: serving on %s\n", listenURL(s))
	}
	return runErr(proxy.Run(ctx, popts, ro))
}

func runErr(err error) error {
	if err != nil {
		return invalid(err)
	}
	return nil
}

// loadConfig reads the inputs and builds the normalized config; diagnostics with errors make
// it fail (the text lists them), warnings are logged.
func loadConfig(in load.Inputs, topts translate.Options, log *slog.Logger) (*translate.Config, error) {
	res, err := load.Load(in)
	if err != nil {
		return nil, badInput(err)
	}
	if res.Diagnostics.HasErrors() {
		return nil, invalid(errors.New("the API config is invalid:\n" + res.Diagnostics.Text()))
	}
	for _, d := range res.Diagnostics {
		log.Warn("config", "diagnostic", d.String())
	}
	cfg, err := translate.Build(res.Service, res.Descriptors, topts)
	if err != nil {
		return nil, invalid(fmt.Errorf("%s: %w", strings.Join(in.ConfigFiles, ", "), err))
	}
	return cfg, nil
}

// parseRunArgs parses ESPv2 flags; when the command line does not parse as ESPv2 it is taken
// for an ESPv1 one and migrated, its findings logged; an unsupported flag stops start-up.
func parseRunArgs(args []string, log *slog.Logger) (*runFlags, *flags.Options, error) {
	f, bound, err := parseESPv2Line(args)
	if err != nil {
		own, rest := splitOwnFlags(args)
		// The API config comes from --config or the demo, not from ESPv1's -s/-v.
		res, merr := flags.Migrate(rest, flags.MigrateOptions{ServiceFromElsewhere: true})
		if merr != nil {
			return nil, nil, badInput(err)
		}
		var stop []string
		for _, fd := range res.Findings {
			log.Info("ESPv1 flag migrated", "flag", fd.Flag, "action", string(fd.Action), "replacement", strings.Join(fd.Replacement, " "), "severity", string(fd.Severity), "message", fd.Message)
			if fd.Severity == flags.SeverityError {
				stop = append(stop, fmt.Sprintf("%s: %s", fd.Input, fd.Message))
			}
		}
		if len(stop) > 0 {
			return nil, nil, withMessage(exitNeedsPerson, "cannot start: "+strings.Join(stop, "; "))
		}
		if f, bound, err = parseESPv2Line(append(own, res.Args...)); err != nil {
			return nil, nil, badInput(err)
		}
	}
	espArgs := bound.Args()
	if !hasAnyFlag(espArgs, "--service_json_path", "--version", "--rollout_strategy") {
		// ESPv2 insists on a config source (--version or --service_json_path); espctl's
		// --config and the demo are sources it does not know.
		espArgs = append(espArgs, "--rollout_strategy=managed")
	}
	opts, err := flags.ParseESPv2(espArgs)
	if err != nil {
		return nil, nil, badInput(err)
	}
	return f, opts, nil
}

func parseESPv2Line(args []string) (*runFlags, *flags.Bound, error) {
	f := &runFlags{}
	fs := pflag.NewFlagSet("run", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	bound := bindRunFlags(fs, f)
	if err := fs.Parse(args); err != nil {
		return nil, nil, err
	}
	if fs.NArg() > 0 {
		return nil, nil, fmt.Errorf("unexpected argument %q (API config files go in --config)", fs.Arg(0))
	}
	return f, bound, nil
}

// splitOwnFlags separates espctl's own flags (which ESPv1 never had) from the rest.
func splitOwnFlags(args []string) (own, rest []string) {
	takesValue := map[string]bool{"--" + configFlagName: true, "--" + descriptorFlagName: true, "--" + protoFlagName: true, "--" + importPathFlagName: true, "-I": true, "--" + listenerAddressFlagName: true, "--" + drainFlagName: true,
		"--" + apiKeysFileFlagName: true, "--" + quotaBackendFlagName: true, "--" + quotaFailPolicyFlagName: true, "--" + errorFormatFlagName: true, "--" + userinfoFormatFlagName: true,
		"--" + otlpEndpointFlagName: true, "--" + adminAddressFlagName: true, "--" + logLevelFlagName: true}
	isBool := map[string]bool{"--" + adminPprofFlagName: true}
	for i := 0; i < len(args); i++ {
		name, _, hasValue := strings.Cut(args[i], "=")
		if isBool[name] {
			own = append(own, args[i])
			continue
		}
		if !takesValue[name] {
			rest = append(rest, args[i])
			continue
		}
		own = append(own, args[i])
		if !hasValue && i+1 < len(args) {
			i++
			own = append(own, args[i])
		}
	}
	return own, rest
}

func hasAnyFlag(args []string, names ...string) bool {
	for _, a := range args {
		name, _, _ := strings.Cut(a, "=")
		for _, n := range names {
			if name == n {
				return true
			}
		}
	}
	return false
}

// withMessage ends the command with code after printing msg.
func withMessage(code int, msg string) error {
	return &exitError{code: code, err: errors.New(msg)}
}

// proxyOptions maps the ESPv2 options onto the engine's.
func proxyOptions(o *flags.Options, log *slog.Logger) (proxy.Options, error) {
	tlsCfg, err := proxy.BackendTLSConfig(o.SSLBackendClientRootCertsFile, o.SSLBackendClientCertPath)
	if err != nil {
		return proxy.Options{}, err
	}
	var ignore []string
	for _, s := range strings.Split(o.TranscodingIgnoreQueryParameters, ",") {
		if s = strings.TrimSpace(s); s != "" {
			ignore = append(ignore, s)
		}
	}
	return proxy.Options{
		UnderscoresInHeaders: o.UnderscoresInHeaders,
		DisableNormalizePath: o.DisableNormalizePath,
		DisableMergeSlashes:  o.DisableMergeSlashesInPath,
		BackendTLS:           tlsCfg,
		Transcoding: transcode.Options{
			PreserveProtoFieldNames:      o.TranscodingPreserveProtoFieldNames,
			AlwaysPrintPrimitiveFields:   o.TranscodingAlwaysPrintPrimitiveFields,
			AlwaysPrintEnumsAsInts:       o.TranscodingAlwaysPrintEnumsAsInts,
			StreamNewlineDelimited:       o.TranscodingStreamNewlineDelimited,
			CaseInsensitiveEnumParsing:   o.TranscodingCaseInsensitiveEnumParsing,
			IgnoreQueryParameters:        ignore,
			IgnoreUnknownQueryParameters: o.TranscodingIgnoreUnknownQueryParameters,
			DisableUnescapePlus:          o.TranscodingQueryParametersDisableUnescapePlus,
		},
		Logger: log,
	}, nil
}

func listenURL(s *proxy.Server) string {
	scheme := "http"
	if s.TLS() {
		scheme = "https"
	}
	host := s.Addr().String()
	if h, port, err := net.SplitHostPort(host); err == nil && (h == "0.0.0.0" || h == "::") {
		host = net.JoinHostPort("localhost", port)
	}
	return scheme + "://" + host
}

// printDemoHelp tells the user what to try against the demo.
func printDemoHelp(w io.Writer, s *proxy.Server) {
	base := listenURL(s)
	hostport := strings.TrimPrefix(strings.TrimPrefix(base, "https://"), "http://")
	plain := "-plaintext "
	if s.TLS() {
		plain = "-insecure "
	}
	fmt.Fprintf(w, `espctl: no API config given, serving the embedded demo (%s) on %s

Try it over HTTP/JSON (transcoded to gRPC):
  curl %s/v1/shelves
  curl %s/v1/shelves/1/books
  curl -X POST %s/v1/shelves -H 'Content-Type: application/json' -d '{"theme":"Poetry"}'
  curl %s/v1/shelves/1/books:stream
  curl -i %s/v1/nothing

and over gRPC (grpcurl: go install github.com/fullstorydev/grpcurl/cmd/grpcurl@v1.9.4):
  grpcurl %s%s list
  grpcurl %s%s %s/ListShelves
  grpcurl %s-d '{"shelf":1}' %s %s/StreamBooks

Stop with Ctrl-C.
`, demo.ServiceName, base, base, base, base, base, base, plain, hostport, plain, hostport, demo.ServiceName, plain, hostport, demo.ServiceName)
}
