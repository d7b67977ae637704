package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// newXDSCommand is a placeholder until its issue lands.
func newXDSCommand(c *cli) *cobra.Command {
	return &cobra.Command{
		Use:   "xds",
		Short: "Serve configs to Envoy fleets over xDS",
		RunE: func(cmd *cobra.Command, args []string) error {
			return errors.New("not implemented yet")
		},
	}
}
