package openapi

import "github.com/espctl/espctl/diag"

// Rule describes one check of the OpenAPI loader, for `espctl validate --list-rules`.
// Ids are E2xx (errors) and W2xx (warnings), apart from the gRPC validator's E1xx/W1xx.
type Rule struct {
	ID       string        `json:"id"`
	Severity diag.Severity `json:"severity"`
	Summary  string        `json:"summary"`
}

const (
	ruleNotOpenAPI        = "E201"
	ruleSyntax            = "E202"
	ruleHost              = "E203"
	ruleOperationIDMiss   = "E204"
	ruleOperationIDDup    = "E205"
	ruleOperationIDBad    = "E206"
	rulePathTemplate      = "E207"
	ruleSecurityUndefined = "E208"
	ruleIssuerMissing     = "E209"
	ruleBackendAddress    = "E210"
	rulePathTranslation   = "E211"
	ruleBackendField      = "E212"
	ruleExternalRef       = "E213"
	ruleQuotaMetric       = "E214"
	ruleQuotaUnit         = "E215"
	ruleExtensionValue    = "E216"
	ruleDuplicatePattern  = "E217"
	ruleSecurityCombo     = "E218"
	ruleInfo              = "E219"
	ruleUnresolvedRef     = "E220"
	ruleUnknownExtension  = "W201"
	rulePlaceholderHost   = "W202"
	ruleDeadline          = "W203"
	ruleGRPCTranslation   = "W204"
	ruleMissingDefinition = "W205"
	ruleUnsupportedScheme = "W206"
	ruleAudiencesList     = "W207"
	ruleUnknownExtField   = "W208"
	rulePathParam         = "W209"
)

var rules = []Rule{
	{ruleNotOpenAPI, diag.Error, "the document is not OpenAPI 2.0 (`swagger: \"2.0\"`) or 3.x (`openapi: 3.x`)"},
	{ruleSyntax, diag.Error, "the file is not valid YAML/JSON, or a field has the wrong shape for OpenAPI"},
	{ruleHost, diag.Error, "`host` (the service name) is missing or not a DNS name"},
	{ruleOperationIDMiss, diag.Error, "an operation has no `operationId` (its method and selector need one)"},
	{ruleOperationIDDup, diag.Error, "two operations give the same method name (operationIds equal after upper-casing the first letter)"},
	{ruleOperationIDBad, diag.Error, "an `operationId` has characters a method name cannot hold (only letters, digits and `_`)"},
	{rulePathTemplate, diag.Error, "a path cannot be routed by the proxy (partial-segment parameters, bad braces, ...)"},
	{ruleSecurityUndefined, diag.Error, "a `security` requirement names a scheme that `securityDefinitions` does not define"},
	{ruleIssuerMissing, diag.Error, "an oauth2 security definition has no `x-google-issuer`"},
	{ruleBackendAddress, diag.Error, "`x-google-backend.address` is missing a host or uses a scheme other than http, https, grpc, grpcs"},
	{rulePathTranslation, diag.Error, "`x-google-backend.path_translation` is not CONSTANT_ADDRESS or APPEND_PATH_TO_ADDRESS"},
	{ruleBackendField, diag.Error, "an `x-google-backend` field has a bad value (deadline, protocol, jwt_audience, disable_auth)"},
	{ruleExternalRef, diag.Error, "a `$ref` points outside the document; only internal `#/...` references are supported"},
	{ruleQuotaMetric, diag.Error, "`x-google-quota` or a quota limit names a metric `x-google-management.metrics` does not define"},
	{ruleQuotaUnit, diag.Error, "a quota limit has a unit other than `1/min/{project}`"},
	{ruleExtensionValue, diag.Error, "an `x-google-*` extension has a value of the wrong shape"},
	{ruleDuplicatePattern, diag.Error, "two operations have the same HTTP method and path template (parameters count as `*`)"},
	{ruleSecurityCombo, diag.Error, "a `security` list combines schemes the proxy cannot enforce (an API key OR-ed with something else, two OAuth2 schemes AND-ed)"},
	{ruleInfo, diag.Error, "`info.title` or `info.version` is missing"},
	{ruleUnresolvedRef, diag.Error, "an internal `$ref` points to nothing"},
	{ruleUnknownExtension, diag.Warning, "an `x-google-*` key is unknown or not valid at this place (with a did-you-mean)"},
	{rulePlaceholderHost, diag.Warning, "`host` looks like a placeholder (`${VAR}`, `YOUR-PROJECT-ID`) to fill in before deploying"},
	{ruleDeadline, diag.Warning, "`x-google-backend.deadline` is not positive; the proxy uses its 15s default"},
	{ruleGRPCTranslation, diag.Warning, "`path_translation` is set for a grpc:// backend, where it means nothing"},
	{ruleMissingDefinition, diag.Warning, "a response schema names a definition that does not exist; the method answers google.protobuf.Value"},
	{ruleUnsupportedScheme, diag.Warning, "a security definition type the proxy does not enforce (basic, or oauth2 without JWT)"},
	{ruleAudiencesList, diag.Warning, "`x-google-audiences` is a list; it is joined with commas, the documented form is one comma-separated string"},
	{ruleUnknownExtField, diag.Warning, "an `x-google-*` extension has a field it does not define (with a did-you-mean)"},
	{rulePathParam, diag.Warning, "a `{parameter}` of the path has no `in: path` parameter, or an `in: path` parameter is not in the path"},
}

// Rules lists every check, errors first, in id order.
func Rules() []Rule { return append([]Rule(nil), rules...) }

func severityOf(id string) diag.Severity {
	if len(id) > 0 && id[0] == 'W' {
		return diag.Warning
	}
	return diag.Error
}

func diagAt(rule string, pos diag.Pos, field, msg, hint string) diag.Diagnostic {
	return diag.Diagnostic{Pos: pos, Rule: rule, Severity: severityOf(rule), Field: field, Message: msg, Hint: hint}
}
