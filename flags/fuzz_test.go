package flags

import (
	"slices"
	"strings"
	"testing"
)

// argKey is what "the same flags" means for the round trip: the flag (by canonical name, or
// as written when unknown), its value and form. Positional items are compared separately,
// because Format moves them after `--`.
type argKey struct {
	name                       string
	value                      string
	hasValue, negated, unknown bool
}

func keys(args []Arg) (flags []argKey, positionals []string) {
	for _, a := range args {
		if a.Positional {
			positionals = append(positionals, a.Value)
			continue
		}
		k := argKey{name: a.Name(), value: a.Value, hasValue: a.HasValue, negated: a.Negated, unknown: !a.Known()}
		if !a.Known() {
			k.name = a.Option
		}
		flags = append(flags, k)
	}
	return flags, positionals
}

// FuzzParseArgv: argv in any form (items separated by NUL) never panics, and parse -> Format
// -> parse gives the same flags, for both registries. Migrate never panics either.
func FuzzParseArgv(f *testing.F) {
	for _, seed := range []string{
		"--http_port=8081\x00--backend=127.0.0.1:8080\x00--service=SERVICE_NAME\x00--rollout_strategy=managed",
		"-p\x008080\x00-a\x00127.0.0.1:8081\x00-s\x00SVC\x00-v\x00CFG\x00-k\x00/k.json",
		"-tN8091\x00-tq=5\x00--service_acc=/k\x00--log_jwt=sub",
		"--client_ip_position\x00-1\x00--dns\x008.8.8.8 8.8.4.4\x00--non_gcp=true",
		"--nosuch\x00value\x00stray\x00--\x00--service=x",
		"--ssl_protocols=TLSv1.2\x00--ssl_protocols\x00TLSv1.3\x00-S\x008443\x00--ssl=1",
		"--no-service_control_enable_api_key_uid_reporting\x00--status=9\x00-z/healthz\x00",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		args := strings.Split(in, "\x00")
		for _, reg := range []*Registry{ESPv1(), ESPv2()} {
			first, err := Parse(reg, args, true)
			if err != nil {
				continue
			}
			printed := Format(first)
			second, err := Parse(reg, printed, true)
			if err != nil {
				t.Fatalf("%s: %q printed as %q fails to parse: %v", reg.Name, args, printed, err)
			}
			f1, p1 := keys(first)
			f2, p2 := keys(second)
			if !slices.Equal(f1, f2) || !slices.Equal(p1, p2) {
				t.Fatalf("%s: round trip changed the flags:\n in:  %q\n out: %q\n %v %q\n %v %q", reg.Name, args, printed, f1, p1, f2, p2)
			}
			_, _ = parseESPv2(args, noEnv)
		}
		for _, input := range []Input{FromArgv, FromESPArgs, FromFile} {
			r, err := Migrate(args, MigrateOptions{Input: input, Env: map[string]string{"CORS_PRESET": "basic"}})
			if err == nil && r.Args == nil {
				t.Fatal("nil Args")
			}
		}
	})
}

// FuzzESPArgs: splitting ESP_ARGS never panics, and split -> JoinESPv2Args -> split gives the
// same items.
func FuzzESPArgs(f *testing.F) {
	for _, seed := range []string{
		"--a=1,--b",
		"^++^--cors_allow_methods=GET,POST,OPTIONS++--cors_allow_credentials",
		"^;^--x=1;--y=2",
		"^|^--a|--b^c",
		"^--a,--b",
		"--a=1, --b",
		"--a=1,",
		"",
		"^^--a",
		"^@@^a+,++b@@;;|##~~::%%+",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, value string) {
		items, err := SplitESPArgs(value)
		if err != nil {
			return
		}
		joined := JoinESPv2Args(items)
		again, err := SplitESPArgs(joined)
		if err != nil || !slices.Equal(items, again) {
			t.Fatalf("%q split to %q, joined as %q, split again to %q (%v)", value, items, joined, again, err)
		}
		_, _ = Migrate(items, MigrateOptions{Input: FromESPArgs})
	})
}

// FuzzReadArgsFile: any file content gives as many positions as items, and never panics.
func FuzzReadArgsFile(f *testing.F) {
	f.Add("# c\n--http_port=8081\n\n-a 127.0.0.1:8080\n--dns \"8.8.8.8 8.8.4.4\"\n")
	f.Fuzz(func(t *testing.T, data string) {
		items, pos := ReadArgsFile("f.txt", []byte(data))
		if len(items) != len(pos) {
			t.Fatalf("%d items, %d positions", len(items), len(pos))
		}
		_, _ = Migrate(items, MigrateOptions{Input: FromFile, Positions: pos})
	})
}
