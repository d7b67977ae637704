package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/espctl/espctl/apikey"
	"github.com/espctl/espctl/cors"
	"github.com/espctl/espctl/flags"
	"github.com/espctl/espctl/headerpolicy"
	"github.com/espctl/espctl/jwtauth"
	"github.com/espctl/espctl/observe"
	"github.com/espctl/espctl/observe/admin"
	"github.com/espctl/espctl/proxy"
	"github.com/espctl/espctl/quota"
)

// runExtras is what `espctl run` starts beside the proxy: API-key store watching, tracing, the
// admin listener. stop ends them after the proxy has drained.
type runExtras struct {
	cancel  context.CancelFunc
	tracing *observe.Tracing
	metrics *observe.Metrics
}

func (rt *runExtras) stop() {
	rt.cancel()
	if rt.tracing != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = rt.tracing.Shutdown(ctx)
	}
}

// addManagement fills in the proxy options for API management and observability from the
// ESPv2 flags and espctl's own run flags.
func addManagement(ctx context.Context, f *runFlags, o *flags.Options, p *proxy.Options, log *slog.Logger) (*runExtras, error) {
	ctx, cancel := context.WithCancel(ctx)
	rt := &runExtras{cancel: cancel}
	ok := false
	defer func() {
		if !ok {
			rt.stop()
		}
	}()

	p.Forwarding = headerpolicy.Forwarding{UseRemoteAddress: o.EnvoyUseRemoteAddress, XFFNumTrustedHops: o.EnvoyXffNumTrustedHops}
	p.HSTS = o.EnableStrictTransportSecurity
	policy, err := cors.New(cors.Options{Preset: o.CorsPreset, AllowOrigin: o.CorsAllowOrigin, AllowOriginRegex: o.CorsAllowOriginRegex,
		AllowMethods: o.CorsAllowMethods, AllowHeaders: o.CorsAllowHeaders, ExposeHeaders: o.CorsExposeHeaders,
		AllowCredentials: o.CorsAllowCredentials, MaxAge: o.CorsMaxAge})
	if err != nil {
		return nil, err
	}
	p.CORS = policy

	switch f.errorFormat {
	case "v2", "":
	case "v1":
		p.ErrorFormatV1 = true
	default:
		return nil, fmt.Errorf("--%s: %q is not v1 or v2", errorFormatFlagName, f.errorFormat)
	}
	switch f.userinfoFormat {
	case "v1", "v2", "":
	default:
		return nil, fmt.Errorf("--%s: %q is not v1 or v2", userinfoFormatFlagName, f.userinfoFormat)
	}
	prefix := flagString(o, "generated_header_prefix", "X-Endpoint-")
	p.JWT = jwtauth.Options{
		CacheDuration:                   time.Duration(flagInt(o, "jwks_cache_duration_in_s", 300)) * time.Second,
		FetchTimeout:                    time.Duration(o.HTTPRequestTimeoutS) * time.Second,
		UserInfoFormat:                  f.userinfoFormat,
		GeneratedHeaderPrefix:           prefix,
		PadForwardPayloadHeader:         flagBool(o, "jwt_pad_forward_payload_header"),
		DisableAudienceServiceNameCheck: flagBool(o, "disable_jwt_audience_service_name_check"),
		DisableOIDCDiscovery:            flagBool(o, "disable_oidc_discovery"),
		JWTCacheSize:                    flagInt(o, "jwt_cache_size", jwtauth.DefaultJWTCacheSize),
		DisableJWTCache:                 flagInt(o, "jwt_cache_size", jwtauth.DefaultJWTCacheSize) == 0,
		Logf:                            func(format string, args ...any) { log.Warn(fmt.Sprintf(format, args...)) },
	}
	p.ConsumerHeaders = apikey.HeaderOptions{Prefix: prefix, ESPv1ProjectID: f.userinfoFormat == "v1"}

	if f.apiKeysFile != "" {
		keys, err := apikey.Open(f.apiKeysFile, apikey.Options{Logger: log})
		if err != nil {
			return nil, err
		}
		go keys.Watch(ctx, time.Second)
		p.APIKeys = keys
		policy, err := quota.ParseFailPolicy(f.quotaFailPolicy)
		if err != nil {
			return nil, err
		}
		p.Quota = &quota.Options{Backend: f.quotaBackend, FailPolicy: policy, Logger: log}
		// go-redis reports failed dials itself; the limiter already logs when Redis goes away.
		redis.SetLogger(quietRedisLogger{})
		log.Info("API keys and quotas on", "key_store", f.apiKeysFile, "quota_backend", cmpOr(f.quotaBackend, "memory"), "quota_fail_policy", f.quotaFailPolicy)
	} else if f.quotaBackend != "" {
		return nil, fmt.Errorf("--%s needs --%s: quotas are charged to the API key's consumer", quotaBackendFlagName, apiKeysFileFlagName)
	} else {
		log.Info("API keys and quotas off: no --" + apiKeysFileFlagName)
	}

	metrics, err := observe.NewMetrics(nil)
	if err != nil {
		return nil, err
	}
	rt.metrics = metrics
	tracing, err := observe.NewTracing(observe.TracingOptions{
		OTLPEndpoint: f.otlpEndpoint,
		SampleRate:   flagFloat(o, "tracing_sample_rate", observe.DefaultSampleRate),
		// ESPv2 turns tracing off with --non_gcp (no Cloud Trace); an OTLP endpoint the user
		// gave is meant to trace, so only an explicit --disable_tracing wins over it.
		Disabled:    f.otlpEndpoint == "" || (o.DisableTracing && o.IsSet("disable_tracing")),
		Incoming:    splitList(flagString(o, "tracing_incoming_context", "traceparent,x-cloud-trace-context")),
		Outgoing:    splitList(flagString(o, "tracing_outgoing_context", "traceparent,x-cloud-trace-context")),
		ServiceName: "espctl",
	})
	if err != nil {
		return nil, err
	}
	rt.tracing = tracing
	p.Observer = &observe.Observer{Metrics: metrics, Tracing: tracing}
	ok = true
	return rt, nil
}

// serveAdmin starts the admin listener (--admin_port, loopback by default) once the proxy runs.
func (rt *runExtras) serveAdmin(f *runFlags, o *flags.Options, h *proxy.Handler, log *slog.Logger) {
	if o.AdminPort <= 0 {
		return
	}
	ah := admin.New(admin.Options{Pprof: f.adminPprof}, h, rt.metrics)
	ctx, cancel := context.WithCancel(context.Background())
	prev := rt.cancel
	rt.cancel = func() { cancel(); prev() }
	go func() {
		err := admin.Serve(ctx, f.adminAddress, o.AdminPort, ah, func(a net.Addr) {
			log.Info("admin listening", "address", a.String(), "pages", "/ /metrics /healthz /config")
		})
		if err != nil && ctx.Err() == nil {
			log.Error("admin listener stopped", "error", err.Error())
		}
	}()
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

type quietRedisLogger struct{}

func (quietRedisLogger) Printf(context.Context, string, ...any) {}

func flagString(o *flags.Options, name, def string) string {
	if v, ok := o.Value(name); ok {
		if s, ok := v.(string); ok && s != "" {
			return s
		}
	}
	return def
}

func flagInt(o *flags.Options, name string, def int) int {
	v, ok := o.Value(name)
	if !ok {
		return def
	}
	switch n := v.(type) {
	case int:
		return n
	case int64:
		return int(n)
	case uint:
		return int(n)
	case uint64:
		return int(n)
	case float64:
		return int(n)
	}
	return def
}

func flagFloat(o *flags.Options, name string, def float64) float64 {
	if v, ok := o.Value(name); ok {
		if f, ok := v.(float64); ok {
			return f
		}
	}
	return def
}

func flagBool(o *flags.Options, name string) bool {
	v, _ := o.Value(name)
	b, _ := v.(bool)
	return b
}
