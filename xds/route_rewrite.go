package xds

import (
	"strings"

	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	matcherv3 "github.com/envoyproxy/go-control-plane/envoy/type/matcher/v3"

	"github.com/espctl/espctl/httprule"
	"github.com/espctl/espctl/translate"
)

// rewriteVariant is one route of a template: its path rewrite and, when the rewrite depends on
// it, a check on whether the request has a query string.
type rewriteVariant struct {
	rewrite *matcherv3.RegexMatchAndSubstitute
	query   *routev3.HeaderMatcher
}

// rewriteVariants translates a backend rule's path_translation into Envoy path rewrites
// (proxy-behavior.md section 7). Envoy rewrites only the path and keeps the query string after
// it, which gives ESPv2's result in every case but one: CONSTANT_ADDRESS with path variables puts
// the bindings into the query, after the request's own query. Envoy cannot write there, so a
// request that has a query string gets the constant path and its query without the bindings
// (a second route, told apart by `?` in :path); docs/xds.md lists this difference.
func rewriteVariants(b translate.Backend, t httprule.Template, disallowColon bool) ([]rewriteVariant, error) {
	if isLocal(b) || b.Address == "" {
		return []rewriteVariant{{}}, nil
	}
	switch b.PathTranslation {
	case "APPEND_PATH_TO_ADDRESS":
		if b.Path == "" || b.Path == "/" {
			return []rewriteVariant{{}}, nil
		}
		return []rewriteVariant{{rewrite: substitute(`^(.*)$`, literal(b.Path)+`\1`)}}, nil
	case "CONSTANT_ADDRESS":
		path := literal(b.Path)
		if path == "" {
			path = "/"
		}
		bindings := constantBindings(t)
		if bindings == "" {
			return []rewriteVariant{{rewrite: substitute(`^.*$`, path)}}, nil
		}
		if isExactTemplate(t) {
			// Literal-only variables: the bindings are constants too, but a request query
			// would still come after them.
			return []rewriteVariant{
				{rewrite: substitute(`^.*$`, path+"?"+bindings), query: queryHeader(false)},
				{rewrite: substitute(`^.*$`, path), query: queryHeader(true)},
			}, nil
		}
		capture := templateRegex(t, disallowColon, true)
		return []rewriteVariant{
			{rewrite: substitute(capture, path+"?"+bindings), query: queryHeader(false)},
			{rewrite: substitute(`^.*$`, path), query: queryHeader(true)},
		}, nil
	}
	return []rewriteVariant{{}}, nil
}

// literal escapes text for an RE2 substitution, where `\` starts a group reference.
func literal(s string) string { return strings.ReplaceAll(s, `\`, `\\`) }

func substitute(pattern, with string) *matcherv3.RegexMatchAndSubstitute {
	return &matcherv3.RegexMatchAndSubstitute{Pattern: &matcherv3.RegexMatcher{Regex: pattern}, Substitution: with}
}

// queryHeader matches requests whose :path has (or, with has false, lacks) a query string.
func queryHeader(has bool) *routev3.HeaderMatcher {
	return &routev3.HeaderMatcher{
		Name: ":path",
		HeaderMatchSpecifier: &routev3.HeaderMatcher_StringMatch{StringMatch: &matcherv3.StringMatcher{
			MatchPattern: &matcherv3.StringMatcher_Contains{Contains: "?"},
		}},
		InvertMatch: !has,
	}
}
