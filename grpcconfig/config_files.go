package grpcconfig

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
	"google.golang.org/genproto/googleapis/api/serviceconfig"

	"github.com/espctl/espctl/diag"
)

// File is one input file: its name as the user gave it (used in diagnostics) and its bytes.
type File struct {
	Path string
	Data []byte
}

// Document is the service config decoded from one or more files, with the position of every
// field the user wrote.
type Document struct {
	Service   *serviceconfig.Service
	Positions *Positions
	// Files are the config file names in merge order.
	Files []string
	// Unreadable is set when a file is not YAML at all; compiling it would only add noise.
	Unreadable bool
}

// DecodeOptions change how strict decoding is.
type DecodeOptions struct {
	// ServiceJSON reads a full service config as Service Management serves it (and ESPv2 reads
	// with --service_json_path): no `type:` key is expected and unknown keys are warnings.
	ServiceJSON bool
}

const serviceType = "google.api.Service"

// DecodeConfig parses the files (YAML or JSON), checks and removes `type: google.api.Service`,
// merges them in order the way Service Management merges several config files (scalars:
// the later file wins; lists: concatenated; mappings: merged key by key) and decodes the
// result into a Service. Problems are diagnostics; the returned Document is never nil.
func DecodeConfig(files []File, opts DecodeOptions) (*Document, diag.List) {
	var diags diag.List
	names := make([]string, 0, len(files))
	for _, f := range files {
		names = append(names, f.Path)
	}
	doc := &Document{Service: &serviceconfig.Service{}, Positions: newPositions(names), Files: names}
	fileOf := map[*yaml.Node]string{}
	var merged *yaml.Node
	for _, f := range files {
		root, ds := parseYAML(f)
		diags = append(diags, ds...)
		if root == nil {
			doc.Unreadable = true
			continue
		}
		markFile(root, f.Path, fileOf, 0)
		diags = append(diags, checkType(root, f.Path, opts)...)
		if merged == nil {
			merged = root
		} else {
			mergeNodes(merged, root)
		}
	}
	if merged == nil {
		return doc, diags
	}
	doc.Positions.root = diag.Pos{File: fileOf[merged], Line: merged.Line, Col: merged.Column}
	d := &decoder{fileOf: fileOf, pos: doc.Positions, lenient: opts.ServiceJSON, budget: nodeBudget}
	m := d.message(merged, serviceDescriptor, "", 0)
	diags = append(diags, d.diags...)
	if m != nil {
		svc, ds := unmarshalService(m, names[0])
		diags = append(diags, ds...)
		doc.Service = svc
	}
	diags = append(diags, checkConfigVersion(merged, fileOf)...)
	return doc, diags
}

var yamlLine = regexp.MustCompile(`^yaml: (?:line (\d+): )?`)

// parseYAML reads one file into its top-level mapping node.
func parseYAML(f File) (*yaml.Node, diag.List) {
	var root yaml.Node
	if err := yaml.Unmarshal(f.Data, &root); err != nil {
		pos := diag.Pos{File: f.Path}
		msg := err.Error()
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			pos.Line, _ = strconv.Atoi(m[1])
			msg = msg[len(m[0]):]
		}
		return nil, diag.List{{Pos: pos, Rule: RuleSyntax, Severity: diag.Error, Message: "not valid YAML or JSON: " + msg}}
	}
	if root.Kind == 0 || len(root.Content) == 0 {
		return nil, diag.List{{Pos: diag.Pos{File: f.Path}, Rule: RuleSyntax, Severity: diag.Error, Message: "the file is empty", Hint: "a service config starts with `type: google.api.Service`"}}
	}
	top := root.Content[0]
	if top.Kind != yaml.MappingNode {
		return nil, diag.List{{Pos: diag.Pos{File: f.Path, Line: top.Line, Col: top.Column}, Rule: RuleSyntax, Severity: diag.Error, Message: "the top level must be a mapping of service config fields"}}
	}
	return top, nil
}

func markFile(n *yaml.Node, file string, fileOf map[*yaml.Node]string, depth int) {
	if n == nil || depth > 200 {
		return
	}
	if _, done := fileOf[n]; done {
		return
	}
	fileOf[n] = file
	for _, c := range n.Content {
		markFile(c, file, fileOf, depth+1)
	}
}

// checkType checks `type: google.api.Service` and removes it from the mapping: it is not a
// field of the message, so strict decoding would reject it (libraries.md, trap 1).
func checkType(root *yaml.Node, file string, opts DecodeOptions) diag.List {
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if k.Value != "type" {
			continue
		}
		root.Content = append(root.Content[:i:i], root.Content[i+2:]...)
		if v.Kind == yaml.ScalarNode && v.Value == serviceType {
			return nil
		}
		return diag.List{{Pos: diag.Pos{File: file, Line: v.Line, Col: v.Column}, Rule: RuleType, Severity: diag.Error, Field: "type",
			Message: fmt.Sprintf("type is %q, want %q", v.Value, serviceType), Hint: "a service config file starts with `type: google.api.Service`"}}
	}
	if opts.ServiceJSON {
		return nil
	}
	return diag.List{{Pos: diag.Pos{File: file, Line: root.Line, Col: root.Column}, Rule: RuleType, Severity: diag.Error, Field: "type",
		Message: "missing `type: google.api.Service`", Hint: "add `type: google.api.Service` as the first line; gcloud uses it to tell a service config from an OpenAPI document"}}
}

// checkConfigVersion wants config_version 3, the only version Service Management writes.
func checkConfigVersion(root *yaml.Node, fileOf map[*yaml.Node]string) diag.List {
	var last *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		if k := root.Content[i].Value; k == "config_version" || k == "configVersion" {
			last = root.Content[i+1]
		}
	}
	if last == nil {
		return diag.List{{Pos: diag.Pos{File: fileOf[root], Line: root.Line, Col: root.Column}, Rule: RuleConfigVersion, Severity: diag.Error, Field: "config_version",
			Message: "missing `config_version: 3`", Hint: "add `config_version: 3`; it is the only version Service Management accepts"}}
	}
	for last.Kind == yaml.AliasNode && last.Alias != nil {
		last = last.Alias
	}
	if last.Kind == yaml.ScalarNode && strings.TrimSpace(last.Value) == "3" {
		return nil
	}
	if last.Kind == yaml.MappingNode { // the wrapper's JSON form {value: 3}
		for i := 0; i+1 < len(last.Content); i += 2 {
			if last.Content[i].Value == "value" && last.Content[i+1].Value == "3" {
				return nil
			}
		}
	}
	return diag.List{{Pos: diag.Pos{File: fileOf[last], Line: last.Line, Col: last.Column}, Rule: RuleConfigVersion, Severity: diag.Error, Field: "config_version",
		Message: fmt.Sprintf("config_version is %s, want 3", strconv.Quote(last.Value)), Hint: "set `config_version: 3`"}}
}

// mergeNodes merges src into dst with protobuf merge semantics.
func mergeNodes(dst, src *yaml.Node) {
	for i := 0; i+1 < len(src.Content); i += 2 {
		sk, sv := src.Content[i], src.Content[i+1]
		j := findKey(dst, sk.Value)
		if j < 0 {
			dst.Content = append(dst.Content, sk, sv)
			continue
		}
		dv := dst.Content[j+1]
		switch {
		case dv.Kind == yaml.MappingNode && sv.Kind == yaml.MappingNode:
			mergeNodes(dv, sv)
		case dv.Kind == yaml.SequenceNode && sv.Kind == yaml.SequenceNode:
			dv.Content = append(dv.Content, sv.Content...)
		default:
			dst.Content[j], dst.Content[j+1] = sk, sv
		}
	}
}

// findKey finds a key, treating snake_case and lowerCamel spellings as the same field.
func findKey(m *yaml.Node, key string) int {
	want := canonicalKey(key)
	for i := 0; i+1 < len(m.Content); i += 2 {
		if canonicalKey(m.Content[i].Value) == want {
			return i
		}
	}
	return -1
}

func canonicalKey(k string) string {
	var b strings.Builder
	for _, r := range k {
		switch {
		case r == '_':
		case r >= 'A' && r <= 'Z':
			b.WriteRune(r + ('a' - 'A'))
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
