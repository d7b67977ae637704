package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// newEnvoyCommand is a placeholder until its issue lands.
func newEnvoyCommand(c *cli) *cobra.Command {
	return &cobra.Command{
		Use:   "envoy",
		Short: "Print a static Envoy bootstrap for a config",
		RunE: func(cmd *cobra.Command, args []string) error {
			return errors.New("not implemented yet")
		},
	}
}
