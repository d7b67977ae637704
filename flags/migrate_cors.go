package flags

import (
	"fmt"
	"regexp"
	"strings"
)

var corsValueFlags = []string{"cors_allow_origin", "cors_allow_origin_regex", "cors_allow_methods", "cors_allow_headers", "cors_allow_credentials", "cors_expose_headers"}

// cors migrates the CORS flags (flag-migration.md 2.9) and, for ESP_ARGS, the CORS_PRESET
// variable that ESPv2's launcher no longer reads.
func (m *migration) cors() {
	preset := ""
	if env, ok := m.opts.Env["CORS_PRESET"]; ok && m.serverless() {
		input := "CORS_PRESET=" + env
		switch {
		case m.has("cors_preset"):
			m.fromEnvironment("--cors_preset", input, ActionReplaced, SeverityInfo, nil, "overridden by --cors_preset in ESP_ARGS (ESPv1 appended ESP_ARGS after CORS_PRESET).")
		case env == "basic" || env == "cors_with_regex":
			preset = env
			m.fromEnvironment("--cors_preset", input, ActionReplaced, SeverityInfo, []string{m.emit("cors_preset", env)}, "ESPv2's launcher ignores CORS_PRESET; moved into ESPv2_ARGS.")
		default:
			m.fromEnvironment("--cors_preset", input, ActionRemoved, SeverityWarning, nil, "dropped: ESPv1 produced no CORS headers for %q, and ESPv2 accepts only basic or cors_with_regex.", env)
		}
	}
	if a, ok := m.last["cors_preset"]; ok {
		switch v := strings.TrimSpace(a.Value); v {
		case "basic", "cors_with_regex":
			preset = v
			msg := ""
			if !m.has("cors_allow_headers") {
				msg = "ESPv2's default Access-Control-Allow-Headers adds X-User-Agent; to keep ESPv1's exact list add --cors_allow_headers=" + espv1CORSAllowHeaders + ". "
			}
			msg += "Max-Age is 1728000 s in both (--cors_max_age=480h)."
			m.find(a, ActionKept, SeverityInfo, []string{m.emit("cors_preset", v)}, "%s", msg)
		default:
			m.find(a, ActionRemoved, SeverityWarning, nil, "dropped: ESPv1 produced no CORS headers for %q, and ESPv2's configmanager would refuse the value (only basic and cors_with_regex).", a.Value)
		}
	}
	for _, name := range corsValueFlags {
		a, ok := m.last[name]
		if !ok {
			continue
		}
		if preset == "" {
			m.find(a, ActionRemoved, SeverityInfo, nil, "dropped: no effect without --cors_preset in either version.")
			continue
		}
		switch name {
		case "cors_allow_credentials":
			m.find(a, ActionKept, SeverityInfo, []string{m.emit(name, "")}, "")
		case "cors_allow_origin_regex":
			if preset != "cors_with_regex" {
				m.find(a, ActionKept, SeverityInfo, []string{m.emit(name, a.Value)}, "used only with --cors_preset=cors_with_regex.")
				continue
			}
			re, err := convertOriginRegex(a.Value)
			if err != nil {
				m.find(a, ActionReplaced, SeverityError, nil, "%v", err)
				continue
			}
			m.find(a, ActionReplaced, SeverityInfo, []string{m.emit(name, re)},
				"ESPv1 matched with nginx ~* (PCRE, case-insensitive, anywhere in the Origin); ESPv2 uses RE2, case-sensitive, on the whole Origin. Rewritten to the same meaning.")
		case "cors_allow_origin":
			m.find(a, ActionKept, SeverityInfo, []string{m.emit(name, a.Value)}, "ESPv2 matches the Origin exactly.")
		default:
			m.find(a, ActionKept, SeverityInfo, []string{m.emit(name, a.Value)}, "")
		}
	}
}

// pcreOnly finds syntax RE2 lacks: look-around, back-references, atomic groups, possessive
// quantifiers.
var pcreOnly = regexp.MustCompile(`\(\?[=!]|\(\?<[=!]|\(\?>|\\[1-9]|[*+?}][+]`)

// convertOriginRegex turns an nginx `~*` pattern into an RE2 pattern with the same meaning:
// R -> (?i).*(?:R).* ; or (?i)R when R is anchored at both ends without a top-level `|`.
func convertOriginRegex(r string) (string, error) {
	if pcreOnly.MatchString(r) {
		return "", fmt.Errorf("%q uses PCRE-only syntax (look-around, back-references, atomic groups or possessive quantifiers) that RE2 lacks; rewrite it by hand", r)
	}
	if _, err := regexp.Compile(r); err != nil {
		return "", fmt.Errorf("%q is not valid RE2: %v; rewrite it by hand", r, err)
	}
	out := "(?i).*(?:" + r + ").*"
	if strings.HasPrefix(r, "^") && strings.HasSuffix(r, "$") && !strings.HasSuffix(r, `\$`) && !hasTopLevelAlternation(r) {
		out = "(?i)" + r
	}
	return out, nil
}

func hasTopLevelAlternation(r string) bool {
	depth, inClass := 0, false
	for i := 0; i < len(r); i++ {
		switch c := r[i]; {
		case c == '\\':
			i++
		case inClass:
			inClass = c != ']'
		case c == '[':
			inClass = true
		case c == '(':
			depth++
		case c == ')':
			depth--
		case c == '|' && depth == 0:
			return true
		}
	}
	return false
}
