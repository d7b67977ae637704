package xds

import (
	"regexp"

	accesslogv3 "github.com/envoyproxy/go-control-plane/envoy/config/accesslog/v3"
	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	rbacv3 "github.com/envoyproxy/go-control-plane/envoy/config/rbac/v3"
	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	rbacfilterv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/rbac/v3"
	hcmv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/espctl/espctl/translate"
)

// missingAPIKeyMessage is ESPv2's reply when a method needs an API key and the request has none
// (headers-and-errors.md 2.3).
const missingAPIKeyMessage = "UNAUTHENTICATED: Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API."

// apiKeyFilter is the local part of ESPv2's Service Control filter that stock Envoy can do: a
// method that needs an API key rejects a request that carries none, before any backend sees it.
// ESPv2 decides this locally too; what it then asks Google (is the key valid, is there quota)
// has no Envoy equivalent, so a request with any key passes, as ESPv2 does when Service Control
// cannot be reached (fail open). The filter itself enforces nothing; the routes of methods that
// need a key carry the rule (apiKeyPerRoute).
func apiKeyFilter(p *plan) (proto.Message, error) {
	if !p.apiKeysChecked() {
		return nil, nil
	}
	return &rbacfilterv3.RBAC{}, nil
}

// apiKeysChecked is true when Service Control is on and some method needs a key.
func (p *plan) apiKeysChecked() bool {
	for i := range p.cfg.Methods {
		if needsAPIKey(p, &p.cfg.Methods[i]) {
			return true
		}
	}
	return false
}

func needsAPIKey(p *plan, m *translate.Method) bool {
	return p.cfg.ServiceControl != "" && !m.APIKey.AllowUnregisteredCalls && !m.APIKey.SkipServiceControl
}

// defaultAPIKeyLocations are ESPv2's key locations when a method names none.
var defaultAPIKeyLocations = []translate.APIKeyLocation{{Query: "key"}, {Query: "api_key"}, {Header: "x-api-key"}}

// apiKeyPerRoute allows the route's requests only when one of the method's key locations is
// present; nil when the method needs no key.
func apiKeyPerRoute(p *plan, m *translate.Method) proto.Message {
	if m == nil || !needsAPIKey(p, m) {
		return nil
	}
	locs := m.APIKey.Locations
	if len(locs) == 0 {
		locs = defaultAPIKeyLocations
	}
	var ids []*rbacv3.Principal
	for _, l := range locs {
		var h *routev3.HeaderMatcher
		switch {
		case l.Header != "":
			h = presentHeader(l.Header)
		case l.Query != "":
			// The query string is part of :path; the key is a parameter named exactly so.
			h = &routev3.HeaderMatcher{Name: ":path", HeaderMatchSpecifier: &routev3.HeaderMatcher_StringMatch{
				StringMatch: regexMatcher(`^[^?]*\?([^#]*&)?` + regexp.QuoteMeta(l.Query) + `=.*$`),
			}}
		default:
			continue
		}
		ids = append(ids, &rbacv3.Principal{Identifier: &rbacv3.Principal_Header{Header: h}})
	}
	if len(ids) == 0 {
		return nil
	}
	return &rbacfilterv3.RBACPerRoute{Rbac: &rbacfilterv3.RBAC{Rules: &rbacv3.RBAC{
		Action: rbacv3.RBAC_ALLOW,
		Policies: map[string]*rbacv3.Policy{"api-key-present": {
			Permissions: []*rbacv3.Permission{{Rule: &rbacv3.Permission_Any{Any: true}}},
			Principals:  []*rbacv3.Principal{{Identifier: &rbacv3.Principal_OrIds{OrIds: &rbacv3.Principal_Set{Ids: ids}}}},
		}},
	}}}
}

// apiKeyReplyMapper turns the RBAC denial (403 "RBAC: access denied") into ESPv2's 401.
func apiKeyReplyMapper() *hcmv3.ResponseMapper {
	return &hcmv3.ResponseMapper{
		Filter: &accesslogv3.AccessLogFilter{FilterSpecifier: &accesslogv3.AccessLogFilter_ResponseFlagFilter{
			ResponseFlagFilter: &accesslogv3.ResponseFlagFilter{Flags: []string{"RBAC"}},
		}},
		StatusCode: wrapperspb.UInt32(401),
		Body:       &corev3.DataSource{Specifier: &corev3.DataSource_InlineString{InlineString: missingAPIKeyMessage}},
	}
}
