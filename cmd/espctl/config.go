package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"
	"google.golang.org/genproto/googleapis/api/serviceconfig"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/descriptorpb"

	"github.com/espctl/espctl/grpcconfig"
	"github.com/espctl/espctl/output"
	"github.com/espctl/espctl/translate"
)

const (
	emitFlagName    = "emit"
	backendFlagName = "backend"
	healthzFlagName = "healthz"

	emitNormalized    = "normalized"
	emitServiceConfig = "service-config"
)

type configFlags struct {
	api     apiInputFlags
	emit    string
	backend string
	healthz string
}

func newConfigCommand(c *cli) *cobra.Command {
	f := &configFlags{}
	cmd := &cobra.Command{
		Use:   "config [api_config.yaml ...] [--descriptor api_descriptor.pb | --proto file.proto -I dir] | --service_json_path service.json",
		Short: "Print the normalized config",
		Long: `config loads an API config like validate does and prints what it compiles to.

--emit normalized (the default) prints the normalized config that espctl's proxy and Envoy
output read: every method with its HTTP bindings, backend, auth, API-key and quota rules, the
routes in precedence order (docs/config-reference.md). --backend and --healthz are ESPv2's
start-up flags of the same names and change it. Text output is YAML.

--emit service-config prints the compiled google.api.Service as protojson, in the form real
ESPv2 reads with --service_json_path; the descriptors travel inside source_info as a
FILE_DESCRIPTOR_SET_PROTO file, so gRPC/JSON transcoding works offline.

Diagnostics (warnings, or the errors that stop the config) go to stderr. Exit codes: 0 done,
1 the config is invalid, 2 input that cannot be read.`,
		Example: `  # The normalized config of a gRPC API, as YAML
  espctl config api_config.yaml --descriptor api_descriptor.pb

  # As JSON, with the local backend and a health route
  espctl config api_config.yaml --proto bookstore.proto -I protos --backend grpc://127.0.0.1:8081 --healthz /healthz -o json

  # A service config for real ESPv2, offline
  espctl config api_config.yaml --descriptor api_descriptor.pb --emit service-config > service.json
  # then: /envoy/start_proxy.py --service_json_path=service.json --backend=grpc://127.0.0.1:8081 ...`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runConfig(c, f, args)
		},
	}
	f.api.bind(cmd.Flags())
	cmd.Flags().StringVar(&f.emit, emitFlagName, emitNormalized, "what to print: normalized or service-config")
	cmd.Flags().StringVar(&f.backend, backendFlagName, "http://127.0.0.1:8082", "ESPv2 --backend: the local backend for methods without a backend rule address")
	cmd.Flags().StringVar(&f.healthz, healthzFlagName, "", "ESPv2 --healthz: path of the health-check route, empty for none")
	_ = cmd.RegisterFlagCompletionFunc(emitFlagName, cobra.FixedCompletions([]string{emitNormalized, emitServiceConfig}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func runConfig(c *cli, f *configFlags, args []string) error {
	format, err := c.format()
	if err != nil {
		return err
	}
	if f.emit != emitNormalized && f.emit != emitServiceConfig {
		return badInput(fmt.Errorf("unknown --emit %q: use %s or %s", f.emit, emitNormalized, emitServiceConfig))
	}
	res, err := loadAPI(&f.api, args)
	if err != nil {
		return err
	}
	fmt.Fprint(c.stderr, res.Diagnostics.Text())
	if res.Diagnostics.HasErrors() {
		return invalid(fmt.Errorf("the API config is invalid; `espctl validate` shows the same diagnostics"))
	}
	if f.emit == emitServiceConfig {
		return writeServiceConfig(c.stdout, format, res.Service, res.Descriptors)
	}
	cfg, err := translate.Build(res.Service, res.Descriptors, translate.Options{Backend: f.backend, Healthz: f.healthz})
	if err != nil {
		return invalid(err)
	}
	if format == output.Text {
		format = output.YAML
	}
	return output.Write(c.stdout, format, cfg, nil)
}

// writeServiceConfig prints the Service as protojson (text and json) or YAML, with the
// descriptors in source_info.
func writeServiceConfig(w io.Writer, format output.Format, svc *serviceconfig.Service, fds *descriptorpb.FileDescriptorSet) error {
	res, err := grpcconfig.WithSourceInfo(svc, fds)
	if err != nil {
		return invalid(err)
	}
	data, err := protojson.MarshalOptions{Multiline: true, Indent: "  ", Resolver: grpcconfig.Resolver}.Marshal(res)
	if err != nil {
		return invalid(fmt.Errorf("encoding the service config: %w", err))
	}
	if format == output.YAML {
		return output.JSONToYAML(w, data)
	}
	// protojson's whitespace is deliberately unstable; re-indent for byte-stable output.
	var buf bytes.Buffer
	if err := json.Indent(&buf, data, "", "  "); err != nil {
		return invalid(err)
	}
	buf.WriteByte('\n')
	_, err = w.Write(buf.Bytes())
	return err
}
