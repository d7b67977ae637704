package flags

import "github.com/espctl/espctl/diag"

// This file fixes the migration API that other packages (the manifest rewriter, `espctl run`)
// build on. The flags package implements it.

// Action says what happened to one input flag. The values are part of the `-o json` contract.
type Action string

const (
	ActionKept        Action = "kept"
	ActionRenamed     Action = "renamed"
	ActionMerged      Action = "merged"
	ActionReplaced    Action = "replaced"
	ActionDeprecated  Action = "deprecated"
	ActionUnsupported Action = "unsupported"
	ActionRemoved     Action = "removed"
	ActionUnknown     Action = "unknown"
)

// Severity of a finding.
type Severity string

const (
	SeverityInfo    Severity = "info"
	SeverityWarning Severity = "warning"
	SeverityError   Severity = "error"
)

// Finding is the account of one input flag (or one note the input triggered).
type Finding struct {
	Flag        string   `json:"flag"`
	Input       string   `json:"input"`
	Action      Action   `json:"action"`
	Replacement []string `json:"replacement"`
	Severity    Severity `json:"severity"`
	Message     string   `json:"message"`
}

// Result is a migration's outcome; its JSON form is the `espctl migrate flags -o json` shape.
type Result struct {
	// Args are the ESPv2 flags, `--name=value` form, in a stable order.
	Args []string `json:"args"`
	// Env holds ESPv2_ARGS when the input came from ESP_ARGS.
	Env map[string]string `json:"env,omitempty"`
	// Options holds every ESPv2 start-up flag (name without dashes) with its effective value.
	Options  map[string]any `json:"options"`
	Findings []Finding      `json:"findings"`
}

// NeedsPerson reports whether at least one finding needs a person's decision (exit code 3).
func (r *Result) NeedsPerson() bool {
	for _, f := range r.Findings {
		if f.Severity == SeverityError {
			return true
		}
	}
	return false
}

// Input says where the ESPv1 flags came from; it changes the rules (ESP_ARGS output must not
// carry port flags, for example).
type Input int

const (
	FromArgv    Input = iota // a command line or a container's args
	FromESPArgs              // the ESP_ARGS variable of the serverless image
	FromFile                 // a file with one flag per line
)

// MigrateOptions tunes a migration.
type MigrateOptions struct {
	Input Input
	// Env holds the serverless launcher's other variables when Input is FromESPArgs
	// (CORS_PRESET is moved into ESPv2_ARGS, because ESPv2's launcher no longer reads it).
	Env map[string]string
	// ServiceFromElsewhere says the service config comes from outside the flags (espctl run
	// --config, or its demo): no --service / --check_metadata / --service_json_path is required,
	// and the ESPv2 validation of the result assumes a config source.
	ServiceFromElsewhere bool
	// Positions, when the arguments came from a file, gives each argument's position, so parse
	// errors point at file:line:col (see ReadArgsFile).
	Positions []diag.Pos
}

// The entry points, implemented in migrate.go and esp_args.go:
//
//	func Migrate(args []string, opts MigrateOptions) (*Result, error)
//	    error only for input that cannot be parsed at all (exit 2); everything else is a finding.
//	func SplitESPArgs(value string) ([]string, error)   // ESP_ARGS / ESPv2_ARGS splitting, ^DELIM^ aware
//	func JoinESPv2Args(items []string) string           // writes ESPv2_ARGS, ^DELIM^ only when needed
