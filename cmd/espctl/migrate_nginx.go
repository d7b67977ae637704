package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/espctl/espctl/manifest"
	"github.com/espctl/espctl/output"
)

func newMigrateNginxCommand(c *cli) *cobra.Command {
	return &cobra.Command{
		Use:   "nginx FILE",
		Short: "Map a custom ESPv1 nginx.conf (-n/--nginx_config) to ESPv2 flags",
		Long: `Read a custom nginx.conf that ESPv1 ran with -n/--nginx_config and map what ESPv2 can
express to ESPv2 flags: listen ports with ssl/http2, ssl_certificate*, ssl_protocols, resolver,
set_real_ip_from/real_ip_header, underscores_in_headers, proxy_pass/grpc_pass targets.
Every other directive gets a finding with its line: nothing is passed over.

Exit codes: 0 mapped; 2 the file cannot be read or parsed; 3 at least one directive needs a person.`,
		Example: `  espctl migrate nginx /etc/nginx/custom/nginx.conf
  espctl migrate nginx nginx.conf -o json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := c.format()
			if err != nil {
				return err
			}
			data, err := os.ReadFile(args[0])
			if err != nil {
				return badInput(err)
			}
			res, err := manifest.MigrateNginx(args[0], data)
			if err != nil {
				var ie *manifest.InputError
				if errors.As(err, &ie) {
					return badInput(err)
				}
				return err
			}
			err = output.Write(c.stdout, format, res, func(w io.Writer) error {
				for _, a := range res.Args {
					fmt.Fprintln(w, a)
				}
				for _, f := range res.Findings {
					fmt.Fprintf(c.stderr, "%s:%d: %s: %s\n", res.Path, f.Line, f.Severity, f.Message)
				}
				return nil
			})
			if err != nil {
				return err
			}
			if res.NeedsPerson() {
				return withCode(exitNeedsPerson)
			}
			return nil
		},
	}
}
