package manifest

import (
	"regexp"
	"strings"
)

// fromLine matches `FROM [--platform=...] image [AS name]`.
var fromLine = regexp.MustCompile(`(?i)^(\s*FROM\s+(?:--\S+\s+)*)(\S+)`)

// migrateDockerfile retags `FROM ...endpoints-runtime[-serverless]:1` and reports ESP_ARGS and
// start-script overrides, which need the serverless launcher's ESPv2 spelling.
func migrateDockerfile(res *FileResult, opts Options) error {
	ed := newEditor(res.Original)
	for i := 1; i <= len(ed.lineStarts); i++ {
		text := ed.lineText(i)
		if m := fromLine.FindStringSubmatchIndex(text); m != nil {
			image := text[m[4]:m[5]]
			ref, ok := parseESPImage(image)
			if !ok || !ref.isV1() {
				continue
			}
			newImage := ref.retag(opts.targetTag())
			start := ed.lineStarts[i-1] + m[4]
			ed.replace(start, start+len(image), newImage)
			res.Findings = append(res.Findings, imageFinding(i, image, ref, newImage))
			if ref.serverless() {
				res.Findings = append(res.Findings, Finding{Line: i, Severity: severityWarning, Topic: "image",
					Message: "the ESPv2 serverless image is normally built per service config with gcloud_build_image (it bakes the service config in); a plain FROM works with ENDPOINTS_SERVICE_NAME/ESPv2_ARGS at run time"})
			}
			continue
		}
		upper := strings.ToUpper(strings.TrimSpace(text))
		if strings.HasPrefix(upper, "ENV ") && strings.Contains(text, "ESP_ARGS") {
			res.Findings = append(res.Findings, Finding{Line: i, Severity: severityError, Topic: "env",
				Message: "ENV ESP_ARGS: rename it to ESPv2_ARGS and migrate its value with `espctl migrate flags --esp-args '<value>'`"})
		}
		if (strings.HasPrefix(upper, "ENTRYPOINT") || strings.HasPrefix(upper, "CMD")) && strings.Contains(text, "start_esp") {
			res.Findings = append(res.Findings, Finding{Line: i, Severity: severityError, Topic: "command",
				Message: "this line runs ESPv1's start_esp.py; ESPv2's is /apiproxy/start_proxy.py (serverless: /env_start_proxy.py), and its flags need `espctl migrate flags`"})
		}
	}
	res.Rewritten = ed.apply()
	return nil
}
