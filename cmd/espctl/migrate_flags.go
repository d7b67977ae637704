package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// newMigrateFlagsCommand is a placeholder until its issue lands.
func newMigrateFlagsCommand(c *cli) *cobra.Command {
	return &cobra.Command{
		Use:   "flags",
		Short: "Migrate ESPv1 start-up flags to ESPv2 flags",
		RunE: func(cmd *cobra.Command, args []string) error {
			return errors.New("not implemented yet")
		},
	}
}
