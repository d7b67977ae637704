package main

import (
	"context"
	"io"

	"github.com/spf13/cobra"

	"github.com/espctl/espctl/output"
)

// cli is what every command shares: the standard streams and the global flags. Commands get
// it from newRootCommand so tests can run the whole tree in process with buffers.
type cli struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	outputFlag     string
}

const outputFlagName = "output"

// format returns the parsed global -o value.
func (c *cli) format() (output.Format, error) {
	f, err := output.Parse(c.outputFlag)
	if err != nil {
		return "", badInput(err)
	}
	return f, nil
}

// run builds a fresh command tree, runs it and returns the process exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	c := &cli{stdin: stdin, stdout: stdout, stderr: stderr}
	root := newRootCommand(c)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	return reportError(stderr, err)
}

// newRootCommand builds the whole command tree in one place, so the order of `--help` can be
// reviewed here and tests get a fresh tree per run.
func newRootCommand(c *cli) *cobra.Command {
	root := &cobra.Command{
		Use:   "espctl",
		Short: "Migrate ESPv1 to ESPv2, validate Endpoints configs, and run them",
		Long: `espctl moves API gateways off the NGINX-based Extensible Service Proxy (ESPv1) and runs
what they describe.

  migrate   turn ESPv1 start-up flags and manifests into ESPv2 ones, with a finding per flag
  validate  check an api_config.yaml (+ descriptors) or an OpenAPI 2.0 spec offline
  config    print the normalized config (or a service config ESPv2 reads offline)
  run       serve a config with the bundled proxy (an embedded demo when given no config)

Exit codes (a promise to scripts, see docs/exit-codes.md):
  0  done
  1  the input is invalid (validate), or the proxy failed
  2  bad usage, or input that cannot be read
  3  done, but something needs a person (an unsupported or unknown flag, ...)`,
		Example: `  # Migrate ESPv1 flags to ESPv2 flags
  espctl migrate flags -- --http_port=8081 --backend=127.0.0.1:8080 --service=SERVICE_NAME --rollout_strategy=managed

  # The same, as JSON for a script
  espctl migrate flags -o json -- -p 8081 -a 127.0.0.1:8080 -s SERVICE_NAME --rollout_strategy=managed`,
		SilenceErrors: true,
		SilenceUsage:  true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			_, err := c.format()
			return err
		},
	}
	root.PersistentFlags().StringVarP(&c.outputFlag, outputFlagName, "o", "text", "output format: text, json or yaml")
	_ = root.RegisterFlagCompletionFunc(outputFlagName, cobra.FixedCompletions(output.Formats, cobra.ShellCompDirectiveNoFileComp))
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error { return badInput(err) })

	root.AddCommand(
		newMigrateCommand(c),
		newValidateCommand(c),
		newConfigCommand(c),
		newRunCommand(c),
		newEnvoyCommand(c),
		newXDSCommand(c),
		newKeysCommand(c),
		newVersionCommand(c),
	)
	return root
}
