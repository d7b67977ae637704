package admin

import (
	"bytes"
	"encoding/json"
	"io"
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

// RedactedConfigJSON is cfg as indented JSON, in the field order `espctl config -o json`
// prints, with secrets replaced by observe.Redacted.
//
// translate.Config holds no keys itself, but URLs in it (backend addresses, JWKS URIs, the
// Service Control URL) can carry credentials in their user info or query (`?key=...`), and a
// future field could be a secret. So the redaction works on the JSON tokens, not on the Go
// type: every string that is a URL loses its user info, query values and fragment, and every
// string field named like a secret (observe.IsSecretName) is replaced. Objects and booleans are
// kept: `api_key` in a method is the rule saying where a key is read from, not a key.
func RedactedConfigJSON(cfg *translate.Config) ([]byte, error) {
	raw, err := json.Marshal(cfg)
	if err != nil {
		return nil, err
	}
	compact, err := redactJSON(raw)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if err := json.Indent(&out, compact, "", "  "); err != nil {
		return nil, err
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

// redactJSON copies a JSON document token by token, keeping the order of object fields,
// and redacts string values (see RedactedConfigJSON).
func redactJSON(raw []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	// Per open container: is it an object, is the next token in it a key, and the field name
	// its string values are judged by (an array's is its own field's).
	type frame struct {
		object, wantKey bool
		key             string
	}
	var (
		stack []frame
		out   bytes.Buffer
		first = true // no comma before the next value
	)
	// Strings are written as they are: the output is served as JSON, not embedded in HTML.
	je := json.NewEncoder(&out)
	je.SetEscapeHTML(false)
	enc := func(v any) error {
		if err := je.Encode(v); err != nil {
			return err
		}
		out.Truncate(out.Len() - 1) // Encode's newline
		return nil
	}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			if len(stack) > 0 {
				return nil, io.ErrUnexpectedEOF
			}
			return out.Bytes(), nil
		}
		if err != nil {
			return nil, err
		}
		top := len(stack) - 1
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			out.WriteByte(byte(d))
			stack = stack[:top]
			first = false
			if top > 0 && stack[top-1].object {
				stack[top-1].wantKey = true
			}
			continue
		}
		if !first {
			if top >= 0 && stack[top].object && !stack[top].wantKey {
				out.WriteByte(':')
			} else {
				out.WriteByte(',')
			}
		}
		first = false
		if top >= 0 && stack[top].object && stack[top].wantKey {
			stack[top].key = tok.(string)
			stack[top].wantKey = false
			if err := enc(stack[top].key); err != nil {
				return nil, err
			}
			continue
		}
		switch v := tok.(type) {
		case json.Delim:
			out.WriteByte(byte(v))
			inherited := ""
			if top >= 0 {
				inherited = stack[top].key
			}
			stack = append(stack, frame{object: v == '{', wantKey: v == '{', key: inherited})
			first = true
			continue
		case string:
			key := ""
			if top >= 0 {
				key = stack[top].key
			}
			if observe.IsSecretName(key) && v != "" {
				v = observe.Redacted
			} else {
				v = observe.RedactURL(v)
			}
			err = enc(v)
		case json.Number:
			out.WriteString(v.String())
		default:
			err = enc(v)
		}
		if err != nil {
			return nil, err
		}
		if top >= 0 && stack[top].object {
			stack[top].wantKey = true
		}
	}
}
