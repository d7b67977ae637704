package cors

import (
	"fmt"
	"regexp"
	"regexp/syntax"
)

// compileOriginRegex compiles --cors_allow_origin_regex the way Envoy uses it: RE2 syntax, a
// full match of the Origin value (so it is anchored here), and refused when the program is
// larger than maxRegexProgramSize, because Envoy rejects such a config and ESPv2 would not
// start.
//
// The size is the instruction count of Go's compiled program for the simplified regex. RE2
// counts its own instructions, so the two limits are close but not identical near 1000; a
// pattern far below or far above the cap gets the same verdict from both.
func compileOriginRegex(expr string) (*regexp.Regexp, error) {
	parsed, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return nil, fmt.Errorf("not an RE2 regular expression: %w", err)
	}
	prog, err := syntax.Compile(parsed.Simplify())
	if err != nil {
		return nil, fmt.Errorf("not an RE2 regular expression: %w", err)
	}
	if n := len(prog.Inst); n > maxRegexProgramSize {
		return nil, fmt.Errorf("regex program size %d is larger than the max allowed %d", n, maxRegexProgramSize)
	}
	return regexp.Compile(`\A(?:` + expr + `)\z`)
}
