package flags

import "errors"

// PLACEHOLDER added by the lead so that cmd/espctl and manifest compile before the real
// migration lands. Flags engineer: delete this whole file when you add the real Migrate.
func Migrate(args []string, opts MigrateOptions) (*Result, error) {
	return nil, errors.New("flag migration is not implemented yet")
}
