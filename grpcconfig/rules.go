package grpcconfig

import "github.com/espctl/espctl/diag"

// Rule is one validation rule: its id (E1xx errors, W1xx warnings), severity and a one-line
// summary. `espctl validate --list-rules` prints the registry and docs/rules.md lists it; a
// golden test keeps the two in step.
type Rule struct {
	ID       string        `json:"id"`
	Severity diag.Severity `json:"severity"`
	Summary  string        `json:"summary"`
}

// The rule ids, as constants so a check and its catalogue entry cannot drift apart.
const (
	RuleSyntax             = "E100"
	RuleUnknownField       = "E101"
	RuleBadValue           = "E102"
	RuleType               = "E103"
	RuleConfigVersion      = "E104"
	RuleNameMissing        = "E105"
	RuleNameNotHost        = "E106"
	RuleNoAPIs             = "E107"
	RuleUnknownAPI         = "E108"
	RuleUnknownSelector    = "E109"
	RuleWildcardNoMatch    = "E110"
	RuleBadSelector        = "E111"
	RuleBadTemplate        = "E112"
	RuleDuplicatePattern   = "E113"
	RuleUnknownPathVar     = "E114"
	RuleBadPathVarField    = "E115"
	RuleUnknownBody        = "E116"
	RuleUnknownRespBody    = "E117"
	RuleNestedBindings     = "E118"
	RuleNoPattern          = "E119"
	RuleBackendScheme      = "E120"
	RuleBackendHostPort    = "E121"
	RuleDeadline           = "E122"
	RuleGRPCPathTransl     = "E123"
	RuleBackendProtocol    = "E124"
	RuleUnknownProvider    = "E125"
	RuleNoIssuer           = "E126"
	RuleJWKSNotHTTPS       = "E127"
	RuleJWTLocationBoth    = "E128"
	RuleJWTQueryPrefix     = "E129"
	RuleUnknownType        = "E130"
	RuleMissingImport      = "E131"
	RuleProtoCompile       = "E132"
	RuleBadDescriptor      = "E133"
	RuleControlPath        = "E134"
	RuleAPIsInferred       = "W101"
	RuleNamePlaceholder    = "W102"
	RuleIgnoredField       = "W103"
	RuleImportFromBundle   = "W104"
	RuleUnusedProvider     = "W105"
	RuleUnknownQuotaMetric = "W106"
	RuleNoDiscovery        = "W107"
)

var rules = []Rule{
	{RuleSyntax, diag.Error, "the file is not valid YAML or JSON, or not a mapping at the top"},
	{RuleUnknownField, diag.Error, "a key that google.api.Service does not have (with a did-you-mean)"},
	{RuleBadValue, diag.Error, "a value of the wrong kind: a list where a mapping is expected, a bad number, boolean or enum, a duplicate key, two fields of one oneof"},
	{RuleType, diag.Error, "`type: google.api.Service` is missing or names another type"},
	{RuleConfigVersion, diag.Error, "`config_version` is missing or not 3"},
	{RuleNameMissing, diag.Error, "the service `name` is missing"},
	{RuleNameNotHost, diag.Error, "the service `name` is not a DNS hostname (a URL, a path, spaces, a port)"},
	{RuleNoAPIs, diag.Error, "no API: `apis` is empty and the descriptors define no service"},
	{RuleUnknownAPI, diag.Error, "an `apis` entry names a service that is not in the descriptors"},
	{RuleUnknownSelector, diag.Error, "a rule's selector names no method of the service (http, backend, usage, authentication, quota, system_parameters rules)"},
	{RuleWildcardNoMatch, diag.Error, "a wildcard selector (`pkg.Service.*`) matches no method"},
	{RuleBadSelector, diag.Error, "a malformed selector: empty, without a `.`, or a `*` that is not a whole last component"},
	{RuleBadTemplate, diag.Error, "an HTTP path template that does not parse (the column is reported)"},
	{RuleDuplicatePattern, diag.Error, "two HTTP bindings with the same verb and template (variables count as their wildcard)"},
	{RuleUnknownPathVar, diag.Error, "a path variable that is not a field of the request message"},
	{RuleBadPathVarField, diag.Error, "a path variable bound to a repeated field or a message"},
	{RuleUnknownBody, diag.Error, "`body` names a field that is not in the request message"},
	{RuleUnknownRespBody, diag.Error, "`response_body` names a field that is not in the response message"},
	{RuleNestedBindings, diag.Error, "`additional_bindings` inside an additional binding"},
	{RuleNoPattern, diag.Error, "an HTTP rule without get, put, post, delete, patch or custom"},
	{RuleBackendScheme, diag.Error, "a backend `address` whose scheme is not http, https, grpc or grpcs"},
	{RuleBackendHostPort, diag.Error, "a backend `address` whose host or port is malformed, or an HTTP override (`overrides_by_request_protocol.http`) without address"},
	{RuleDeadline, diag.Error, "a backend `deadline` that is zero or negative"},
	{RuleGRPCPathTransl, diag.Error, "`path_translation` on a grpc:// or grpcs:// backend"},
	{RuleBackendProtocol, diag.Error, "a backend `protocol` other than http/1.1 or h2"},
	{RuleUnknownProvider, diag.Error, "an authentication requirement names a provider that does not exist"},
	{RuleNoIssuer, diag.Error, "an authentication provider without `issuer` (or without `id`)"},
	{RuleJWKSNotHTTPS, diag.Error, "a provider `jwks_uri` that is not an https URL"},
	{RuleJWTLocationBoth, diag.Error, "a `jwt_locations` entry with both header and query (or neither)"},
	{RuleJWTQueryPrefix, diag.Error, "a query `jwt_locations` entry with a `value_prefix`"},
	{RuleUnknownType, diag.Error, "a type name or type URL that is not in the descriptors"},
	{RuleMissingImport, diag.Error, "a descriptor set that lacks an imported file (built without --include_imports)"},
	{RuleProtoCompile, diag.Error, "a .proto file that does not compile"},
	{RuleBadDescriptor, diag.Error, "a descriptor file that is not a FileDescriptorSet, or whose files do not link"},
	{RuleControlPath, diag.Error, "`control.environment` with a path"},
	{RuleAPIsInferred, diag.Warning, "no `apis` listed: every service in the descriptors is served"},
	{RuleNamePlaceholder, diag.Warning, "the service `name` holds a placeholder (`<MY_PROJECT_ID>`, `${VAR}`, upper case)"},
	{RuleIgnoredField, diag.Warning, "a key in a service config JSON that google.api.Service does not have (ESPv2 ignores it)"},
	{RuleImportFromBundle, diag.Warning, "a descriptor set lacks a well-known or googleapis import; espctl's bundled copy is used"},
	{RuleUnusedProvider, diag.Warning, "an authentication provider that no rule requires"},
	{RuleUnknownQuotaMetric, diag.Warning, "a quota metric cost names a metric that `metrics` does not define"},
	{RuleNoDiscovery, diag.Warning, "a provider without `jwks_uri` whose issuer is not a URL: ESPv2's OpenID discovery at start-up cannot work"},
}

// Rules returns the rule registry in id order.
func Rules() []Rule { return append([]Rule(nil), rules...) }

func severityOf(id string) diag.Severity {
	if len(id) > 0 && id[0] == 'W' {
		return diag.Warning
	}
	return diag.Error
}
