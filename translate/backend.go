package translate

import (
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"

	"google.golang.org/genproto/googleapis/api/serviceconfig"
)

const (
	// defaultDeadlineSeconds is ESPv2's response deadline when a rule sets none.
	defaultDeadlineSeconds = 15
	// minIdleTimeoutSeconds is ESPv2's floor for stream idle timeouts (5 minutes).
	minIdleTimeoutSeconds = 300
)

// Backend protocols.
const (
	ProtocolHTTP1 = "http/1.1"
	ProtocolHTTP2 = "h2"
	ProtocolGRPC  = "grpc"
)

// buildBackends sets the local backend, decides whether some backend is gRPC, and gives every
// method its backend from the last `backend.rules` entry with its selector.
func (b *builder) buildBackends() error {
	local, err := localBackend(b.opts.Backend)
	if err != nil {
		return err
	}
	b.cfg.LocalBackend = local
	b.cfg.GRPCBackend = b.anyGRPCBackend()

	rules := map[string]*serviceconfig.BackendRule{}
	for _, r := range b.svc.GetBackend().GetRules() {
		if !isDiscovery(r.GetSelector()) {
			rules[r.GetSelector()] = r // last one wins
		}
	}
	for _, m := range b.methods {
		if b.cfg.GRPCBackend && m.API != "" {
			m.GRPCPath = "/" + m.API + "/" + m.Name
		}
		r := rules[m.Selector]
		be, err := b.ruleBackend(r, m.streaming())
		if err != nil {
			return fmt.Errorf("backend rule for operation (%s): %w", m.Selector, err)
		}
		m.Backend = be
		if over := r.GetOverridesByRequestProtocol()["http"]; over != nil && !b.opts.EnableBackendAddressOverride {
			if over.GetAddress() == "" {
				return fmt.Errorf("HTTP backend rule for selector %q has empty address", m.Selector)
			}
			hb, err := b.ruleBackend(over, m.streaming())
			if err != nil {
				return fmt.Errorf("HTTP backend rule for operation (%s): %w", m.Selector, err)
			}
			m.HTTPBackend = &hb
		}
	}
	for i := range b.cfg.APIs {
		b.cfg.APIs[i].GRPC = b.cfg.GRPCBackend
	}
	return nil
}

// localBackend parses --backend. Unlike rule addresses, a value without a scheme gets
// `http://` (the launcher's default), and it has no protocol field: http(s) means HTTP/1.1.
func localBackend(flag string) (Backend, error) {
	if flag == "" {
		flag = DefaultBackend
	}
	if !strings.Contains(flag, "://") {
		flag = "http://" + flag
	}
	be, err := parseBackendAddress(flag, "")
	if err != nil {
		return Backend{}, fmt.Errorf("--backend %s: %w", flag, err)
	}
	be.Local = true
	be.DeadlineSeconds = defaultDeadlineSeconds
	be.IdleTimeoutSeconds = idleTimeout(defaultDeadlineSeconds, false, false)
	return be, nil
}

// anyGRPCBackend is ESPv2's test for "some backend is gRPC": the --backend scheme, else
// (unless every address is overridden) the first backend rule that decides: no at the first
// rule without an address, yes at the first one with a grpc(s) address.
func (b *builder) anyGRPCBackend() bool {
	if b.cfg.LocalBackend.Protocol == ProtocolGRPC {
		return true
	}
	if b.opts.EnableBackendAddressOverride {
		return false
	}
	for _, r := range b.svc.GetBackend().GetRules() {
		addr := strings.ToLower(r.GetAddress())
		if addr == "" {
			return false
		}
		if strings.HasPrefix(addr, "grpc://") || strings.HasPrefix(addr, "grpcs://") {
			return true
		}
	}
	return false
}

// ruleBackend interprets one backend rule (nil means no rule: local backend, defaults).
func (b *builder) ruleBackend(r *serviceconfig.BackendRule, streaming bool) (Backend, error) {
	addr := r.GetAddress()
	if b.opts.EnableBackendAddressOverride {
		addr = "" // every operation goes to --backend; the rule's other fields still apply
	}
	var be Backend
	if addr == "" {
		be = b.cfg.LocalBackend
		be.Local = true
	} else {
		var err error
		if be, err = parseBackendAddress(addr, r.GetProtocol()); err != nil {
			return Backend{}, err
		}
		be.Address = addr
		// Path translation applies only to rules with an address.
		if pt := r.GetPathTranslation(); pt != serviceconfig.BackendRule_PATH_TRANSLATION_UNSPECIFIED {
			be.PathTranslation = pt.String()
		}
	}

	deadline, set := ruleDeadline(r.GetDeadline())
	be.DeadlineSeconds = deadline
	be.IdleTimeoutSeconds = idleTimeout(deadline, set, streaming)

	switch {
	case r.GetJwtAudience() != "":
		be.JWTAudience = r.GetJwtAudience()
	case r.GetDisableAuth():
		be.DisableAuth = true
	case addr != "":
		be.JWTAudience = derivedAudience(be)
	}
	if b.opts.NonGCP {
		// Minting ID tokens needs the metadata server or IAM; ESPv2 drops them with a warning.
		be.JWTAudience = ""
	}
	return be, nil
}

// ruleDeadline returns the deadline in seconds, rounded to the millisecond, and whether the
// rule set a usable one (unset, zero and negative give the 15 s default).
func ruleDeadline(d float64) (float64, bool) {
	if !(d > 0) || math.IsInf(d, 0) {
		return defaultDeadlineSeconds, false
	}
	r := math.Round(d*1000) / 1000
	if r == 0 {
		r = 0.001 // a zero route timeout would mean "no timeout" to Envoy
	}
	return r, true
}

// idleTimeout is ESPv2's stream idle timeout: it keeps a 504 ahead of a 408 for unary calls
// and bounds silent streams.
func idleTimeout(deadline float64, set, streaming bool) float64 {
	if streaming && set {
		return deadline
	}
	if streaming {
		return math.Max(defaultDeadlineSeconds+1, minIdleTimeoutSeconds)
	}
	return math.Max(deadline+1, minIdleTimeoutSeconds)
}

// derivedAudience is the ID-token audience ESPv2 derives from an address: scheme (https when
// TLS) and hostname only.
func derivedAudience(be Backend) string {
	if be.TLS {
		return "https://" + be.Host
	}
	return "http://" + be.Host
}

// parseBackendAddress splits a backend rule address as ESPv2 does: `https://` when there is
// no scheme, default ports 443/80, the path without one trailing slash, the query dropped.
func parseBackendAddress(addr, protocol string) (Backend, error) {
	raw := addr
	if !strings.Contains(raw, "://") {
		raw = "https://" + raw
	}
	scheme, rest, _ := strings.Cut(raw, "://")
	scheme = strings.ToLower(scheme)
	var be Backend
	switch scheme {
	case "http", "https":
		switch strings.ToLower(protocol) {
		case "", ProtocolHTTP1:
			be.Protocol = ProtocolHTTP1
		case ProtocolHTTP2:
			be.Protocol = ProtocolHTTP2
		default:
			return Backend{}, fmt.Errorf(`unknown backend http protocol [%s], should be one of "http/1.1", "h2", or not set`, protocol)
		}
	case "grpc", "grpcs":
		be.Protocol = ProtocolGRPC // protocol is ignored for gRPC
	default:
		return Backend{}, fmt.Errorf(`unknown backend scheme [%s], should be one of "http(s)" or "grpc(s)"`, scheme)
	}
	u, err := url.Parse(scheme + "://" + rest)
	if err != nil {
		return Backend{}, fmt.Errorf("invalid backend address %q: %w", addr, err)
	}
	if u.Hostname() == "" {
		return Backend{}, fmt.Errorf("invalid backend address %q: no host", addr)
	}
	be.Scheme = scheme
	be.TLS = strings.HasSuffix(scheme, "s")
	be.Host = u.Hostname()
	be.Port = 80
	if be.TLS {
		be.Port = 443
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n <= 0 || n > 65535 {
			return Backend{}, fmt.Errorf("invalid backend address %q: port %s out of range", addr, p)
		}
		be.Port = n
	}
	be.Path = strings.TrimSuffix(u.Path, "/")
	return be, nil
}
