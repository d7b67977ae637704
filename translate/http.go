package translate

import (
	"fmt"

	"google.golang.org/genproto/googleapis/api/annotations"
)

// buildHTTP gives every method its HTTP bindings from the last `http.rules` entry with its
// selector: the rule itself, then its additional_bindings (which may not nest; nested ones
// are ignored, as Service Management rejects them).
func (b *builder) buildHTTP() error {
	rules := map[string]*annotations.HttpRule{}
	for _, r := range b.svc.GetHttp().GetRules() {
		if !isDiscovery(r.GetSelector()) {
			rules[r.GetSelector()] = r // last one wins
		}
	}
	for _, m := range b.methods {
		r := rules[m.Selector]
		if r == nil {
			continue
		}
		names, err := b.jsonNames(m.RequestType)
		if err != nil {
			return fmt.Errorf("operation (%s): %w", m.Selector, err)
		}
		for _, rule := range append([]*annotations.HttpRule{r}, r.GetAdditionalBindings()...) {
			hb, err := httpBinding(rule)
			if err != nil {
				return fmt.Errorf("http rule for operation (%s): %w", m.Selector, err)
			}
			renameVariables(&hb.Template, names)
			m.HTTP = append(m.HTTP, hb)
		}
	}
	return nil
}

// httpBinding reads the verb, template, body and response_body of one rule.
func httpBinding(r *annotations.HttpRule) (HTTPBinding, error) {
	var method, path string
	switch p := r.GetPattern().(type) {
	case *annotations.HttpRule_Get:
		method, path = "GET", p.Get
	case *annotations.HttpRule_Put:
		method, path = "PUT", p.Put
	case *annotations.HttpRule_Post:
		method, path = "POST", p.Post
	case *annotations.HttpRule_Delete:
		method, path = "DELETE", p.Delete
	case *annotations.HttpRule_Patch:
		method, path = "PATCH", p.Patch
	case *annotations.HttpRule_Custom:
		// The kind is used verbatim; `*` means every method.
		method, path = p.Custom.GetKind(), p.Custom.GetPath()
		if method == "" {
			return HTTPBinding{}, fmt.Errorf("custom pattern %q has no kind", path)
		}
	default:
		return HTTPBinding{}, fmt.Errorf("no HTTP method and path (set one of get, put, post, delete, patch, custom)")
	}
	t, err := parseTemplate(path)
	if err != nil {
		return HTTPBinding{}, err
	}
	return HTTPBinding{
		Method:       method,
		Pattern:      path,
		Template:     t,
		Body:         r.GetBody(),
		ResponseBody: r.GetResponseBody(),
	}, nil
}
