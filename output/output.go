// Package output prints a command's result in the format the user asked for with `-o`:
// text for people, JSON and YAML for scripts. JSON and YAML come from the same value and the
// same `json` struct tags, so the two machine formats can never drift apart.
package output

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"go.yaml.in/yaml/v3"
)

// Format is a value of the global `-o` flag.
type Format string

const (
	Text Format = "text"
	JSON Format = "json"
	YAML Format = "yaml"
)

// Formats lists the accepted values, for help and completion.
var Formats = []string{string(Text), string(JSON), string(YAML)}

// Parse checks a user-supplied `-o` value.
func Parse(s string) (Format, error) {
	switch Format(s) {
	case Text, JSON, YAML:
		return Format(s), nil
	case "":
		return Text, nil
	}
	return "", fmt.Errorf("unknown output format %q: use one of text, json, yaml", s)
}

// Write prints v as JSON or YAML, or calls text for the text format.
func Write(w io.Writer, f Format, v any, text func(io.Writer) error) error {
	switch f {
	case JSON:
		return WriteJSON(w, v)
	case YAML:
		return WriteYAML(w, v)
	default:
		return text(w)
	}
}

// WriteJSON prints v as indented JSON with a trailing newline and without HTML escaping
// (`<`, `>` and `&` stay readable in messages).
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// WriteYAML prints v as YAML. It goes through JSON first so that the json struct tags, key
// order and omitempty rules apply exactly as for `-o json`.
func WriteYAML(w io.Writer, v any) error {
	var buf bytes.Buffer
	if err := WriteJSON(&buf, v); err != nil {
		return err
	}
	return JSONToYAML(w, buf.Bytes())
}

// JSONToYAML re-encodes a JSON document as YAML, keeping key order.
func JSONToYAML(w io.Writer, data []byte) error {
	var node yaml.Node
	if err := yaml.Unmarshal(data, &node); err != nil {
		return fmt.Errorf("re-encoding as yaml: %w", err)
	}
	clearStyle(&node)
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(&node); err != nil {
		return fmt.Errorf("re-encoding as yaml: %w", err)
	}
	return enc.Close()
}

// clearStyle drops the JSON flow style and quoting that yaml.v3 keeps from its input, so the
// YAML looks like YAML; strings that need quotes get them back from the encoder.
func clearStyle(n *yaml.Node) {
	n.Style = 0
	for _, c := range n.Content {
		clearStyle(c)
	}
}
