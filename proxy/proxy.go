// Package proxy is the `espctl run` engine: an http.Handler that serves a translate.Config the
// way ESPv2 (Envoy) serves it on the wire, and a Server that puts it on one port.
//
// A request goes through the same steps, in the same order, as ESPv2's filter chain
// (docs/run.md has the long form):
//
//  1. strip the headers Envoy strips, work out the client IP, X-Forwarded-For and
//     X-Request-Id (headerpolicy); reject header names with '_' (unless
//     Options.UnderscoresInHeaders);
//  2. apply X-HTTP-Method-Override;
//  3. answer CORS preflights (Options.CORS) and --healthz locally;
//  4. normalize the path (dot segments, unreserved escapes, merged slashes);
//  5. route: first Config.Routes entry whose template and method match, else 405 when some
//     template matches with another method, else 404;
//  6. API management: JWT authentication, API key, quota (management.go);
//  7. forward: gRPC requests pass through to gRPC backends; JSON requests to gRPC backends are
//     transcoded; HTTP backends get ESPv2's path translation;
//  8. record metrics and the trace, and log one JSON line per request.
//
// The handler's whole state (routes, backends, transcoders) is built from one Config and
// swapped atomically, so a reload never serves a request from a half-built config.
package proxy

import (
	"crypto/tls"
	"log/slog"
	"time"

	"github.com/espctl/espctl/apikey"
	"github.com/espctl/espctl/cors"
	"github.com/espctl/espctl/headerpolicy"
	"github.com/espctl/espctl/jwtauth"
	"github.com/espctl/espctl/observe"
	"github.com/espctl/espctl/quota"
	"github.com/espctl/espctl/transcode"
)

// Options are the start-up options of the engine that are not part of translate.Config.
type Options struct {
	// UnderscoresInHeaders is --underscores_in_headers: allow header names with '_'.
	UnderscoresInHeaders bool
	// DisableNormalizePath is --disable_normalize_path.
	DisableNormalizePath bool
	// DisableMergeSlashes is --disable_merge_slashes_in_path.
	DisableMergeSlashes bool
	// BackendTLS configures TLS to https:// and grpcs:// backends (roots, client certificate).
	// Nil means the system roots and no client certificate.
	BackendTLS *tls.Config
	// DefaultDeadline is the response deadline of unary operations whose backend has none
	// (ESPv2: 15 s).
	DefaultDeadline time.Duration
	// Transcoding holds the --transcoding_* flags.
	Transcoding transcode.Options
	// Logger receives the access log (one JSON line per request) and start-up messages.
	// Nil discards them.
	Logger *slog.Logger

	// Forwarding is --envoy_use_remote_address and --envoy_xff_num_trusted_hops.
	Forwarding headerpolicy.Forwarding
	// CORS is the --cors_* policy; nil when --cors_preset is not set.
	CORS *cors.Policy
	// HSTS is --enable_strict_transport_security.
	HSTS bool
	// ErrorFormatV1 is --error_format=v1: the proxy's own error bodies as ESPv1 wrote them.
	ErrorFormatV1 bool
	// JWT configures JWT authentication; an authenticator is built from each config.
	JWT jwtauth.Options
	// APIKeys checks API keys against a key store (--api_keys_file); nil turns API keys off.
	APIKeys *apikey.Checker
	// ConsumerHeaders configures X-Endpoint-API-Consumer-* (and ESPv1's Project-ID).
	ConsumerHeaders apikey.HeaderOptions
	// Quota configures quotas (--quota_backend); nil turns them off. Quotas are charged to the
	// API key's consumer, so they apply only with APIKeys.
	Quota *quota.Options
	// Observer records metrics and traces; nil records nothing.
	Observer *observe.Observer
}

// defaultDeadline is ESPv2's route timeout when a backend rule sets no deadline.
const defaultDeadline = 15 * time.Second

func (o Options) deadline() time.Duration {
	if o.DefaultDeadline > 0 {
		return o.DefaultDeadline
	}
	return defaultDeadline
}

func (o Options) logger() *slog.Logger {
	if o.Logger != nil {
		return o.Logger
	}
	return slog.New(slog.DiscardHandler)
}
