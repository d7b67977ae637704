package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// newMigrateManifestCommand is a placeholder until its issue lands.
func newMigrateManifestCommand(c *cli) *cobra.Command {
	return &cobra.Command{
		Use:   "manifest",
		Short: "Rewrite ESPv1 deployments (Kubernetes, docker run, Cloud Run, app.yaml) to ESPv2",
		RunE: func(cmd *cobra.Command, args []string) error {
			return errors.New("not implemented yet")
		},
	}
}
