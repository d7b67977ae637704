// Package jwtauth is JWT authentication for `espctl run`, faithful to ESPv2 (Envoy's jwt_authn
// filter with jwt_verify_lib): the providers and per-method requirements of a translate.Config,
// keys from JWKS URLs or local files, ESPv2's exact error messages, and the
// X-Endpoint-API-UserInfo header for the backend (ESPv2's form or ESPv1's).
//
// The proxy builds one Authenticator per config:
//
//	a, err := jwtauth.New(cfg, jwtauth.Options{})
//	defer a.Close()
//	...
//	res, rej := a.Authenticate(r, method) // nil, nil: no JWT needed or allowed without one
//	if rej != nil { reply rej.Status, rej.Message, rej.WWWAuthenticate }
//	a.SetBackendHeaders(out.Header, res) // on every request, res may be nil
//
// docs/security.md says what is checked and what fails open or closed.
package jwtauth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/textproto"
	"sort"
	"strings"
	"time"

	"github.com/espctl/espctl/translate"
)

// Options tune an Authenticator; the zero value is ESPv2's defaults.
type Options struct {
	// HTTPClient fetches JWKS and discovery documents; http.DefaultClient when nil.
	HTTPClient *http.Client
	// Clock is the time used for exp/nbf and cache expiry; time.Now when nil.
	Clock func() time.Time
	// CacheDuration is how long keys stay fresh when the JWKS response has no Cache-Control
	// max-age (--jwks_cache_duration_in_s, default 300 s). Local files are re-read this often.
	CacheDuration time.Duration
	// FetchTimeout bounds one JWKS or discovery fetch, and so the wait of a request that needs
	// keys (--http_request_timeout_s, default 30 s).
	FetchTimeout time.Duration
	// UnknownKIDRefreshInterval is the least time between two refreshes caused by tokens with a
	// kid the cached set lacks (default 30 s), so random kids cannot make the proxy hammer the
	// JWKS server.
	UnknownKIDRefreshInterval time.Duration
	// UserInfoFormat is "v2" (default, ESPv2: the raw payload segment) or "v1" (ESPv1's JSON).
	UserInfoFormat string
	// GeneratedHeaderPrefix prefixes generated backend headers (--generated_header_prefix,
	// default "X-Endpoint-").
	GeneratedHeaderPrefix string
	// PadForwardPayloadHeader adds `=` padding to the v2 header (--jwt_pad_forward_payload_header).
	PadForwardPayloadHeader bool
	// DisableAudienceServiceNameCheck turns off the default audience `https://<service>` for
	// providers without audiences (--disable_jwt_audience_service_name_check).
	DisableAudienceServiceNameCheck bool
	// DisableOIDCDiscovery makes a provider without jwks_uri an error (--disable_oidc_discovery).
	DisableOIDCDiscovery bool
	// MaxTokenBytes refuses longer tokens before decoding them (default DefaultMaxTokenBytes).
	MaxTokenBytes int
	// JWTCacheSize is how many verified tokens are remembered (--jwt_cache_size, default
	// DefaultJWTCacheSize); DisableJWTCache turns the cache off (ESPv2's `--jwt_cache_size=0`).
	JWTCacheSize    int
	DisableJWTCache bool
	// Logf reports background JWKS failures; nil discards them.
	Logf func(format string, args ...any)
}

func (o *Options) setDefaults() {
	if o.HTTPClient == nil {
		o.HTTPClient = http.DefaultClient
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.CacheDuration <= 0 {
		o.CacheDuration = 300 * time.Second
	}
	if o.FetchTimeout <= 0 {
		o.FetchTimeout = 30 * time.Second
	}
	if o.UnknownKIDRefreshInterval <= 0 {
		o.UnknownKIDRefreshInterval = 30 * time.Second
	}
	if o.UserInfoFormat == "" {
		o.UserInfoFormat = UserInfoV2
	}
	if o.GeneratedHeaderPrefix == "" {
		o.GeneratedHeaderPrefix = "X-Endpoint-"
	}
	if o.JWTCacheSize <= 0 {
		o.JWTCacheSize = DefaultJWTCacheSize
	}
	if o.MaxTokenBytes <= 0 {
		o.MaxTokenBytes = DefaultMaxTokenBytes
	}
}

// UserInfo formats.
const (
	UserInfoV2 = "v2"
	UserInfoV1 = "v1"
)

// Authenticator checks requests against a config's JWT rules. It is safe for concurrent use.
type Authenticator struct {
	opts      Options
	service   string
	providers map[string]*provider
	cache     *verifiedCache // nil when disabled
	// userInfoHeaders are the canonical names SetBackendHeaders removes and sets, worked out
	// once rather than per request: the configured one first, then the default one.
	userInfoHeaders [2]string
}

// provider is one AuthProvider with its keys.
type provider struct {
	id        string
	issuer    string
	audiences []string // nil: no audience check
	locations []translate.JWTLocation
	keys      *keySource
}

// Result is a verified request: the provider that accepted it and the token's claims. Its
// slices and map are shared with the verified-token cache: read them, never modify them.
type Result struct {
	ProviderID string
	Issuer     string
	Subject    string
	// Email is the `email` claim when it is a string.
	Email     string
	Audiences []string
	// Claims are the token's claims by name, each the raw JSON value (for logging selected
	// claims, --log_jwt_payloads).
	Claims map[string]json.RawMessage
	// Payload is the decoded claims JSON exactly as the client sent it; PayloadSegment is its
	// base64url form as received (ESPv2's X-Endpoint-API-UserInfo value).
	Payload        []byte
	PayloadSegment string
}

// New builds an Authenticator for cfg's providers. Local key files are read now (an unusable
// file is an error, as an invalid inline JWKS stops Envoy); remote JWKS are fetched in the
// background right away and refreshed as they expire. Close stops that.
func New(cfg *translate.Config, opts Options) (*Authenticator, error) {
	if cfg == nil {
		return nil, errors.New("jwtauth: nil config")
	}
	if opts.UserInfoFormat != "" && opts.UserInfoFormat != UserInfoV1 && opts.UserInfoFormat != UserInfoV2 {
		return nil, fmt.Errorf("jwtauth: user info format %q: want %q or %q", opts.UserInfoFormat, UserInfoV2, UserInfoV1)
	}
	opts.setDefaults()
	a := &Authenticator{opts: opts, service: cfg.Service, providers: map[string]*provider{}}
	a.userInfoHeaders = [2]string{
		textproto.CanonicalMIMEHeaderKey(UserInfoHeader(opts.GeneratedHeaderPrefix)),
		textproto.CanonicalMIMEHeaderKey(UserInfoHeader("")),
	}
	if !opts.DisableJWTCache {
		a.cache = newVerifiedCache(opts.JWTCacheSize, opts.CacheDuration)
	}
	for _, ap := range cfg.Providers {
		if ap.JWKSURI == "" && opts.DisableOIDCDiscovery {
			a.Close()
			return nil, fmt.Errorf("error processing authentication provider (%s): jwks_uri is empty, but OpenID Connect Discovery is disabled via startup option. Consider specifying the jwks_uri in the provider config", ap.ID)
		}
		p := &provider{
			id:        ap.ID,
			issuer:    ap.Issuer,
			audiences: a.defaultAudiences(ap.Audiences),
			locations: ap.Locations,
			keys:      newKeySource(ap.JWKSURI, ap.Issuer, &a.opts),
		}
		if len(p.locations) == 0 {
			// translate.Build always fills them; a hand-built config without any must not
			// silently refuse every token.
			p.locations = DefaultLocations
		}
		if old := a.providers[ap.ID]; old != nil {
			old.keys.close() // a repeated id: the last provider wins, as in Envoy
		}
		a.providers[ap.ID] = p
		if p.keys.file {
			if err := p.keys.refresh(); err != nil {
				a.Close()
				return nil, fmt.Errorf("error processing authentication provider (%s): jwks file %s: %w", ap.ID, ap.JWKSURI, err)
			}
			continue
		}
		p.keys.runRefresher()
	}
	for _, m := range cfg.Methods {
		if m.Auth == nil {
			continue
		}
		for _, pr := range m.Auth.Providers {
			if a.providers[pr.ProviderID] == nil {
				a.Close()
				return nil, fmt.Errorf("authentication rule for operation (%s): Required provider ['%s'] is not configured.", m.Selector, pr.ProviderID)
			}
		}
	}
	return a, nil
}

// WaitReady waits until every provider's keys were loaded once, or failed to load, or ctx
// ends. ESPv2 fetches the JWKS before it starts serving (unless --disable_jwks_async_fetch);
// the proxy can call this before it listens. The error joins the providers' failures; serving
// anyway is safe, as requests needing missing keys are refused.
func (a *Authenticator) WaitReady(ctx context.Context) error {
	var errs []error
	for _, id := range a.providerIDs() {
		if _, err := a.providers[id].keys.keys(ctx, ""); err != nil {
			errs = append(errs, fmt.Errorf("authentication provider (%s): %w", id, err))
		}
	}
	return errors.Join(errs...)
}

func (a *Authenticator) providerIDs() []string {
	ids := make([]string, 0, len(a.providers))
	for id := range a.providers {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// defaultAudiences is ESPv2's rule: the configured audiences, else `https://<service>`, else
// (with the check disabled) none, which means `aud` is not checked.
func (a *Authenticator) defaultAudiences(configured []string) []string {
	if len(configured) > 0 {
		return configured
	}
	if a.opts.DisableAudienceServiceNameCheck {
		return nil
	}
	return []string{"https://" + a.service}
}

// Close stops background refreshes and waits for fetches in flight. Safe to call twice.
func (a *Authenticator) Close() {
	for _, p := range a.providers {
		p.keys.close()
	}
}

// Authenticate checks r against m's JWT requirement. It returns nil, nil when m needs no JWT,
// or when m allows requests without credentials and none was sent; a Result when a provider
// accepted every token it found; a Rejection otherwise. The wait for keys is bounded by
// FetchTimeout and r's context.
func (a *Authenticator) Authenticate(r *http.Request, m *translate.Method) (*Result, *Rejection) {
	if m == nil || m.Auth == nil || len(m.Auth.Providers) == 0 {
		return nil, nil
	}
	rt := newRequestTokens(r)
	var failures []*failure
	for _, pr := range m.Auth.Providers {
		p := a.providers[pr.ProviderID]
		if p == nil {
			failures = append(failures, errUnknownIssuer) // New refuses such configs
			continue
		}
		audiences := p.audiences
		if len(pr.Audiences) > 0 {
			audiences = pr.Audiences // a requirement's audiences replace the provider's
		}
		res, f := a.verifyProvider(r, p, rt.extract(p.locations), audiences)
		if f == nil {
			return res, nil
		}
		failures = append(failures, f)
	}
	f := pickFailure(failures)
	if f == errMissing && m.Auth.AllowWithoutCredential {
		return nil, nil
	}
	return nil, &Rejection{Status: f.status, Message: f.message, Reason: f.reason, WWWAuthenticate: wwwAuthenticate(r, f)}
}

// verifyProvider checks every token found for p; all must verify.
func (a *Authenticator) verifyProvider(r *http.Request, p *provider, tokens []string, audiences []string) (*Result, *failure) {
	if len(tokens) == 0 {
		return nil, errMissing
	}
	var first *token
	for _, raw := range tokens {
		t, f := a.verifyToken(r.Context(), p, raw, audiences)
		if f != nil {
			return nil, f
		}
		if first == nil {
			first = t
		}
	}
	return &Result{
		ProviderID:     p.id,
		Issuer:         first.iss,
		Subject:        first.sub,
		Email:          first.email,
		Audiences:      first.aud,
		Claims:         first.claims,
		Payload:        first.payload,
		PayloadSegment: first.payloadSegment,
	}, nil
}

// maxRealmPath is Envoy's limit on the path in the realm.
const maxRealmPath = 256

// wwwAuthenticate is Envoy's challenge: the original URI without its query, the path cut at
// 256 bytes, and `error="invalid_token"` unless the token was missing.
func wwwAuthenticate(r *http.Request, f *failure) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := r.Header.Get("X-Forwarded-Proto"); p != "" {
		scheme = p
	}
	path := r.URL.EscapedPath()
	if len(path) > maxRealmPath {
		path = path[:maxRealmPath]
	}
	v := `Bearer realm="` + scheme + "://" + r.Host + path + `"`
	if f != errMissing {
		v += `, error="invalid_token"`
	}
	return strings.ReplaceAll(v, "\n", "")
}
