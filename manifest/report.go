package manifest

import (
	"fmt"
	"io"
	"strings"
)

// backendBreakingChanges are the ESPv1 -> ESPv2 changes that reach the backend's code,
// whatever the manifest says (facts: ../shared/reference/headers-and-errors.md 1, 4.1, 4.3).
const backendBreakingChanges = `## Breaking changes for the backend code

These apply to every ESPv1 -> ESPv2 move, whatever the manifests say.

### X-Endpoint-API-UserInfo changed format
ESPv1 sent base64url (padded) of a JSON object it built (` + "`id`, `issuer`, `email`, `audiences`, `claims`" + ` as a JSON *string*).
ESPv2 sends the JWT's payload segment as received: base64url without padding of the raw claims.

` + "```python" + `
import base64, json
def user_info(header):
    payload = header + "=" * (-len(header) % 4)      # ESPv2 sends no padding
    claims = json.loads(base64.urlsafe_b64decode(payload))
    return claims["sub"], claims.get("email")        # ESPv1's "id" is now the "sub" claim
` + "```" + `

### X-Endpoint-API-Project-ID is gone
ESPv2 sends ` + "`X-Endpoint-API-Consumer-Type`" + ` (e.g. PROJECT) and ` + "`X-Endpoint-API-Consumer-Number`" + ` (the project *number*) instead.
Code that keyed on the project id must map numbers to ids (` + "`gcloud projects describe NUMBER --format='value(projectId)'`" + `).

### Error bodies changed
ESPv1: a pretty-printed google.rpc.Status with the canonical code (` + "`{\"code\": 5, \"message\": ..., \"details\": [...]}`" + `).
ESPv2: ` + "`{\"code\":404,\"message\":\"...\"}`" + ` where code is the HTTP status. Clients that parsed ` + "`code`" + ` as a gRPC code must read the HTTP status.

### JWTs in Authorization without "Bearer "
ESPv1 accepted a bare token in ` + "`Authorization`" + `; ESPv2 requires the ` + "`Bearer `" + ` prefix. To keep accepting bare tokens, add to each provider in the service config:

` + "```yaml" + `
authentication:
  providers:
  - id: your-provider
    jwt_locations:
    - header: Authorization
      value_prefix: ""
` + "```" + `
`

// WriteReport writes a Markdown migration report for a set of files.
func WriteReport(w io.Writer, results []*FileResult, failed map[string]error) error {
	var b strings.Builder
	b.WriteString("# ESPv1 -> ESPv2 migration report\n\n")
	changed, needs := 0, 0
	for _, r := range results {
		if r.Changed {
			changed++
		}
		if r.NeedsPerson() {
			needs++
		}
	}
	fmt.Fprintf(&b, "%d file(s) read, %d changed, %d need a person, %d could not be read.\n\n", len(results), changed, needs, len(failed))
	b.WriteString("## Files\n\n")
	for _, r := range results {
		state := "unchanged"
		if r.Changed {
			state = "changed"
		}
		fmt.Fprintf(&b, "### %s (%s, %s)\n\n", r.Path, r.Kind, state)
		if len(r.Findings) == 0 {
			b.WriteString("Nothing to report.\n\n")
			continue
		}
		for _, f := range r.Findings {
			fmt.Fprintf(&b, "- line %d, %s, %s: %s\n", f.Line, f.Severity, f.Topic, oneLine(f.Message))
		}
		b.WriteString("\n")
	}
	for path, err := range failed {
		fmt.Fprintf(&b, "### %s (not migrated)\n\n- %s\n\n", path, oneLine(err.Error()))
	}
	b.WriteString(backendBreakingChanges)
	b.WriteString("\n## Checklist of manual steps\n\n")
	steps := 0
	for _, r := range results {
		for _, f := range r.Findings {
			if f.Severity == severityInfo {
				continue
			}
			fmt.Fprintf(&b, "- [ ] %s:%d: %s\n", r.Path, f.Line, oneLine(f.Message))
			steps++
		}
	}
	for path := range failed {
		fmt.Fprintf(&b, "- [ ] %s: migrate by hand\n", path)
		steps++
	}
	b.WriteString("- [ ] Update backend code for the breaking changes above\n")
	b.WriteString("- [ ] Deploy to a test environment and compare responses before switching traffic\n")
	_ = steps
	_, err := io.WriteString(w, b.String())
	return err
}

func oneLine(s string) string { return strings.ReplaceAll(s, "\n", " ") }
