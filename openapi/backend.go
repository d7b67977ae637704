package openapi

import (
	"net/url"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
	"google.golang.org/genproto/googleapis/api/serviceconfig"
	"google.golang.org/protobuf/proto"
)

// backendFields are the fields of x-google-backend.
var backendFields = []string{"address", "path_translation", "jwt_audience", "disable_auth", "deadline", "protocol"}

// backends gives every method a backend rule: its own x-google-backend, else the top-level
// one, else a selector-only rule (the local backend).
func (c *converter) backends() *serviceconfig.Backend {
	var top *serviceconfig.BackendRule
	if k, v := lookup(c.doc.root, "x-google-backend"); k != nil {
		top = c.parseBackend(v, "x-google-backend", serviceconfig.BackendRule_APPEND_PATH_TO_ADDRESS)
	}
	b := &serviceconfig.Backend{}
	for _, op := range c.doc.operations {
		var rule *serviceconfig.BackendRule
		if !op.generated {
			if k, v := lookup(op.node, "x-google-backend"); k != nil {
				rule = c.parseBackend(v, op.field+".x-google-backend", serviceconfig.BackendRule_CONSTANT_ADDRESS)
			}
		}
		if rule == nil && top != nil {
			rule = proto.Clone(top).(*serviceconfig.BackendRule)
		}
		if rule == nil {
			rule = &serviceconfig.BackendRule{}
		}
		rule.Selector = op.selector
		b.Rules = append(b.Rules, rule)
	}
	return b
}

// parseBackend reads one x-google-backend block. defaultTranslation is what
// path_translation means when absent: APPEND_PATH_TO_ADDRESS at the top level,
// CONSTANT_ADDRESS on an operation.
func (c *converter) parseBackend(n *yaml.Node, field string, defaultTranslation serviceconfig.BackendRule_PathTranslation) *serviceconfig.BackendRule {
	rule := &serviceconfig.BackendRule{}
	if n.Kind != yaml.MappingNode {
		c.report(ruleExtensionValue, n, field, "must be a mapping with `address` and optional `path_translation`, `jwt_audience`, `disable_auth`, `deadline`, `protocol`, not "+kindName(n), "")
		return nil
	}
	c.unknownFields(n, field, backendFields...)
	addrNode := get(n, "address")
	rule.Address = c.stringExt(addrNode, field+".address")
	scheme := ""
	if addrNode != nil {
		scheme = c.checkAddress(addrNode, rule.Address, field+".address")
	}
	grpc := scheme == "grpc" || scheme == "grpcs"

	if ptNode := get(n, "path_translation"); ptNode != nil {
		pt := scalar(ptNode)
		switch v, ok := serviceconfig.BackendRule_PathTranslation_value[pt]; {
		case !ok || v == 0:
			c.report(rulePathTranslation, ptNode, field+".path_translation", "must be CONSTANT_ADDRESS or APPEND_PATH_TO_ADDRESS, not "+kindName(ptNode), didYouMean(pt, []string{"CONSTANT_ADDRESS", "APPEND_PATH_TO_ADDRESS"}))
		case grpc:
			c.report(ruleGRPCTranslation, ptNode, field+".path_translation", "path translation does nothing for a "+scheme+":// backend", "remove path_translation")
			rule.PathTranslation = serviceconfig.BackendRule_PathTranslation(v)
		default:
			rule.PathTranslation = serviceconfig.BackendRule_PathTranslation(v)
		}
	} else if rule.Address != "" && !grpc {
		rule.PathTranslation = defaultTranslation
	}

	audKey, audNode := lookup(n, "jwt_audience")
	disKey, disNode := lookup(n, "disable_auth")
	switch {
	case audKey != nil && disKey != nil:
		c.report(ruleBackendField, disKey, field, "jwt_audience and disable_auth exclude each other", "keep one")
	case audKey != nil:
		rule.Authentication = &serviceconfig.BackendRule_JwtAudience{JwtAudience: c.stringExt(audNode, field+".jwt_audience")}
	case disKey != nil:
		if c.boolValue(disNode, field+".disable_auth") {
			rule.Authentication = &serviceconfig.BackendRule_DisableAuth{DisableAuth: true}
		}
	}
	if rule.Authentication == nil {
		if rule.Address != "" {
			// Service Management fills the audience with the whole address, path included.
			rule.Authentication = &serviceconfig.BackendRule_JwtAudience{JwtAudience: rule.Address}
		} else {
			rule.Authentication = &serviceconfig.BackendRule_DisableAuth{DisableAuth: true}
		}
	}

	if d := get(n, "deadline"); d != nil {
		v, err := strconv.ParseFloat(strings.TrimSpace(scalar(d)), 64)
		switch {
		case !isScalar(d) || err != nil:
			c.report(ruleBackendField, d, field+".deadline", "must be a number of seconds, not "+kindName(d), "e.g. `deadline: 30.0`")
		case v <= 0:
			c.report(ruleDeadline, d, field+".deadline", "is not positive; the proxy uses its default of 15 seconds", "set a positive number of seconds")
			rule.Deadline = v
		default:
			rule.Deadline = v
		}
	}
	if p := get(n, "protocol"); p != nil {
		proto := c.stringExt(p, field+".protocol")
		switch strings.ToLower(proto) {
		case "", "http/1.1", "h2":
			rule.Protocol = proto
		default:
			c.report(ruleBackendField, p, field+".protocol", "unknown backend http protocol ["+proto+`], should be one of "http/1.1", "h2", or not set`, "")
		}
	}
	return rule
}

// checkAddress validates a backend address as ESPv2 parses it and returns its scheme.
func (c *converter) checkAddress(n *yaml.Node, addr, field string) string {
	if addr == "" {
		c.report(ruleBackendAddress, n, field, "is empty", "give the backend URL, e.g. `https://my-backend.a.run.app`")
		return ""
	}
	raw := addr
	if !strings.Contains(raw, "://") {
		raw = "https://" + raw // what ESPv2 assumes
	}
	u, err := url.Parse(raw)
	if err != nil {
		c.report(ruleBackendAddress, n, field, "`"+addr+"` is not a URL: "+strings.TrimPrefix(err.Error(), "parse \""+raw+"\": "), "")
		return ""
	}
	scheme := strings.ToLower(u.Scheme)
	switch scheme {
	case "http", "https", "grpc", "grpcs":
	default:
		c.report(ruleBackendAddress, n, field, "unknown backend scheme ["+u.Scheme+`], should be one of "http(s)" or "grpc(s)"`, didYouMean(scheme, []string{"http", "https", "grpc", "grpcs"}))
		return ""
	}
	if u.Hostname() == "" {
		c.report(ruleBackendAddress, n, field, "`"+addr+"` has no host", "")
		return ""
	}
	if p := u.Port(); p != "" {
		if v, err := strconv.Atoi(p); err != nil || v <= 0 || v > 65535 {
			c.report(ruleBackendAddress, n, field, "`"+addr+"` has a bad port `"+p+"`", "")
		}
	}
	return scheme
}
