package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/espctl/espctl/flags"
	"github.com/espctl/espctl/output"
)

const (
	espArgsFlagName = "esp-args"
	fileFlagName    = "file"
	envFlagName     = "env"
)

// exampleESPv1Args is what `espctl migrate flags` migrates when given no input: the README's
// first command, runnable on a fresh machine.
var exampleESPv1Args = []string{"--http_port=8081", "--backend=127.0.0.1:8080", "--service=SERVICE_NAME", "--rollout_strategy=managed"}

// migrateFlagsFlags are the command's own flags; the ESPv1 flags come after `--`.
type migrateFlagsFlags struct {
	espArgs    string
	espArgsSet bool
	file       string
	env        []string
}

func (f *migrateFlagsFlags) bind(fs *pflag.FlagSet) {
	fs.StringVar(&f.espArgs, espArgsFlagName, "", "migrate the `VALUE` of the ESPv1 serverless ESP_ARGS variable (comma or ^DELIM^ separated)")
	fs.StringVar(&f.file, fileFlagName, "", "migrate ESPv1 flags read from `FILE`, one per line (- reads stdin)")
	fs.StringArrayVar(&f.env, envFlagName, nil, "with --esp-args: another variable of the serverless container, `KEY=VALUE` (CORS_PRESET moves into ESPv2_ARGS); repeatable")
}

func newMigrateFlagsCommand(c *cli) *cobra.Command {
	f := &migrateFlagsFlags{}
	cmd := &cobra.Command{
		Use:   "flags [-- ESPv1 flags...]",
		Short: "Migrate ESPv1 start-up flags to ESPv2 flags",
		Long: `Migrate ESPv1 (start_esp) start-up flags to ESPv2 (start_proxy.py) flags.

Give the ESPv1 flags after --, as the value of ESP_ARGS (--esp-args), or in a file with one
flag per line (--file). With no input at all, a built-in example is migrated.

The output lists the ESPv2 flags one per line, then a finding for every input flag (kept,
renamed, merged, replaced, deprecated, unsupported, removed, unknown) and for ESPv1 defaults
that changed. The ESPv2 flags pass ESPv2's own start-up validation, or a finding says why not.
-o json prints {"args", "env", "options", "findings"} (docs/migrate-flags.md).

Exit codes: 0 migrated; 2 bad usage or input that cannot be parsed (a missing value, a bad
number); 3 migrated, but at least one finding needs a person (severity error).`,
		Example: `  # A command line (k8s args:, docker run ...): ESPv1 flags after --
  espctl migrate flags -- --http_port=8081 --backend=127.0.0.1:8080 --service=SERVICE_NAME --rollout_strategy=managed

  # Short forms, clusters and abbreviations are read as ESPv1 read them
  espctl migrate flags -- -p 8080 -a 127.0.0.1:8081 -s SERVICE_NAME -v CONFIG_ID -k /creds/sa.json

  # The ESP_ARGS variable of endpoints-runtime-serverless:1 -> ESPv2_ARGS
  espctl migrate flags --esp-args '^++^--cors_allow_methods=GET,POST++--cors_allow_credentials' --env CORS_PRESET=basic

  # A file with one flag per line, as JSON for a script
  espctl migrate flags --file esp-args.txt -o json

  # The built-in example
  espctl migrate flags`,
		RunE: func(cmd *cobra.Command, args []string) error {
			f.espArgsSet = cmd.Flags().Changed(espArgsFlagName)
			return runMigrateFlags(c, f, args)
		},
	}
	f.bind(cmd.Flags())
	cmd.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		if strings.Contains(err.Error(), "unknown") {
			err = fmt.Errorf("%w (put the ESPv1 flags after --: espctl migrate flags -- <ESPv1 flags>)", err)
		}
		return badInput(err)
	})
	return cmd
}

func runMigrateFlags(c *cli, f *migrateFlagsFlags, args []string) error {
	format, err := c.format()
	if err != nil {
		return err
	}
	opts := flags.MigrateOptions{Input: flags.FromArgv}
	inputs := 0
	for _, given := range []bool{len(args) > 0, f.espArgsSet, f.file != ""} {
		if given {
			inputs++
		}
	}
	switch {
	case inputs > 1:
		return badInput(errors.New("give the ESPv1 flags one way: after --, with --esp-args, or with --file"))
	case len(f.env) > 0 && !f.espArgsSet:
		return badInput(errors.New("--env describes the serverless container; use it with --esp-args"))
	case f.espArgsSet:
		if args, err = flags.SplitESPArgs(f.espArgs); err != nil {
			return badInput(fmt.Errorf("--esp-args: %w", err))
		}
		opts.Input = flags.FromESPArgs
		if opts.Env, err = parseEnv(f.env); err != nil {
			return badInput(err)
		}
	case f.file != "":
		data, err := readInputFile(c.stdin, f.file)
		if err != nil {
			return badInput(err)
		}
		args, opts.Positions = flags.ReadArgsFile(f.file, data)
		opts.Input = flags.FromFile
	case len(args) == 0:
		args = exampleESPv1Args
		fmt.Fprintf(c.stderr, "espctl: no ESPv1 flags given; migrating the built-in example: %s\n", strings.Join(args, " "))
	}
	result, err := flags.Migrate(args, opts)
	if err != nil {
		return badInput(err)
	}
	if err := output.Write(c.stdout, format, result, result.WriteText); err != nil {
		return err
	}
	if result.NeedsPerson() {
		return withCode(exitNeedsPerson)
	}
	return nil
}

func parseEnv(items []string) (map[string]string, error) {
	env := map[string]string{}
	for _, kv := range items {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("--env %q: want KEY=VALUE", kv)
		}
		env[k] = v
	}
	return env, nil
}

func readInputFile(stdin io.Reader, name string) ([]byte, error) {
	if name == "-" {
		return io.ReadAll(stdin)
	}
	return os.ReadFile(name)
}
