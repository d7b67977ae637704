package grpcconfig

import (
	"fmt"
	"strings"

	"google.golang.org/genproto/googleapis/api/serviceconfig"
	"google.golang.org/protobuf/proto"
)

// match resolves a selector to methods, in method order, reporting what does not resolve.
//
// Selector syntax (Google service configs): a comma-separated list of patterns; a pattern is
// a qualified name that may end in a whole `*` component (`pkg.Service.*`); `*` alone is every
// method. ESPv2 compares selectors by string equality only, so these must be expanded here.
func (c *compiler) match(selector, field string) []*method {
	var out []*method
	seen := map[string]bool{}
	add := func(m *method) {
		if !seen[m.selector] {
			seen[m.selector] = true
			out = append(out, m)
		}
	}
	for _, p := range strings.Split(selector, ",") {
		p = strings.TrimSpace(p)
		if m, ok := c.methods[p]; ok {
			add(m)
			continue
		}
		switch {
		case p == "*":
			for _, m := range c.order {
				add(m)
			}
		case p == "":
			c.report(RuleBadSelector, field, "write a method name (pkg.Service.Method), pkg.Service.* or *", "empty selector")
		case strings.HasSuffix(p, ".*") && !strings.Contains(p[:len(p)-2], "*"):
			prefix := p[:len(p)-1]
			n := len(out)
			for _, m := range c.order {
				if strings.HasPrefix(m.selector, prefix) {
					add(m)
				}
			}
			if len(out) == n && !c.anyPrefix(prefix) {
				c.report(RuleWildcardNoMatch, field, "check the package and service name against the descriptors", "wildcard selector %q matches no method", p)
			}
		case strings.Contains(p, "*"):
			c.report(RuleBadSelector, field, "a wildcard must be a whole last component: pkg.Service.* (not pkg.Serv* or pkg.*.Method)", "malformed selector %q", p)
		case !strings.Contains(p, "."):
			c.report(RuleBadSelector, field, "selectors are apiName.MethodName, for example pkg.Service.Method", "selector %q has no '.'", p)
		case !strings.HasPrefix(p, "google.discovery"):
			c.unknownSelector(field, p)
		}
	}
	return out
}

func (c *compiler) anyPrefix(prefix string) bool {
	for _, m := range c.order {
		if strings.HasPrefix(m.selector, prefix) {
			return true
		}
	}
	return false
}

func (c *compiler) unknownSelector(field, sel string) {
	hint := "selectors name methods as <api>.<Method>, for example " + c.exampleSelector()
	if len(c.order) <= 5000 {
		names := make([]string, len(c.order))
		for i, m := range c.order {
			names[i] = m.selector
		}
		if s := suggest(sel, names); s != "" {
			hint = fmt.Sprintf("did you mean %q?", s)
		}
	}
	c.report(RuleUnknownSelector, field, hint, "selector %q matches no method of the service", sel)
}

func (c *compiler) exampleSelector() string {
	if len(c.order) > 0 {
		return c.order[0].selector
	}
	return "pkg.Service.Method"
}

// expandRules rewrites every rule list that takes selectors into one rule per method. When
// several rules match a method the last one wins, as documented for every rule list.
func (c *compiler) expandRules() {
	if b := c.svc.GetBackend(); b != nil {
		b.Rules = expand(c, "backend.rules", b.Rules, (*serviceconfig.BackendRule).GetSelector, func(r *serviceconfig.BackendRule, s string) { r.Selector = s })
	}
	if u := c.svc.GetUsage(); u != nil {
		u.Rules = expand(c, "usage.rules", u.Rules, (*serviceconfig.UsageRule).GetSelector, func(r *serviceconfig.UsageRule, s string) { r.Selector = s })
	}
	if a := c.svc.GetAuthentication(); a != nil {
		a.Rules = expand(c, "authentication.rules", a.Rules, (*serviceconfig.AuthenticationRule).GetSelector, func(r *serviceconfig.AuthenticationRule, s string) { r.Selector = s })
	}
	if q := c.svc.GetQuota(); q != nil {
		q.MetricRules = expand(c, "quota.metric_rules", q.MetricRules, (*serviceconfig.MetricRule).GetSelector, func(r *serviceconfig.MetricRule, s string) { r.Selector = s })
	}
	if sp := c.svc.GetSystemParameters(); sp != nil {
		sp.Rules = expand(c, "system_parameters.rules", sp.Rules, (*serviceconfig.SystemParameterRule).GetSelector, func(r *serviceconfig.SystemParameterRule, s string) { r.Selector = s })
	}
}

func expand[R proto.Message](c *compiler, list string, rules []R, selector func(R) string, set func(R, string)) []R {
	winner := map[string]R{}
	for i, r := range rules {
		for _, m := range c.match(selector(r), fmt.Sprintf("%s[%d].selector", list, i)) {
			winner[m.selector] = r
		}
	}
	out := make([]R, 0, len(winner))
	for _, m := range c.order {
		r, ok := winner[m.selector]
		if !ok {
			continue
		}
		cp := proto.Clone(r).(R)
		set(cp, m.selector)
		out = append(out, cp)
	}
	return out
}
