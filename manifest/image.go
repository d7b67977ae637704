package manifest

import (
	"regexp"
	"strings"
)

// espImage matches ESP images with any registry prefix: the repository's last path component
// is endpoints-runtime or endpoints-runtime-serverless, followed by a tag, a digest or nothing.
var espImage = regexp.MustCompile(`^((?:[^\s/@:]+(?::[0-9]+)?/)*)(endpoints-runtime(?:-serverless)?)(?::([A-Za-z0-9_.-]+))?(?:@(sha256:[0-9a-fA-F]+))?$`)

// espImageRef is a parsed ESP image reference.
type espImageRef struct {
	prefix, repo, tag, digest string
}

func parseESPImage(image string) (espImageRef, bool) {
	m := espImage.FindStringSubmatch(strings.TrimSpace(image))
	if m == nil {
		return espImageRef{}, false
	}
	return espImageRef{prefix: m[1], repo: m[2], tag: m[3], digest: m[4]}, true
}

// isV1 reports whether the reference is ESPv1: tags 1, 1.x, 1.x.y; a digest or no tag cannot be
// told apart and is treated as ESPv1 (the reason to run migrate on it), with a finding.
func (r espImageRef) isV1() bool {
	return r.tag == "" || r.tag == "1" || strings.HasPrefix(r.tag, "1.")
}

func (r espImageRef) serverless() bool { return strings.HasSuffix(r.repo, "-serverless") }

// retag returns the ESPv2 image for the same registry and repository.
func (r espImageRef) retag(tag string) string {
	return r.prefix + r.repo + ":" + tag
}

// imageFinding explains an image rewrite.
func imageFinding(line int, old string, ref espImageRef, newImage string) Finding {
	msg := "image " + old + " -> " + newImage
	sev := severityInfo
	switch {
	case ref.digest != "":
		msg += " (the digest pinned an ESPv1 build; pin the ESPv2 image by digest again once tested)"
		sev = severityWarning
	case ref.tag == "":
		msg += " (no tag meant latest ESPv1; the ESPv2 tag is now explicit)"
		sev = severityWarning
	}
	return Finding{Line: line, Severity: sev, Topic: "image", Message: msg}
}
