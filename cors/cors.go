// Package cors is ESPv2's `--cors_preset` for `espctl run`: Envoy's CORS filter with the policy
// ESPv2 puts on its virtual host, plus the two extra routes ESPv2 adds for preflights
// (headers-and-errors.md section 6.1).
//
// The proxy calls three things, in ESPv2's filter order:
//
//	p, err := cors.New(opts)            // once, from the --cors_* flags; nil when CORS is off
//	w = p.Wrap(w, r)                    // every request: CORS headers on every response, local or not
//	if p.Preflight(w, r) { return }     // after X-HTTP-Method-Override, before --healthz, auth and routing
//	... route ...
//	if no route matched && p.RejectUnrouted(w, r, reply) { return } // before the 405/404 replies
//
// All methods of a nil *Policy do nothing, so the proxy needs no "is CORS on" branches.
//
// Relation to `endpoints[].allow_cors` (translate.Config.AllowCORS): that config field is not
// this package's business. It makes translate add an OPTIONS route of Kind "cors" for every
// template, which the proxy forwards to the backend without JWT or API-key checks; the backend
// writes its own CORS headers. With both on, a valid preflight is still answered here (the CORS
// filter runs before the router), and any other OPTIONS request on a defined template reaches
// the backend through its "cors" route instead of the direct 400, which only answers OPTIONS
// requests no route takes.
package cors

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// Presets accepted by --cors_preset.
const (
	PresetBasic = "basic"
	PresetRegex = "cors_with_regex"
)

// Defaults of the --cors_* flags (flags-espv2.md rows 32-38).
const (
	DefaultAllowOrigin   = "*"
	DefaultAllowMethods  = "GET, POST, PUT, PATCH, DELETE, OPTIONS"
	DefaultAllowHeaders  = "DNT,User-Agent,X-User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range,Authorization"
	DefaultExposeHeaders = "Content-Length,Content-Range"
	DefaultMaxAge        = 480 * time.Hour
)

// MsgInvalidPreflight is the text of ESPv2's direct 400 for an OPTIONS request that is not an
// allowed preflight and that no route takes (headers-and-errors.md 2.1), byte for byte.
const MsgInvalidPreflight = "The CORS preflight request is missing one (or more) of the following required headers [Origin, Access-Control-Request-Method] or has an unmatched Origin header."

// maxRegexProgramSize is the program-size cap ESPv2 puts on --cors_allow_origin_regex (Envoy's
// Google RE2 default max_program_size).
const maxRegexProgramSize = 1000

// Options are the --cors_* flags, taken literally: an empty string is an empty flag value,
// not "use the default" (ESPv2 sends no Allow-Methods header for `--cors_allow_methods=`).
// Start from Defaults, or from flags.Options, which already holds the flag defaults.
type Options struct {
	// Preset is --cors_preset: "" (CORS off), "basic" or "cors_with_regex".
	Preset string
	// AllowOrigin is --cors_allow_origin (basic): the one origin allowed, matched exactly and
	// case-sensitively, or "*" for any origin.
	AllowOrigin string
	// AllowOriginRegex is --cors_allow_origin_regex (cors_with_regex): RE2, matched against the
	// whole Origin value, case-sensitive.
	AllowOriginRegex string
	// AllowMethods, AllowHeaders and ExposeHeaders are sent as given; empty sends no header.
	// "*" in AllowMethods / AllowHeaders echoes the preflight's Access-Control-Request-Method /
	// -Headers, as Envoy does.
	AllowMethods  string
	AllowHeaders  string
	ExposeHeaders string
	// AllowCredentials is --cors_allow_credentials.
	AllowCredentials bool
	// MaxAge is --cors_max_age, sent in whole seconds (fractions dropped, as ESPv2's
	// int(seconds) does).
	MaxAge time.Duration
}

// Defaults returns the Options of `--cors_preset=<preset>` with every other --cors_* flag at
// its default (note that cors_with_regex still needs AllowOriginRegex).
func Defaults(preset string) Options {
	return Options{
		Preset:        preset,
		AllowOrigin:   DefaultAllowOrigin,
		AllowMethods:  DefaultAllowMethods,
		AllowHeaders:  DefaultAllowHeaders,
		ExposeHeaders: DefaultExposeHeaders,
		MaxAge:        DefaultMaxAge,
	}
}

// Policy is a validated CORS configuration. A nil *Policy means CORS is off.
type Policy struct {
	preset        string
	allowOrigin   string         // basic
	originRegex   *regexp.Regexp // cors_with_regex, anchored at both ends
	allowMethods  string
	allowHeaders  string
	exposeHeaders string
	credentials   bool
	maxAge        string
}

// New validates opts as ESPv2's configmanager validates the --cors_* flags and returns the
// policy. With an empty Preset it returns (nil, nil): CORS off, and the other fields are ignored,
// as in ESPv2 (the launcher forwards them only together with --cors_preset). The first three
// error texts are configmanager's, byte for byte.
func New(opts Options) (*Policy, error) {
	if opts.Preset == "" {
		return nil, nil
	}
	p := &Policy{
		preset:        opts.Preset,
		allowMethods:  opts.AllowMethods,
		allowHeaders:  opts.AllowHeaders,
		exposeHeaders: opts.ExposeHeaders,
		credentials:   opts.AllowCredentials,
		maxAge:        strconv.FormatInt(int64(opts.MaxAge.Seconds()), 10),
	}
	switch opts.Preset {
	case PresetBasic:
		if opts.AllowOrigin == "" {
			return nil, errors.New("cors_allow_origin cannot be empty when cors_preset=basic")
		}
		p.allowOrigin = opts.AllowOrigin
	case PresetRegex:
		if opts.AllowOriginRegex == "" {
			return nil, errors.New("cors_allow_origin_regex cannot be empty when cors_preset=cors_with_regex")
		}
		re, err := compileOriginRegex(opts.AllowOriginRegex)
		if err != nil {
			return nil, fmt.Errorf("cors_allow_origin_regex: %w", err)
		}
		p.originRegex = re
	default:
		return nil, errors.New(`cors_preset must be either "basic" or "cors_with_regex"`)
	}
	return p, nil
}

// Preset returns the preset in force ("" for a nil policy).
func (p *Policy) Preset() string {
	if p == nil {
		return ""
	}
	return p.preset
}
