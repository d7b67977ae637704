package flags

import (
	"slices"
	"testing"

	"github.com/spf13/pflag"
)

func TestBindESPv2(t *testing.T) {
	fs := pflag.NewFlagSet("run", pflag.ContinueOnError)
	fs.String("config", "", "the caller's own flag")
	fs.BoolP("verbose", "v", false, "a caller flag that takes -v")
	bound := BindESPv2(fs)
	err := fs.Parse([]string{
		"--version=CFG", "-a", "grpc://127.0.0.1:9000", "--admin_port=9901", "--listener_port", "9000",
		"--add_request_header=a=1", "--add_request_header=b=2", "--no-service_control_enable_api_key_uid_reporting",
		"--enable_debug", "--non_gcp=false", "--cors_max_age=1h", "-R", "fixed",
	})
	if err != nil {
		t.Fatal(err)
	}
	o, err := bound.Options()
	if err != nil {
		t.Fatal(err)
	}
	if o.Version != "CFG" || o.Backend != "grpc://127.0.0.1:9000" || o.AdminPort != 9901 || o.ListenerPort != 9000 ||
		!slices.Equal(o.AddRequestHeaders, []string{"a=1", "b=2"}) || o.ServiceControlEnableAPIKeyUIDReporting ||
		o.LogLevel != "debug" || o.NonGCP || o.CorsMaxAge.Hours() != 1 {
		t.Errorf("unexpected options %+v", o)
	}
	if fs.ShorthandLookup("v").Name != "verbose" {
		t.Error("BindESPv2 took the caller's -v")
	}
	if fs.Lookup("status_port") == nil || fs.Lookup("admin_port") == nil || fs.Lookup("no-service_control_enable_api_key_uid_reporting") == nil {
		t.Error("aliases and negated forms are not bound")
	}
	want := []string{"--version=CFG", "--backend=grpc://127.0.0.1:9000", "--status_port=9901", "--listener_port=9000", "--add_request_header=a=1", "--add_request_header=b=2", "--no-service_control_enable_api_key_uid_reporting", "--enable_debug", "--non_gcp=false", "--cors_max_age=1h", "--rollout_strategy=fixed"}
	if got := bound.Args(); !slices.Equal(got, want) {
		t.Errorf("Args() = %q, want %q", got, want)
	}

	// The validation is ESPv2's: a bad combination fails with the flag named.
	fs = pflag.NewFlagSet("run", pflag.ContinueOnError)
	bound = BindESPv2(fs)
	if err := fs.Parse([]string{"-R", "managed", "--version=x"}); err != nil {
		t.Fatal(err)
	}
	if _, err := bound.Options(); err == nil || err.(*ValidationError).Flag != "--version" {
		t.Errorf("managed + version: %v", err)
	}
	// Bad values are refused while parsing.
	fs = pflag.NewFlagSet("run", pflag.ContinueOnError)
	fs.SetOutput(nopWriter{})
	BindESPv2(fs)
	if err := fs.Parse([]string{"--listener_port=eighty"}); err == nil {
		t.Error("bad int accepted")
	}
	// A name the caller already has is skipped and reported.
	fs = pflag.NewFlagSet("run", pflag.ContinueOnError)
	fs.String("backend", "", "caller's")
	if b := BindESPv2(fs); !slices.Equal(b.Skipped, []string{"--backend"}) {
		t.Errorf("Skipped = %v", b.Skipped)
	}
}

type nopWriter struct{}

func (nopWriter) Write(p []byte) (int, error) { return len(p), nil }
