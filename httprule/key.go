package httprule

import "strings"

// DuplicateKey is the key on which two bindings collide, as ESPv2 decides it: the HTTP method,
// a space, then the segments with every variable replaced by its wildcards and the verb as one
// more trailing segment. `GET /a/{id}` and `GET /a/{name=*}` both give `GET /a/*`;
// `GET /foo:bar` and `GET /foo/bar` both give `GET /foo/bar` (a quirk of ESPv2's encoding,
// kept on purpose so espctl rejects exactly what ESPv2 rejects).
//
// A caller that finds two bindings with one key reports, like ESPv2's sorter,
// "<operation> has duplicate http pattern `<METHOD> <template as written>`".
func (t *Template) DuplicateKey(method string) string {
	var b strings.Builder
	b.WriteString(method)
	b.WriteByte(' ')
	keys := t.keySegments()
	if len(keys) == 0 {
		b.WriteByte('/')
	}
	for _, k := range keys {
		b.WriteByte('/')
		b.WriteString(k)
	}
	return b.String()
}

// keySegments is the path of the template in ESPv2's route trie: segment texts, then the verb.
func (t *Template) keySegments() []string {
	if t == nil {
		return nil
	}
	keys := make([]string, 0, len(t.Segments)+1)
	for _, s := range t.Segments {
		keys = append(keys, s.text())
	}
	if t.Verb != "" {
		keys = append(keys, t.Verb)
	}
	return keys
}
