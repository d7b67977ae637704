package main

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/espctl/espctl/diag"
	"github.com/espctl/espctl/grpcconfig"
	"github.com/espctl/espctl/load"
	"github.com/espctl/espctl/openapi"
	"github.com/espctl/espctl/output"
)

const (
	descriptorFlagName  = "descriptor"
	protoFlagName       = "proto"
	importPathFlagName  = "proto_path"
	serviceJSONFlagName = "service_json_path"
	listRulesFlagName   = "list-rules"
)

// apiInputFlags are the flags of every command that reads an API config (validate, config,
// and the commands that serve one); they map one to one onto load.Inputs.
type apiInputFlags struct {
	descriptor  string
	protos      []string
	importPaths []string
	serviceJSON string
}

func (f *apiInputFlags) bind(fs *pflag.FlagSet) {
	fs.StringVar(&f.descriptor, descriptorFlagName, "", "FileDescriptorSet of the gRPC API (protoc --include_imports --include_source_info -o api_descriptor.pb)")
	fs.StringArrayVar(&f.protos, protoFlagName, nil, ".proto file of the gRPC API, compiled in process (repeatable)")
	fs.StringArrayVarP(&f.importPaths, importPathFlagName, "I", nil, "import path for --proto (repeatable); google/api, google/rpc and well-known protos are built in")
	fs.StringVar(&f.serviceJSON, serviceJSONFlagName, "", "full service config JSON, as ESPv2's --service_json_path reads it")
}

func (f *apiInputFlags) inputs(args []string) load.Inputs {
	return load.Inputs{ConfigFiles: args, Descriptor: f.descriptor, Protos: f.protos, ImportPaths: f.importPaths, ServiceJSON: f.serviceJSON}
}

// loadAPI runs load.Load and maps its failure to exit code 2.
func loadAPI(f *apiInputFlags, args []string) (*load.Result, error) {
	res, err := load.Load(f.inputs(args))
	if err != nil {
		return nil, badInput(err)
	}
	return res, nil
}

type validateFlags struct {
	api       apiInputFlags
	listRules bool
}

// validateReport is the -o json|yaml shape of `espctl validate` (docs/validate.md).
type validateReport struct {
	Valid       bool              `json:"valid"`
	Kind        load.Kind         `json:"kind"`
	Service     string            `json:"service,omitempty"`
	Errors      int               `json:"errors"`
	Warnings    int               `json:"warnings"`
	Diagnostics []diag.Diagnostic `json:"diagnostics"`
}

func newValidateCommand(c *cli) *cobra.Command {
	f := &validateFlags{}
	cmd := &cobra.Command{
		Use:   "validate [api_config.yaml ...] [--descriptor api_descriptor.pb | --proto file.proto -I dir] | --service_json_path service.json | --list-rules",
		Short: "Check a service config or OpenAPI spec offline",
		Long: `validate checks an Endpoints API config offline, the way Google Service Management would at
deploy time, and reports every problem with file:line:col, the field, a rule id and a hint.

The input kind is recognised by content: a gRPC service config (type: google.api.Service,
YAML or JSON, several files are merged in order) with its descriptors from --descriptor or
--proto; a full service config JSON (--service_json_path, or a JSON file without type:);
an OpenAPI document (swagger: or openapi: at the top).

Diagnostics go to stdout, one per line, then a summary line. Exit codes: 0 valid (warnings
allowed), 1 invalid, 2 input that cannot be read. --list-rules prints every rule id.`,
		Example: `  # A gRPC API with its descriptor set
  espctl validate api_config.yaml --descriptor api_descriptor.pb

  # The same from the .proto files, without protoc
  espctl validate api_config.yaml --proto bookstore.proto -I protos

  # An OpenAPI 2.0 document with x-google-* extensions
  espctl validate openapi.yaml

  # A service config as Service Management serves it, as JSON for a script
  espctl validate --service_json_path service.json -o json

  # Every rule, with its id and severity
  espctl validate --list-rules`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runValidate(c, f, args)
		},
	}
	f.api.bind(cmd.Flags())
	cmd.Flags().BoolVar(&f.listRules, listRulesFlagName, false, "print every validation rule (id, severity, summary) and exit")
	return cmd
}

func runValidate(c *cli, f *validateFlags, args []string) error {
	format, err := c.format()
	if err != nil {
		return err
	}
	if f.listRules {
		rules := allRules()
		return output.Write(c.stdout, format, rules, func(w io.Writer) error { return writeRulesText(w, rules) })
	}
	res, err := loadAPI(&f.api, args)
	if err != nil {
		return err
	}
	rep := validateReport{Kind: res.Kind, Service: res.Service.GetName(), Diagnostics: res.Diagnostics}
	if rep.Diagnostics == nil {
		rep.Diagnostics = []diag.Diagnostic{}
	}
	for _, d := range res.Diagnostics {
		switch d.Severity {
		case diag.Error:
			rep.Errors++
		case diag.Warning:
			rep.Warnings++
		}
	}
	rep.Valid = rep.Errors == 0
	if err := output.Write(c.stdout, format, rep, func(w io.Writer) error {
		_, err := fmt.Fprint(w, res.Diagnostics.Text()+summary(rep))
		return err
	}); err != nil {
		return err
	}
	if !rep.Valid {
		return withCode(exitInvalid)
	}
	return nil
}

func summary(r validateReport) string {
	state := "valid"
	if !r.Valid {
		state = "invalid"
	}
	return fmt.Sprintf("%s: %s (%s, %s)\n", nameOr(r.Service), state, plural(r.Errors, "error"), plural(r.Warnings, "warning"))
}

func nameOr(s string) string {
	if s == "" {
		return "service config"
	}
	return s
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// ruleRow is one line of --list-rules; Source says which input the rule checks.
type ruleRow struct {
	grpcconfig.Rule
	Source string `json:"source"`
}

// allRules is the catalogue --list-rules prints and docs/rules.md lists.
func allRules() []ruleRow {
	var rows []ruleRow
	for _, r := range grpcconfig.Rules() {
		rows = append(rows, ruleRow{Rule: r, Source: "service config"})
	}
	for _, r := range openapi.Rules() {
		rows = append(rows, ruleRow{Rule: grpcconfig.Rule{ID: r.ID, Severity: r.Severity, Summary: r.Summary}, Source: "openapi"})
	}
	return rows
}

func writeRulesText(w io.Writer, rows []ruleRow) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.ID, r.Severity, r.Source, r.Summary)
	}
	return tw.Flush()
}
