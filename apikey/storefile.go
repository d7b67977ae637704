package apikey

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// MaxStoreBytes bounds the store file: a key store with a million keys is still far smaller.
const MaxStoreBytes = 64 << 20

// LoadError is one problem in a store file, at its position.
type LoadError struct {
	File      string
	Line, Col int
	Msg       string
}

func (e *LoadError) Error() string {
	switch {
	case e.Line > 0 && e.Col > 0:
		return fmt.Sprintf("%s:%d:%d: %s", e.fileName(), e.Line, e.Col, e.Msg)
	case e.Line > 0:
		return fmt.Sprintf("%s:%d: %s", e.fileName(), e.Line, e.Msg)
	}
	return e.fileName() + ": " + e.Msg
}

func (e *LoadError) fileName() string {
	if e.File == "" {
		return "<api keys>"
	}
	return e.File
}

// LoadFile reads and checks a store file. A missing file is an error: a proxy told to check
// keys must not silently run with none.
func LoadFile(path string) (*Store, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading api keys file: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxStoreBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading api keys file: %w", err)
	}
	if len(data) > MaxStoreBytes {
		return nil, &LoadError{File: path, Msg: fmt.Sprintf("file is larger than %d bytes", MaxStoreBytes)}
	}
	return Parse(path, data)
}

// Parse checks a store document strictly: unknown fields, wrong types, bad hashes, CIDRs,
// project numbers, duplicate ids or keys are errors with file:line:col. An empty document is
// an empty store. All problems found are returned together.
func Parse(file string, data []byte) (*Store, error) {
	p := &parser{file: file}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, yamlError(file, err)
	}
	var entries []*Entry
	if len(doc.Content) > 0 {
		entries = p.document(doc.Content[0])
	}
	if len(p.errs) > 0 {
		return nil, errors.Join(p.errs...)
	}
	s, err := NewStore(entries)
	if err != nil {
		var le *LoadError
		if errors.As(err, &le) {
			le.File = file
		}
		return nil, err
	}
	return s, nil
}

type parser struct {
	file string
	errs []error
}

// maxErrors stops a hopeless file from producing a wall of text.
const maxErrors = 20

func (p *parser) errorf(n *yaml.Node, format string, args ...any) {
	if len(p.errs) >= maxErrors {
		return
	}
	p.errs = append(p.errs, &LoadError{File: p.file, Line: n.Line, Col: n.Column, Msg: fmt.Sprintf(format, args...)})
}

func (p *parser) document(n *yaml.Node) []*Entry {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil
	}
	fields, ok := p.mapping(n, "the store")
	if !ok {
		return nil
	}
	var entries []*Entry
	for _, f := range fields {
		switch f.key.Value {
		case "keys":
			entries = p.keys(f.value)
		default:
			p.errorf(f.key, "unknown field %q (the store has only \"keys\")", f.key.Value)
		}
	}
	return entries
}

func (p *parser) keys(n *yaml.Node) []*Entry {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, "keys: want a list of keys")
		return nil
	}
	var out []*Entry
	for _, item := range n.Content {
		if e := p.entry(item); e != nil {
			out = append(out, e)
		}
	}
	return out
}

type field struct{ key, value *yaml.Node }

// mapping returns the fields of a mapping node, refusing aliases, merge keys and duplicates.
func (p *parser) mapping(n *yaml.Node, what string) ([]field, bool) {
	if n.Kind == yaml.AliasNode {
		p.errorf(n, "%s: aliases are not allowed", what)
		return nil, false
	}
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "%s: want a mapping", what)
		return nil, false
	}
	var out []field
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			p.errorf(k, "%s: field names must be plain strings", what)
			continue
		}
		if seen[k.Value] {
			p.errorf(k, "duplicate field %q", k.Value)
			continue
		}
		seen[k.Value] = true
		if v.Kind == yaml.AliasNode {
			p.errorf(v, "%s: aliases are not allowed", k.Value)
			continue
		}
		out = append(out, field{k, v})
	}
	return out, true
}

func (p *parser) entry(n *yaml.Node) *Entry {
	fields, ok := p.mapping(n, "key")
	if !ok {
		return nil
	}
	e := &Entry{Line: n.Line}
	before := len(p.errs)
	var haveID, haveHash, haveProject, haveNumber, haveAPIs bool
	for _, f := range fields {
		v := f.value
		switch f.key.Value {
		case "id":
			haveID = true
			e.ID = p.str(v, "id")
			if e.ID != "" && !validID(e.ID) {
				p.errorf(v, "id: %q: use letters, digits, '-' and '_' only", e.ID)
			}
		case "sha256":
			haveHash = true
			s := p.str(v, "sha256")
			b, err := hex.DecodeString(s)
			if err != nil || len(b) != len(e.Hash) {
				p.errorf(v, "sha256: want the 64 hex digits of the key's SHA-256 (printf %%s KEY | sha256sum)")
			} else {
				copy(e.Hash[:], b)
			}
		case "project_id":
			haveProject = true
			e.ProjectID = p.str(v, "project_id")
		case "project_number":
			haveNumber = true
			e.ProjectNumber = p.str(v, "project_number")
			if e.ProjectNumber != "" && !digits(e.ProjectNumber) {
				p.errorf(v, "project_number: %q is not a number", e.ProjectNumber)
			}
		case "apis":
			haveAPIs = true
			e.APIs = p.strList(v, "apis")
			if len(e.APIs) == 0 && v.Kind == yaml.SequenceNode {
				p.errorf(v, "apis: empty; list the API names the key may call, or \"*\" for every API")
			}
		case "allowed_ips":
			for _, s := range p.strListNodes(v, "allowed_ips") {
				pr, err := ParsePrefix(s.Value)
				if err != nil {
					p.errorf(s, "allowed_ips: %q: want an IP address or CIDR range (10.0.0.0/8, 2001:db8::/32)", s.Value)
					continue
				}
				e.AllowedIPs = append(e.AllowedIPs, pr)
			}
		case "allowed_referrers":
			e.AllowedReferrers = p.strList(v, "allowed_referrers")
			for i, r := range e.AllowedReferrers {
				if r == "" {
					p.errorf(v.Content[i], "allowed_referrers: empty pattern")
				}
			}
		case "revoked":
			e.Revoked = p.boolean(v, "revoked")
		case "expires":
			e.Expires = p.timestamp(v, "expires")
		case "created":
			e.Created = p.timestamp(v, "created")
		default:
			p.errorf(f.key, "unknown field %q (known: id, sha256, project_id, project_number, apis, allowed_ips, allowed_referrers, revoked, expires, created)", f.key.Value)
		}
	}
	for _, req := range []struct {
		have bool
		name string
	}{{haveID, "id"}, {haveHash, "sha256"}, {haveProject, "project_id"}, {haveNumber, "project_number"}, {haveAPIs, "apis"}} {
		if !req.have {
			p.errorf(n, "key: missing field %q", req.name)
		}
	}
	if haveProject && e.ProjectID == "" && len(p.errs) == before {
		p.errorf(n, "key: project_id is empty")
	}
	if len(p.errs) > before {
		return nil
	}
	return e
}

func (p *parser) str(n *yaml.Node, name string) string {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" || n.Tag == "!!map" || n.Tag == "!!seq" {
		p.errorf(n, "%s: want a string", name)
		return ""
	}
	if n.Tag != "!!str" && n.Tag != "!!int" {
		p.errorf(n, "%s: want a string, got %s", name, strings.TrimPrefix(n.Tag, "!!"))
		return ""
	}
	return n.Value
}

func (p *parser) strListNodes(n *yaml.Node, name string) []*yaml.Node {
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, "%s: want a list", name)
		return nil
	}
	var out []*yaml.Node
	for _, c := range n.Content {
		if c.Kind != yaml.ScalarNode || c.Tag != "!!str" && c.Tag != "!!int" {
			p.errorf(c, "%s: want a string", name)
			continue
		}
		out = append(out, c)
	}
	return out
}

func (p *parser) strList(n *yaml.Node, name string) []string {
	var out []string
	for _, c := range p.strListNodes(n, name) {
		out = append(out, c.Value)
	}
	return out
}

func (p *parser) boolean(n *yaml.Node, name string) bool {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
		p.errorf(n, "%s: want true or false", name)
		return false
	}
	b, _ := strconv.ParseBool(strings.ToLower(n.Value))
	return b
}

func (p *parser) timestamp(n *yaml.Node, name string) time.Time {
	if n.Kind == yaml.ScalarNode {
		if t, err := time.Parse(time.RFC3339, n.Value); err == nil {
			return t
		}
	}
	p.errorf(n, "%s: want an RFC 3339 time (2027-01-31T00:00:00Z)", name)
	return time.Time{}
}

// ParsePrefix reads an allowed_ips entry: a CIDR range or a single address (its own /32 or
// /128); IPv4-mapped IPv6 ranges are unmapped, as client addresses are before comparing.
func ParsePrefix(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		pr, err := netip.ParsePrefix(s)
		if err != nil {
			return pr, err
		}
		if pr.Addr().Is4In6() && pr.Bits() >= 96 {
			// Client addresses are compared unmapped, so the range must be too.
			pr = netip.PrefixFrom(pr.Addr().Unmap(), pr.Bits()-96)
		}
		return pr.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}

func validID(s string) bool {
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func digits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

func quote(s string) string { return strconv.Quote(s) }

// yamlLine finds the line yaml.v3 puts in its syntax errors ("yaml: line 3: ...").
var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): `)

// yamlError gives a YAML syntax error the file:line form of every other store error.
func yamlError(file string, err error) error {
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return &LoadError{File: file, Line: line, Msg: msg[len(m[0]):]}
	}
	return &LoadError{File: file, Msg: strings.TrimPrefix(msg, "yaml: ")}
}
