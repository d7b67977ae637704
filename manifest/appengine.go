package manifest

import (
	"bytes"
	"regexp"
)

var appEngineService = regexp.MustCompile(`(?m)^endpoints_api_service:`)
var appEngineRuntime = regexp.MustCompile(`(?m)^runtime:`)

// isAppEngine recognises an App Engine app.yaml: a top-level runtime or endpoints_api_service
// key and no Kubernetes apiVersion.
func isAppEngine(data []byte) bool {
	if bytes.Contains(data, []byte("apiVersion:")) {
		return false
	}
	return appEngineService.Match(data) || appEngineRuntime.Match(data)
}

// migrateAppEngine changes nothing: App Engine flexible runs ESPv1 for the app itself through
// endpoints_api_service, and ESPv2 cannot run there.
func migrateAppEngine(res *FileResult) error {
	if _, err := decodeDocuments(res.Path, res.Original); err != nil {
		return err
	}
	loc := appEngineService.FindIndex(res.Original)
	if loc == nil {
		res.Findings = append(res.Findings, Finding{Line: 1, Severity: severityInfo, Topic: "unsupported", Message: "App Engine app.yaml without endpoints_api_service: no ESP to migrate"})
		return nil
	}
	line := bytes.Count(res.Original[:loc[0]], []byte("\n")) + 1
	res.Findings = append(res.Findings, Finding{Line: line, Severity: severityError, Topic: "unsupported", Message: "endpoints_api_service runs ESPv1 inside App Engine flexible, and ESPv2 cannot run there. " +
		"Recommended path: deploy ESPv2 as its own Cloud Run service in front of the App Engine app (build the image with gcloud_build_image, set x-google-backend to the appspot.com URL), " +
		"then remove endpoints_api_service from app.yaml. Nothing in this file was changed."})
	return nil
}
