// Package quota enforces the config's quota limits for `espctl run` locally, without Google
// Service Control: per consumer, per metric, per minute, charged with each method's metric
// costs, counted in memory or in a Redis shared by every replica.
//
// # Algorithm
//
// Fixed windows aligned to the minute, as Service Control counts `1/min/{project}` limits:
// every limit has one counter per consumer per wall-clock minute (Unix time / 60), and a call
// is admitted when, for every limit its costs touch, used + cost <= limit. Either all its
// costs are charged or none (a call refused by one limit does not use up another). At the
// minute boundary every counter starts from zero. Fixed windows make "exactly N per minute"
// hold across replicas with a single atomic step in Redis, which token buckets shared over
// the network would not; the price is that a client may spend a minute's allowance at the end
// of one minute and again at the start of the next.
//
// The proxy wires it in with a few lines:
//
//	lim, err := quota.New(cfg, quota.Options{Backend: flagQuotaBackend, Logger: log})
//	defer lim.Close()
//	...
//	if rej := lim.Allow(ctx, consumer.QuotaConsumer(), method); rej != nil { reply rej.Status, rej.Message }
//	// on config reload: lim.Reload(newCfg)
package quota

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/espctl/espctl/translate"
)

// FailPolicy says what happens to requests when the quota backend cannot be reached.
type FailPolicy string

const (
	// FailOpen admits requests without counting them (the default, like ESPv2's
	// --service_control_network_fail_policy=open).
	FailOpen FailPolicy = "open"
	// FailClosed refuses requests with 503 until the backend answers again.
	FailClosed FailPolicy = "close"
)

// ParseFailPolicy reads a flag value: open, or close / closed.
func ParseFailPolicy(s string) (FailPolicy, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "open":
		return FailOpen, nil
	case "close", "closed":
		return FailClosed, nil
	}
	return "", fmt.Errorf("quota fail policy %q: want open or close", s)
}

// Options tune a Limiter; the zero value counts in memory.
type Options struct {
	// Backend is "" or "memory" for counters in this process, or a Redis URL
	// (`redis://[user:password@]host:port/db`, `rediss://` for TLS) shared by replicas.
	Backend string
	// FailPolicy applies when Redis cannot be reached; FailOpen when empty.
	FailPolicy FailPolicy
	// Timeout bounds one Redis call, so an unreachable Redis delays a request by at most this
	// much (default 250 ms).
	Timeout time.Duration
	// RetryInterval is how long after a failed Redis call the fail policy is applied without
	// trying Redis again (default 1 s): a dead Redis costs one timeout per interval, not one
	// per request.
	RetryInterval time.Duration
	// Clock decides the minute window; time.Now when nil. Replicas sharing Redis should have
	// synchronized clocks (a skew only moves where a replica's minute starts).
	Clock func() time.Time
	// Logger reports the backend becoming unreachable and reachable again; slog.Default()
	// when nil.
	Logger *slog.Logger
	// KeyPrefix prefixes Redis keys (default "espctl:quota:").
	KeyPrefix string
}

func (o *Options) setDefaults() {
	if o.FailPolicy == "" {
		o.FailPolicy = FailOpen
	}
	if o.Timeout <= 0 {
		o.Timeout = 250 * time.Millisecond
	}
	if o.RetryInterval <= 0 {
		o.RetryInterval = time.Second
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.KeyPrefix == "" {
		o.KeyPrefix = "espctl:quota:"
	}
}

// Limiter admits or refuses calls against the quota limits of a config. It is safe for
// concurrent use.
type Limiter struct {
	opts    Options
	plan    atomic.Pointer[plan]
	backend backend

	mu sync.Mutex
	// downUntil: after a failed backend call, the fail policy applies until then.
	downUntil time.Time
	down      bool
}

// New builds a Limiter for cfg. It fails on limits it cannot enforce (a unit other than
// `1/min/{project}`, no STANDARD value) and on a bad backend URL; an unreachable Redis is not
// an error (the fail policy covers it) but is logged.
func New(cfg *translate.Config, opts Options) (*Limiter, error) {
	opts.setDefaults()
	if opts.FailPolicy != FailOpen && opts.FailPolicy != FailClosed {
		return nil, fmt.Errorf("quota fail policy %q: want open or close", opts.FailPolicy)
	}
	p, err := compile(cfg)
	if err != nil {
		return nil, err
	}
	l := &Limiter{opts: opts}
	l.plan.Store(p)
	switch b := opts.Backend; {
	case b == "" || b == "memory":
		l.backend = newMemory()
	case strings.HasPrefix(b, "redis://") || strings.HasPrefix(b, "rediss://"):
		rb, err := newRedis(b, opts)
		if err != nil {
			return nil, err
		}
		l.backend = rb
		ctx, cancel := context.WithTimeout(context.Background(), opts.Timeout)
		defer cancel()
		if err := rb.ping(ctx); err != nil {
			opts.Logger.Warn("quota backend unreachable at start; requests follow the fail policy until it answers",
				"backend", rb.addr, "fail_policy", string(opts.FailPolicy), "error", err.Error())
		}
	default:
		return nil, fmt.Errorf("quota backend %q: want memory or a redis://host:port/db URL", b)
	}
	return l, nil
}

// Reload switches to the limits of a new config. Counters are kept: a limit with the same
// name goes on counting this minute's calls.
func (l *Limiter) Reload(cfg *translate.Config) error {
	p, err := compile(cfg)
	if err != nil {
		return err
	}
	l.plan.Store(p)
	return nil
}

// Close releases the backend (the Redis connections).
func (l *Limiter) Close() error { return l.backend.close() }

// Allow charges one call of m by consumer (apikey.Consumer.QuotaConsumer(): "" for callers
// without an identified key, who share one allowance) and returns nil when it is within every
// limit, or the 429 to answer. Methods with skip_service_control or no metric costs are never
// counted.
func (l *Limiter) Allow(ctx context.Context, consumer string, m *translate.Method) *Rejection {
	if m == nil || m.APIKey.SkipServiceControl || len(m.QuotaCosts) == 0 {
		return nil
	}
	p := l.plan.Load()
	charges := p.charges(consumer, m.QuotaCosts)
	if len(charges) == 0 {
		return nil
	}
	now := l.opts.Clock()
	if l.skipBackend(now) {
		return l.failed(nil)
	}
	window := now.Unix() / 60
	cctx, cancel := context.WithTimeout(ctx, l.opts.Timeout)
	defer cancel()
	exceeded, err := l.backend.charge(cctx, p.service, window, charges)
	if err != nil {
		if ctx.Err() != nil {
			// The client went away; that says nothing about the backend.
			return l.failed(err)
		}
		l.markDown(now, err)
		return l.failed(err)
	}
	l.markUp()
	if exceeded >= 0 {
		return exhausted(p.service, consumer, charges[exceeded].limit)
	}
	return nil
}

// skipBackend reports whether a recent failure means the fail policy applies without a call.
func (l *Limiter) skipBackend(now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.down && now.Before(l.downUntil)
}

func (l *Limiter) markDown(now time.Time, err error) {
	l.mu.Lock()
	wasDown := l.down
	l.down, l.downUntil = true, now.Add(l.opts.RetryInterval)
	l.mu.Unlock()
	if !wasDown {
		action := "requests are admitted without counting (fail open)"
		if l.opts.FailPolicy == FailClosed {
			action = "requests are refused with 503 (fail closed)"
		}
		l.opts.Logger.Error("quota backend unreachable; "+action, "error", err.Error())
	}
}

func (l *Limiter) markUp() {
	l.mu.Lock()
	wasDown := l.down
	l.down = false
	l.mu.Unlock()
	if wasDown {
		l.opts.Logger.Info("quota backend reachable again; quotas are enforced")
	}
}

// failed applies the fail policy.
func (l *Limiter) failed(error) *Rejection {
	if l.opts.FailPolicy == FailClosed {
		return rejectUnavailable
	}
	return nil
}

// Rejection is why a call was refused: the HTTP status and the message, in ESPv2's
// `<CANONICAL_CODE>: <text>` form (headers-and-errors.md 2.3).
type Rejection struct {
	Status  int
	Message string
}

func (r *Rejection) Error() string { return r.Message }

// rejectUnavailable answers with fail-closed while the backend is unreachable. ESPv2 has no
// such reply (its quota always fails open), so the text is espctl's, in ESPv2's form.
var rejectUnavailable = &Rejection{http.StatusServiceUnavailable, "UNAVAILABLE: Quota backend is unavailable."}

// exhausted is ESPv2's 429 for an AllocateQuota denial, `RESOURCE_EXHAUSTED: <description>`,
// with the description worded as Service Control words it.
func exhausted(service, consumer string, l limit) *Rejection {
	msg := fmt.Sprintf("RESOURCE_EXHAUSTED: Quota exceeded for quota metric '%s' and limit '%s' of service '%s'", l.metric, l.name, service)
	if consumer != "" {
		msg += fmt.Sprintf(" for consumer '%s'", consumer)
	}
	return &Rejection{Status: http.StatusTooManyRequests, Message: msg + "."}
}

// ESPv1Reply is how ESPv1 answered the same situation (headers-and-errors.md 2.6), for
// `--error_format=v1`: quota exhaustion was 403 PERMISSION_DENIED `Quota check failed.` and an
// unreachable Service Control 503 UNAVAILABLE `Failed to connect to service control`. The
// DebugInfo detail is `service_control`.
func (r *Rejection) ESPv1Reply() (status, rpcCode int, message string) {
	if r.Status == http.StatusServiceUnavailable {
		return http.StatusServiceUnavailable, 14, "Failed to connect to service control"
	}
	return http.StatusForbidden, 7, "Quota check failed."
}
