package grpcconfig

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	"google.golang.org/genproto/googleapis/api/serviceconfig"
)

// checkBackendRules checks each backend rule as written (before selector expansion, so each
// problem is reported once, at the rule the user wrote).
func (c *compiler) checkBackendRules() {
	for i, r := range c.svc.GetBackend().GetRules() {
		field := fmt.Sprintf("backend.rules[%d]", i)
		scheme := ""
		if addr := r.GetAddress(); addr != "" {
			scheme = c.checkAddress(join(field, "address"), addr)
		}
		if c.pos.Has(join(field, "deadline")) && r.GetDeadline() <= 0 {
			c.report(RuleDeadline, join(field, "deadline"), "give the deadline in seconds, for example 15.0 (ESPv2 replaces a non-positive deadline with 15s)", "deadline %v is not positive", r.GetDeadline())
		}
		if r.GetPathTranslation() != serviceconfig.BackendRule_PATH_TRANSLATION_UNSPECIFIED && strings.HasPrefix(scheme, "grpc") {
			c.report(RuleGRPCPathTransl, join(field, "path_translation"), "remove path_translation: gRPC backends are called at /<package.Service>/<Method>", "path_translation %s on the gRPC backend %q", r.GetPathTranslation(), r.GetAddress())
		}
		if o, ok := r.GetOverridesByRequestProtocol()["http"]; ok {
			of := join(field, "overrides_by_request_protocol.http")
			if o.GetAddress() == "" {
				c.report(RuleBackendHostPort, of, "give the HTTP override an address, or remove it", "HTTP backend rule for selector %q has empty address", r.GetSelector())
			} else {
				c.checkAddress(join(of, "address"), o.GetAddress())
			}
		}
		switch strings.ToLower(r.GetProtocol()) {
		case "", "http/1.1", "h2":
		default:
			c.report(RuleBackendProtocol, join(field, "protocol"), `use "http/1.1", "h2", or leave it unset`, "unknown backend protocol %q", r.GetProtocol())
		}
	}
}

// checkAddress checks a backend address the way ESPv2 parses it and returns its scheme.
func (c *compiler) checkAddress(field, addr string) string {
	raw := addr
	if !strings.Contains(raw, "://") {
		raw = "https://" + raw // what ESPv2 assumes
	}
	u, err := url.Parse(raw)
	if err != nil {
		c.report(RuleBackendHostPort, field, "write scheme://host[:port][/path], for example grpcs://backend.example.com", "backend address %q does not parse: %v", addr, unwrapURLError(err))
		return ""
	}
	scheme := strings.ToLower(u.Scheme)
	switch scheme {
	case "http", "https", "grpc", "grpcs":
	default:
		c.report(RuleBackendScheme, field, `use one of http://, https://, grpc:// or grpcs://`, "unknown backend scheme [%s], should be one of \"http(s)\" or \"grpc(s)\"", u.Scheme)
		return scheme
	}
	host := u.Hostname()
	if host == "" {
		c.report(RuleBackendHostPort, field, "write scheme://host[:port]", "backend address %q has no host", addr)
		return scheme
	}
	if strings.ContainsAny(host, " \t") || (net.ParseIP(host) == nil && strings.ContainsAny(host, "!$&'()*+,;=%<>{}")) {
		c.report(RuleBackendHostPort, field, "write scheme://host[:port]", "backend address %q has a malformed host %q", addr, host)
		return scheme
	}
	if p := u.Port(); p != "" || strings.HasSuffix(u.Host, ":") {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			c.report(RuleBackendHostPort, field, "ports are 1 to 65535", "backend address %q has a bad port %q", addr, p)
		}
	}
	return scheme
}

func unwrapURLError(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}

// checkAuthentication checks providers and requirements.
func (c *compiler) checkAuthentication() {
	auth := c.svc.GetAuthentication()
	if auth == nil {
		return
	}
	ids := map[string]int{}
	var idList []string
	for i, p := range auth.GetProviders() {
		field := fmt.Sprintf("authentication.providers[%d]", i)
		if p.GetId() == "" {
			c.report(RuleNoIssuer, join(field, "id"), "give the provider an id; rules name it in requirements[].provider_id", "authentication provider without id")
		} else {
			ids[p.GetId()] = i
			idList = append(idList, p.GetId())
		}
		if p.GetIssuer() == "" {
			c.report(RuleNoIssuer, field, "set issuer to the token's `iss` claim, for example https://accounts.google.com", "authentication provider %q has no issuer", p.GetId())
		}
		if iss := p.GetIssuer(); p.GetJwksUri() == "" && iss != "" && !looksLikeURL(iss) {
			c.report(RuleNoDiscovery, field, "set jwks_uri, for a service account https://www.googleapis.com/service_accounts/v1/metadata/x509/<email>",
				"provider %q has no jwks_uri and its issuer %q is not a URL: ESPv2 would fetch https://%s/.well-known/openid-configuration at start-up and stop when that fails", p.GetId(), iss, iss)
		}
		if j := p.GetJwksUri(); j != "" {
			u, err := url.Parse(j)
			if err != nil || u.Scheme != "https" || u.Host == "" {
				c.report(RuleJWKSNotHTTPS, join(field, "jwks_uri"), "jwks_uri is the https URL of the issuer's public keys (or leave it out for OpenID discovery)", "jwks_uri %q of provider %q is not an https URL", j, p.GetId())
			}
		}
		for k, l := range p.GetJwtLocations() {
			lf := fmt.Sprintf("%s.jwt_locations[%d]", field, k)
			switch {
			case l.GetHeader() != "" && l.GetQuery() != "":
				c.report(RuleJWTLocationBoth, lf, "write one location per entry: either header (with value_prefix) or query", "jwt_locations entry sets both header %q and query %q", l.GetHeader(), l.GetQuery())
			case l.GetHeader() == "" && l.GetQuery() == "" && l.GetCookie() == "":
				c.report(RuleJWTLocationBoth, lf, "set header or query", "jwt_locations entry sets neither header nor query")
			case l.GetQuery() != "" && l.GetValuePrefix() != "":
				c.report(RuleJWTQueryPrefix, join(lf, "value_prefix"), "remove value_prefix from the query location", "JwtLocation type [Query] should be set without valuePrefix, but it was set to [%s]", l.GetValuePrefix())
			}
		}
	}
	used := map[string]bool{}
	for i, r := range auth.GetRules() {
		for j, req := range r.GetRequirements() {
			id := req.GetProviderId()
			used[id] = true
			if _, ok := ids[id]; !ok {
				hint := "define it under authentication.providers"
				if s := suggest(id, idList); s != "" {
					hint = fmt.Sprintf("did you mean %q?", s)
				}
				c.report(RuleUnknownProvider, fmt.Sprintf("authentication.rules[%d].requirements[%d].provider_id", i, j), hint, "provider %q is not defined", id)
			}
		}
	}
	for _, id := range idList {
		if !used[id] {
			c.report(RuleUnusedProvider, fmt.Sprintf("authentication.providers[%d].id", ids[id]), "require it in an authentication rule, or remove it", "provider %q is not required by any rule", id)
		}
	}
}

// checkControl: control.environment is [scheme://]host[:port], without a path.
func (c *compiler) checkControl() {
	env := c.svc.GetControl().GetEnvironment()
	if env == "" {
		return
	}
	raw := env
	if !strings.Contains(raw, "://") {
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Path != "" && u.Path != "/") {
		c.report(RuleControlPath, "control.environment", "write only the host, for example servicecontrol.googleapis.com", "control.environment %q should not have a path part", env)
	}
}

// checkQuotaMetrics flags costs for metrics the config does not define.
func (c *compiler) checkQuotaMetrics() {
	metrics := map[string]bool{}
	for _, m := range c.svc.GetMetrics() {
		metrics[m.GetName()] = true
	}
	for i, r := range c.doc.Service.GetQuota().GetMetricRules() {
		for name := range r.GetMetricCosts() {
			if !metrics[name] {
				c.report(RuleUnknownQuotaMetric, fmt.Sprintf("quota.metric_rules[%d].metric_costs.%s", i, name), "define it under metrics:", "metric %q is not defined", name)
			}
		}
	}
}

// looksLikeURL: an issuer OpenID discovery can work with (a URL or a bare host name).
func looksLikeURL(s string) bool {
	if strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://") {
		return true
	}
	return !strings.ContainsAny(s, "@ /") && strings.Contains(s, ".")
}
