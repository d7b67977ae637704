package translate

import (
	"fmt"

	"github.com/espctl/espctl/httprule"
)

// sortRoutes rejects duplicate patterns and orders routes by ESPv2's precedence
// (proxy-behavior.md section 4, implemented by httprule.Sort, which every consumer shares):
//   - at each segment, literals (byte order) before `*` before `**`;
//   - a template ending at a node comes before longer ones, except after a trailing `**`,
//     which comes after them;
//   - for one template, HTTP methods in byte order, `*` (any method) last.
//
// Two routes collide when they have the same httprule.DuplicateKey (same method, variables
// counted as their wildcards, the verb as one more segment); the error names the later one,
// as ESPv2's sorter does, and the health route by ESPv2's operation name for it.
func sortRoutes(routes []Route) ([]Route, error) {
	seen := make(map[string]bool, len(routes))
	for i := range routes {
		k := routes[i].Template.DuplicateKey(routes[i].Method)
		if seen[k] {
			op := routes[i].Selector
			if routes[i].Kind == RouteHealthz {
				op = HealthCheckOperation
			}
			return nil, fmt.Errorf("%s has duplicate http pattern `%s %s`", op, routes[i].Method, routes[i].Pattern)
		}
		seen[k] = true
	}
	out := make([]Route, len(routes))
	copy(out, routes)
	httprule.Sort(out, func(r Route) (string, *httprule.Template) { return r.Method, &r.Template })
	return out, nil
}

// matchKey identifies what a template matches, whatever the method.
func matchKey(t httprule.Template) string {
	return t.DuplicateKey("")
}
