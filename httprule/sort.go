package httprule

import (
	"cmp"
	"slices"
)

// Sort orders items the way ESPv2 orders its API routes (first match wins), stably.
//
// ESPv2 inserts every (method, template) in a trie keyed by path segments, where a variable
// counts as its wildcards and a verb is one more trailing segment, then reads the trie back
// depth-first:
//
//   - patterns ending at a node come before the node's children, except at a `**` node, whose
//     children (longer templates after `**`) come first and the `**` pattern itself last;
//   - children in the order: literal segments (byte-wise alphabetical), then `*`, then `**`;
//   - patterns ending at the same node: HTTP methods alphabetical, `*` (any method) last.
//
// So `GET /a, GET /a/x, GET /a/*, GET /a/**/b, GET /a/**` and
// `DELETE /a, GET /a, POST /a, PUT /a, * /a`. Sort does not reject duplicates: items with the
// same DuplicateKey keep their input order; check DuplicateKey first. Items whose key returns
// a nil template sort last.
func Sort[T any](items []T, key func(T) (method string, t *Template)) {
	type entry struct {
		item   T
		method string
		path   []string
		valid  bool
	}
	entries := make([]entry, len(items))
	for i, it := range items {
		method, t := key(it)
		entries[i] = entry{item: it, method: method, path: t.keySegments(), valid: t != nil}
	}
	slices.SortStableFunc(entries, func(a, b entry) int {
		if a.valid != b.valid {
			if a.valid {
				return -1
			}
			return 1
		}
		return compareKeys(a.method, a.path, b.method, b.path)
	})
	for i := range entries {
		items[i] = entries[i].item
	}
}

// Compare orders two bindings as Sort does: negative when (aMethod, a) comes first.
func Compare(aMethod string, a *Template, bMethod string, b *Template) int {
	return compareKeys(aMethod, a.keySegments(), bMethod, b.keySegments())
}

// compareKeys compares two trie paths: the first differing segment decides, by child order;
// when one path is a prefix of the other, the shorter (the pattern at the inner node) comes
// first unless that node is `**`; equal paths compare by method.
func compareKeys(aMethod string, a []string, bMethod string, b []string) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return compareChildren(a[i], b[i])
		}
	}
	switch {
	case len(a) == len(b):
		return compareMethods(aMethod, bMethod)
	case len(a) < len(b):
		if len(a) > 0 && a[len(a)-1] == "**" {
			return 1
		}
		return -1
	default:
		if len(b) > 0 && b[len(b)-1] == "**" {
			return -1
		}
		return 1
	}
}

// childRank puts literals before `*` before `**`. It classifies by text, as ESPv2's trie does,
// so a verb spelled `*` sorts like a wildcard there too.
func childRank(seg string) int {
	switch seg {
	case "*":
		return 1
	case "**":
		return 2
	}
	return 0
}

func compareChildren(a, b string) int {
	if c := cmp.Compare(childRank(a), childRank(b)); c != 0 {
		return c
	}
	return cmp.Compare(a, b)
}

func compareMethods(a, b string) int {
	if (a == "*") != (b == "*") {
		if a == "*" {
			return 1
		}
		return -1
	}
	return cmp.Compare(a, b)
}
