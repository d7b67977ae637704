package observe

import (
	"net/url"
	"strings"
)

// Redacted replaces secret values in what espctl shows (the admin page's /config, span
// attributes).
const Redacted = "REDACTED"

// RedactURL hides the parts of a URL that can carry credentials: the user info, every query
// value (`?key=...`, `?access_token=...`) and the fragment. Strings that are not absolute
// URLs are returned unchanged.
func RedactURL(s string) string {
	if !strings.Contains(s, "://") {
		return s
	}
	u, err := url.Parse(s)
	if err != nil {
		// Unparsable but URL-shaped: keep the part before any query, the rest may be a secret.
		if i := strings.IndexAny(s, "?#"); i >= 0 {
			return s[:i] + "?" + Redacted
		}
		return s
	}
	changed := false
	if u.User != nil {
		// A user name alone is often a token (`https://TOKEN@host`): hide all of it.
		u.User = url.User(Redacted)
		changed = true
	}
	if u.Fragment != "" || u.RawFragment != "" {
		u.Fragment, u.RawFragment = Redacted, ""
		changed = true
	}
	if u.RawQuery != "" {
		q := u.Query()
		for k := range q {
			q[k] = []string{Redacted}
		}
		u.RawQuery = q.Encode()
		changed = true
	}
	if !changed {
		return s
	}
	return u.String()
}

// IsSecretName reports whether a field named like this holds a secret: its name mentions a
// secret, password, token, credential or private key, or it is a `key` (`api_key` as a string
// value, `service_account_key`). Config fields that only say where a key is read from are
// objects, not strings, and are kept by the callers that check the value's type.
func IsSecretName(name string) bool {
	n := strings.ToLower(name)
	for _, w := range []string{"secret", "password", "passwd", "token", "credential", "private", "authorization", "cookie"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return n == "key" || strings.HasSuffix(n, "_key") || strings.HasSuffix(n, "-key") || strings.HasSuffix(n, "apikey")
}
