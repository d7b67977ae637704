package translate

import (
	"fmt"
	"net/url"
	"strings"
)

// buildServiceLevel reads the service-wide switches: `endpoints[].allow_cors` for this
// service and `control.environment`.
func (b *builder) buildServiceLevel() error {
	for _, e := range b.svc.GetEndpoints() {
		if e.GetName() == b.cfg.Service && e.GetAllowCors() {
			b.cfg.AllowCORS = true
		}
	}
	env := b.svc.GetControl().GetEnvironment()
	if env == "" {
		return nil // no Service Control at all; --service_control_url cannot turn it on
	}
	u, err := serviceControlURL(env)
	if err != nil {
		return err
	}
	b.cfg.ServiceControl = u
	if b.opts.ServiceControlURL != "" {
		if b.cfg.ServiceControl, err = serviceControlURL(b.opts.ServiceControlURL); err != nil {
			return fmt.Errorf("--service_control_url: %w", err)
		}
	}
	return nil
}

// serviceControlURL reads `[scheme://]host[:port]` with https assumed and no path allowed.
func serviceControlURL(s string) (string, error) {
	raw := s
	if !strings.Contains(raw, "://") {
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("error parsing service control url %s: %w", s, err)
	}
	if u.Path != "" && u.Path != "/" {
		return "", fmt.Errorf("error parsing service control url %s: should not have path part: %s", s, u.Path)
	}
	if u.Host == "" {
		return "", fmt.Errorf("error parsing service control url %s: no host", s)
	}
	return u.Scheme + "://" + u.Host, nil
}
