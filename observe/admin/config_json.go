package admin

import (
	"bytes"
	"encoding/json"
	"net/http"

	"github.com/espctl/espctl/observe"
	"github.com/espctl/espctl/translate"
)

// config serves the running config as JSON, as `espctl config -o json` prints it, redacted.
func (s *server) config(w http.ResponseWriter, _ *http.Request) {
	cfg := s.src.Config()
	if cfg == nil {
		http.Error(w, "no config loaded", http.StatusServiceUnavailable)
		return
	}
	out, err := RedactedConfigJSON(cfg)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(out)
}

// RedactedConfigJSON is cfg as indented JSON with secrets replaced by observe.Redacted.
//
// translate.Config holds no keys itself, but URLs in it (backend addresses, JWKS URIs, the
// Service Control URL) can carry credentials in their user info or query (`?key=...`), and a
// future field could be a secret. So the redaction works on the JSON tree, not on the Go
// type: every string that is a URL loses its password and query values, and every string
// field named like a secret (observe.IsSecretName) is replaced. Objects and booleans are kept:
// `api_key` in a method is the rule saying where a key is read from, not a key.
func RedactedConfigJSON(cfg *translate.Config) ([]byte, error) {
	raw, err := json.Marshal(cfg)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		return nil, err
	}
	tree = redact("", tree)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(tree); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func redact(key string, v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			v[k] = redact(k, x)
		}
		return v
	case []any:
		for i, x := range v {
			v[i] = redact(key, x)
		}
		return v
	case string:
		if observe.IsSecretName(key) && v != "" {
			return observe.Redacted
		}
		return observe.RedactURL(v)
	}
	return v
}
