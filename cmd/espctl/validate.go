package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// newValidateCommand is a placeholder until its issue lands.
func newValidateCommand(c *cli) *cobra.Command {
	return &cobra.Command{
		Use:   "validate",
		Short: "Check a service config or OpenAPI spec offline",
		RunE: func(cmd *cobra.Command, args []string) error {
			return errors.New("not implemented yet")
		},
	}
}
