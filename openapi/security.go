package openapi

import (
	"strings"

	"go.yaml.in/yaml/v3"
	"google.golang.org/genproto/googleapis/api/serviceconfig"
)

// security converts securityDefinitions and the security requirements into JWT providers,
// per-method authentication and usage rules, and API-key locations.
func (c *converter) security() (*serviceconfig.Authentication, *serviceconfig.Usage, *serviceconfig.SystemParameters) {
	auth := &serviceconfig.Authentication{}
	usage := &serviceconfig.Usage{}
	params := &serviceconfig.SystemParameters{}
	defs := map[string]*secDef{}
	providers := map[string]*serviceconfig.AuthProvider{}
	for _, s := range c.doc.secDefs {
		defs[s.name] = s
		if p := c.provider(s); p != nil {
			providers[s.name] = p
			auth.Providers = append(auth.Providers, p)
		}
	}
	for _, op := range c.doc.operations {
		if op.generated {
			usage.Rules = append(usage.Rules, &serviceconfig.UsageRule{Selector: op.selector, AllowUnregisteredCalls: true})
			// Service Management gives the catch-all methods selector-only rules (route_match).
			auth.Rules = append(auth.Rules, &serviceconfig.AuthenticationRule{Selector: op.selector})
			continue
		}
		req := op.security
		if req == nil {
			req = c.doc.security
		}
		rule, keys := c.requirements(op, req, defs, providers)
		usage.Rules = append(usage.Rules, &serviceconfig.UsageRule{Selector: op.selector, AllowUnregisteredCalls: len(keys) == 0})
		if len(c.doc.secDefs) > 0 {
			auth.Rules = append(auth.Rules, rule)
		}
		if p := keyParameters(op.selector, keys); p != nil {
			params.Rules = append(params.Rules, p)
		}
	}
	return auth, usage, params
}

// requirements evaluates one operation's security list: the JWT providers any of which
// suffices, and the API-key schemes when a key is required.
func (c *converter) requirements(op *operation, req *requirements, defs map[string]*secDef, providers map[string]*serviceconfig.AuthProvider) (*serviceconfig.AuthenticationRule, []*secDef) {
	rule := &serviceconfig.AuthenticationRule{Selector: op.selector}
	if req == nil || len(req.alternatives) == 0 {
		return rule, nil
	}
	var keys []*secDef
	withKey, withoutKey := 0, 0
	seen := map[string]bool{}
	for i, alt := range req.alternatives {
		field := req.field + "[" + itoa(i) + "]"
		var jwts []string
		hasKey := false
		for _, s := range alt.schemes {
			def, ok := defs[s.key.Value]
			if !ok {
				c.report(ruleSecurityUndefined, s.key, field+"."+s.key.Value, "names a security scheme that is not defined; ESP would not check it and requests could pass unauthenticated", c.didYouMeanScheme(s.key.Value))
				continue
			}
			switch {
			case providers[def.name] != nil:
				jwts = append(jwts, def.name)
			case def.kind == "apiKey":
				hasKey = true
				if !containsDef(keys, def) {
					keys = append(keys, def)
				}
			}
		}
		if len(jwts) > 1 {
			c.report(ruleSecurityCombo, alt.node, field, "requires "+strings.Join(jwts, " AND ")+": the proxy checks one JWT per request, so two JWT schemes cannot be AND-ed", "list them as separate entries (OR)")
		}
		if hasKey {
			withKey++
		} else {
			withoutKey++
		}
		if len(alt.schemes) == 0 {
			// `{}` among the alternatives makes credentials optional (OpenAPI's anonymous
			// access): a request without a JWT passes, a bad JWT still fails.
			rule.AllowWithoutCredential = true
		}
		for _, id := range jwts {
			if seen[id] {
				continue
			}
			seen[id] = true
			r := &serviceconfig.AuthRequirement{ProviderId: id, Audiences: providers[id].Audiences}
			rule.Requirements = append(rule.Requirements, r)
		}
	}
	if withKey > 0 && withoutKey > 0 {
		c.report(ruleSecurityCombo, req.node, req.field, "an API key is OR-ed with an alternative without one; ESP cannot enforce that (an API key can only be AND-ed with a JWT)", "add the API key to every alternative, or to none")
		return rule, nil
	}
	if withoutKey > 0 {
		keys = nil
	}
	if len(rule.Requirements) == 0 {
		rule.AllowWithoutCredential = false // nothing to be optional about
	}
	return rule, keys
}

func containsDef(l []*secDef, d *secDef) bool {
	for _, x := range l {
		if x == d {
			return true
		}
	}
	return false
}

func (c *converter) didYouMeanScheme(name string) string {
	var names []string
	for _, s := range c.doc.secDefs {
		names = append(names, s.name)
	}
	if m := closest(name, names); m != "" {
		return "did you mean `" + m + "`?"
	}
	return "define it under securityDefinitions"
}

// keyParameters says where the API key is read when a scheme uses another place than
// `?key=`, the location Service Management leaves implicit (systemParameters: {}).
func keyParameters(selector string, keys []*secDef) *serviceconfig.SystemParameterRule {
	custom := false
	for _, k := range keys {
		if !(k.in == "query" && k.keyName == "key") {
			custom = true
		}
	}
	if !custom {
		return nil
	}
	rule := &serviceconfig.SystemParameterRule{Selector: selector}
	for _, k := range keys {
		p := &serviceconfig.SystemParameter{Name: "api_key"}
		if k.in == "header" {
			p.HttpHeader = k.keyName
		} else {
			p.UrlQueryParameter = k.keyName
		}
		rule.Parameters = append(rule.Parameters, p)
	}
	return rule
}

// provider turns an oauth2 (or, in 3.x, openIdConnect / http bearer) definition with
// x-google-issuer into a JWT provider; other kinds give nil.
func (c *converter) provider(s *secDef) *serviceconfig.AuthProvider {
	field := s.field()
	issuerKey, issuer := lookup(s.node, "x-google-issuer")
	switch s.kind {
	case "apiKey":
		if s.in != "query" && s.in != "header" {
			c.report(ruleUnsupportedScheme, s.keyNode, field+".in", "an API key in "+quoteOr(s.in, "nothing")+" is not read by the proxy; use `in: query` or `in: header`", "")
		}
		if s.keyName == "" {
			c.report(ruleUnsupportedScheme, s.keyNode, field+".name", "an API key definition needs the `name` of the query parameter or header", "")
		}
		return nil
	case "oauth2":
		if issuerKey == nil {
			c.report(ruleIssuerMissing, s.keyNode, field, "oauth2 definition `"+s.name+"` has no x-google-issuer: the proxy validates JWTs by issuer", "add `x-google-issuer: https://accounts.google.com` (the token's `iss`) and `x-google-jwks_uri`")
			return nil
		}
	case "openIdConnect", "http":
		if issuerKey == nil {
			c.report(ruleUnsupportedScheme, s.keyNode, field, "`"+s.kind+"` definition without x-google-issuer is not enforced by the proxy", "add x-google-issuer and x-google-jwks_uri to check JWTs")
			return nil
		}
	default:
		c.report(ruleUnsupportedScheme, s.keyNode, field, "security type "+quoteOr(s.kind, "(none)")+" is not enforced by the proxy; only oauth2 with x-google-issuer (JWT) and apiKey are", "")
		return nil
	}
	p := &serviceconfig.AuthProvider{Id: s.name, Issuer: c.stringExt(issuer, field+".x-google-issuer")}
	if p.Issuer == "" {
		c.report(ruleIssuerMissing, issuer, field+".x-google-issuer", "empty issuer: it must equal the token's `iss` claim", "")
	}
	p.JwksUri = c.stringExt(get(s.node, "x-google-jwks_uri"), field+".x-google-jwks_uri")
	if n := get(s.node, "x-google-audiences"); n != nil {
		p.Audiences = c.audiences(n, field+".x-google-audiences")
	}
	if n := get(s.node, "x-google-jwt-locations"); n != nil {
		p.JwtLocations = c.jwtLocations(n, field+".x-google-jwt-locations")
	}
	return p
}

func (s *secDef) field() string { return s.path }

func quoteOr(s, none string) string {
	if s == "" {
		return none
	}
	return "`" + s + "`"
}

// audiences is the comma-separated audience string; a YAML list (seen in ESP's own samples)
// is joined with commas.
func (c *converter) audiences(n *yaml.Node, field string) string {
	if n.Kind == yaml.SequenceNode {
		var parts []string
		for _, it := range items(n) {
			parts = append(parts, scalar(it))
		}
		c.report(ruleAudiencesList, n, field, "is a list; Service Management documents a comma-separated string, the list is joined as `"+strings.Join(parts, ",")+"`", "write `x-google-audiences: \"a,b\"`")
		return strings.Join(parts, ",")
	}
	return c.stringExt(n, field)
}

// jwtLocations reads x-google-jwt-locations: a list of `{header, value_prefix}` or `{query}`.
func (c *converter) jwtLocations(n *yaml.Node, field string) []*serviceconfig.JwtLocation {
	if n.Kind != yaml.SequenceNode {
		c.report(ruleExtensionValue, n, field, "must be a list of `{header, value_prefix}` or `{query}`, not "+kindName(n), "")
		return nil
	}
	var out []*serviceconfig.JwtLocation
	for i, it := range items(n) {
		f := field + "[" + itoa(i) + "]"
		c.unknownFields(it, f, "header", "query", "value_prefix", "cookie")
		header, query, cookie := scalar(get(it, "header")), scalar(get(it, "query")), scalar(get(it, "cookie"))
		prefix := scalar(get(it, "value_prefix"))
		loc := &serviceconfig.JwtLocation{ValuePrefix: prefix}
		set := 0
		if header != "" {
			loc.In = &serviceconfig.JwtLocation_Header{Header: header}
			set++
		}
		if query != "" {
			loc.In = &serviceconfig.JwtLocation_Query{Query: query}
			set++
		}
		if cookie != "" {
			loc.In = &serviceconfig.JwtLocation_Cookie{Cookie: cookie}
			set++
		}
		switch {
		case set != 1:
			c.report(ruleExtensionValue, it, f, "needs exactly one of `header`, `query` or `cookie`", "")
			continue
		case query != "" && prefix != "":
			c.report(ruleExtensionValue, get(it, "value_prefix"), f+".value_prefix", "a query location cannot have a value_prefix (ESPv2 refuses the provider)", "remove value_prefix")
			continue
		}
		out = append(out, loc)
	}
	return out
}
