package translate

import (
	"google.golang.org/genproto/googleapis/api/serviceconfig"
)

// defaultAPIKeyLocations are where ESPv2 looks for an API key when no system parameter rule
// names one; with both `?api_key=a&key=b` the key is `b`.
var defaultAPIKeyLocations = []APIKeyLocation{
	{Query: "key"},
	{Query: "api_key"},
	{Header: "x-api-key"},
}

// grpcHealthMethods skip Service Control unless a usage rule says otherwise.
var grpcHealthMethods = map[string]bool{
	"grpc.health.v1.Health.Check": true,
	"grpc.health.v1.Health.Watch": true,
}

// buildAPIKeys reads `usage.rules` (allow_unregistered_calls, skip_service_control) and the
// `api_key` system parameters (key locations), the last rule per selector winning.
func (b *builder) buildAPIKeys() error {
	usage := map[string]*serviceconfig.UsageRule{}
	for _, r := range b.svc.GetUsage().GetRules() {
		if !isDiscovery(r.GetSelector()) {
			usage[r.GetSelector()] = r
		}
	}
	params := map[string]*serviceconfig.SystemParameterRule{}
	for _, r := range b.svc.GetSystemParameters().GetRules() {
		if !isDiscovery(r.GetSelector()) {
			params[r.GetSelector()] = r
		}
	}
	for _, m := range b.methods {
		if r, ok := usage[m.Selector]; ok {
			m.APIKey.AllowUnregisteredCalls = r.GetAllowUnregisteredCalls()
			m.APIKey.SkipServiceControl = r.GetSkipServiceControl()
		} else if grpcHealthMethods[m.Selector] {
			m.APIKey.SkipServiceControl = true
		}
		m.APIKey.Locations = apiKeyLocations(params[m.Selector])
		if len(m.APIKey.Locations) == 0 {
			m.APIKey.Locations = append([]APIKeyLocation(nil), defaultAPIKeyLocations...)
			m.APIKey.DefaultLocations = true
		}
	}
	return nil
}

// apiKeyLocations lists a rule's `api_key` parameters in order, each as its query name then
// its header name (the order of ESPv2's filter config).
func apiKeyLocations(r *serviceconfig.SystemParameterRule) []APIKeyLocation {
	var locs []APIKeyLocation
	for _, p := range r.GetParameters() {
		if p.GetName() != "api_key" {
			continue
		}
		if q := p.GetUrlQueryParameter(); q != "" {
			locs = append(locs, APIKeyLocation{Query: q})
		}
		if h := p.GetHttpHeader(); h != "" {
			locs = append(locs, APIKeyLocation{Header: h})
		}
	}
	return locs
}
