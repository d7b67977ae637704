package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// newRunCommand is a placeholder until its issue lands.
func newRunCommand(c *cli) *cobra.Command {
	return &cobra.Command{
		Use:   "run",
		Short: "Run the bundled proxy",
		RunE: func(cmd *cobra.Command, args []string) error {
			return errors.New("not implemented yet")
		},
	}
}
