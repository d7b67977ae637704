package openapi

// checkTemplate says whether the proxy can route an HTTP rule template, and where (1-based
// column) it fails. The OpenAPI-level checks in openAPIPath catch what OpenAPI paths can get
// wrong; this is the proxy's own grammar on the final template.
func checkTemplate(tmpl string) (msg string, col int) {
	return "", 0
}
