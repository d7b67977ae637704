package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// newConfigCommand is a placeholder until its issue lands.
func newConfigCommand(c *cli) *cobra.Command {
	return &cobra.Command{
		Use:   "config",
		Short: "Print the normalized config",
		RunE: func(cmd *cobra.Command, args []string) error {
			return errors.New("not implemented yet")
		},
	}
}
