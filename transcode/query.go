package transcode

import (
	"net/url"
	"slices"
	"strings"

	"github.com/espctl/espctl/translate"
)

// ParseQuery decodes a raw query string the way ESPv2's transcoder reads it: parameters split
// on `&`, a parameter without `=` (or with an empty name) is skipped, values are
// percent-decoded and `+` in them becomes a space unless disableUnescapePlus
// (--transcoding_query_parameters_disable_unescape_plus). Names are taken as sent, not decoded
// (ESPv2 splits the raw name on `.` to find the field, so `book%2Etitle` names no field).
// Malformed escapes are kept as sent rather than failing the request.
func ParseQuery(rawQuery string, disableUnescapePlus bool) url.Values {
	v := url.Values{}
	for rawQuery != "" {
		var param string
		param, rawQuery, _ = strings.Cut(rawQuery, "&")
		name, value, ok := strings.Cut(param, "=")
		if !ok || name == "" {
			continue
		}
		v[name] = append(v[name], unescapeQuery(value, disableUnescapePlus))
	}
	return v
}

func unescapeQuery(s string, keepPlus bool) string {
	if !strings.ContainsAny(s, "%+") {
		return s
	}
	if !keepPlus {
		s = strings.ReplaceAll(s, "+", " ")
	}
	if !strings.Contains(s, "%") {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			hi, _ := hexVal(s[i+1])
			lo, _ := hexVal(s[i+2])
			b = append(b, hi<<4|lo)
			i += 2
			continue
		}
		b = append(b, s[i])
	}
	return string(b)
}

func hexVal(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// IgnoredQueryParameters is the list for Options.IgnoreQueryParameters that ESPv2 derives from
// the config (proxy-behavior.md section 6): `key` and `api_key` when some method reads API keys
// from the default locations, every custom API-key query name, `access_token` when some JWT
// provider uses the default locations, every custom JWT query name, then extra
// (--transcoding_ignore_query_parameters). The result is sorted and without duplicates.
func IgnoredQueryParameters(cfg *translate.Config, extra []string) []string {
	seen := map[string]bool{}
	if cfg != nil {
		for _, m := range cfg.Methods {
			if len(m.APIKey.Locations) == 0 {
				seen["key"], seen["api_key"] = true, true
			}
			for _, l := range m.APIKey.Locations {
				if l.Query != "" {
					seen[l.Query] = true
				}
			}
		}
		for _, p := range cfg.Providers {
			if len(p.Locations) == 0 {
				seen["access_token"] = true
			}
			for _, l := range p.Locations {
				if l.Query != "" {
					seen[l.Query] = true
				}
			}
		}
	}
	for _, e := range extra {
		if e = strings.TrimSpace(e); e != "" {
			seen[e] = true
		}
	}
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
