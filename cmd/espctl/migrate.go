package main

import "github.com/spf13/cobra"

func newMigrateCommand(c *cli) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "Migrate ESPv1 start-up flags and deployments to ESPv2",
		Long: `Migrate ESPv1 (endpoints-runtime:1, NGINX) to ESPv2 (endpoints-runtime:2, Envoy).

Every flag gets a finding that says what happened to it (kept, renamed, merged, replaced,
deprecated, unsupported, removed, unknown) and what you must still do by hand.`,
		Example: `  espctl migrate flags -- --http_port=8081 --backend=127.0.0.1:8080 --service=SERVICE_NAME --rollout_strategy=managed
  espctl migrate flags --esp-args '--http_port=8081,--backend=127.0.0.1:8080'`,
	}
	cmd.AddCommand(newMigrateFlagsCommand(c), newMigrateManifestCommand(c), newMigrateNginxCommand(c))
	return cmd
}
