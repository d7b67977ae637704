package translate

import (
	"fmt"
	"sort"

	"github.com/espctl/espctl/httprule"
)

// sortRoutes orders routes by ESPv2's precedence (proxy-behavior.md section 4) and rejects
// duplicate patterns.
//
// The routes go into a trie keyed by path segment (a variable counts as its wildcard, a verb
// as one more segment) and are read back depth first:
//   - at a node, routes ending there come before the node's children, except at a `**` node,
//     where the children (longer templates after the `**`) come first;
//   - children in the order: literals (byte order), then `*`, then `**`;
//   - within a node, HTTP methods in byte order, `*` (any method) last.
//
// Two routes with the same method ending at the same node are duplicates; the error names the
// later one, as ESPv2's sorter does.
func sortRoutes(routes []Route) ([]Route, error) {
	root := &trieNode{}
	for i := range routes {
		n := root
		for _, k := range trieKeys(routes[i].Template) {
			n = n.child(k)
		}
		for _, j := range n.routes {
			if routes[j].Method == routes[i].Method {
				op := routes[i].Selector
				if routes[i].Kind == RouteHealthz {
					op = HealthCheckOperation
				}
				return nil, fmt.Errorf("%s has duplicate http pattern `%s %s`", op, routes[i].Method, routes[i].Pattern)
			}
		}
		n.routes = append(n.routes, i)
	}
	out := make([]Route, 0, len(routes))
	root.walk(routes, &out)
	return out, nil
}

// trieKeys are a template's trie keys: `*` and `**` for wildcards (variables count as what
// they match), `=`+value for literals, and the verb as a last literal.
func trieKeys(t httprule.Template) []string {
	keys := make([]string, 0, len(t.Segments)+1)
	for _, s := range t.Segments {
		switch s.Kind {
		case httprule.Wildcard:
			keys = append(keys, "*")
		case httprule.DoubleWildcard:
			keys = append(keys, "**")
		default:
			keys = append(keys, "="+s.Value)
		}
	}
	if t.Verb != "" {
		keys = append(keys, "="+t.Verb)
	}
	return keys
}

type trieNode struct {
	key      string
	children []*trieNode
	// index finds children by key once there are many (most nodes have one or two, and a map
	// per node would dominate the cost of sorting large configs).
	index  map[string]*trieNode
	routes []int // indexes into the routes being sorted
}

const trieIndexThreshold = 8

func (n *trieNode) child(k string) *trieNode {
	if n.index != nil {
		if c := n.index[k]; c != nil {
			return c
		}
	} else {
		for _, c := range n.children {
			if c.key == k {
				return c
			}
		}
	}
	c := &trieNode{key: k}
	n.children = append(n.children, c)
	if n.index != nil {
		n.index[k] = c
	} else if len(n.children) > trieIndexThreshold {
		n.index = make(map[string]*trieNode, 2*len(n.children))
		for _, c := range n.children {
			n.index[c.key] = c
		}
	}
	return c
}

func (n *trieNode) walk(routes []Route, out *[]Route) {
	if n.key != "**" {
		n.emit(routes, out)
	}
	for _, c := range n.sortedChildren() {
		c.walk(routes, out)
	}
	if n.key == "**" {
		n.emit(routes, out)
	}
}

func (n *trieNode) emit(routes []Route, out *[]Route) {
	idx := n.routes
	if len(idx) > 1 {
		sort.SliceStable(idx, func(i, j int) bool {
			return methodLess(routes[idx[i]].Method, routes[idx[j]].Method)
		})
	}
	for _, i := range idx {
		*out = append(*out, routes[i])
	}
}

// methodLess orders HTTP methods alphabetically with `*` last.
func methodLess(a, b string) bool {
	if (a == "*") != (b == "*") {
		return b == "*"
	}
	return a < b
}

func (n *trieNode) sortedChildren() []*trieNode {
	cs := n.children
	sort.Slice(cs, func(i, j int) bool {
		ri, rj := keyRank(cs[i].key), keyRank(cs[j].key)
		if ri != rj {
			return ri < rj
		}
		return cs[i].key < cs[j].key
	})
	return cs
}

// keyRank puts literals before `*` before `**`.
func keyRank(k string) int {
	switch k {
	case "*":
		return 1
	case "**":
		return 2
	}
	return 0
}
