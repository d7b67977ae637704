package translate

import (
	"errors"
	"strings"
)

// typeURLPrefix is stripped from `request_type_url` to name the message.
const typeURLPrefix = "type.googleapis.com/"

// isDiscovery reports names that ESPv2 skips: the Google discovery APIs and their rules.
func isDiscovery(name string) bool {
	return strings.HasPrefix(name, "google.discovery")
}

// operationName is `<api>.<method>`. An API without a name (ESPv1-era configs such as the
// esp bookstore.json, whose rules use bare method names) gives the bare method name, so those
// rules still match; ESPv2 would name it `.<method>` and ignore every rule.
func operationName(api, method string) string {
	if api == "" {
		return method
	}
	return api + "." + method
}

// buildOperations creates one Method per `apis[].methods[]` entry, in input order.
func (b *builder) buildOperations() error {
	b.bySelector = map[string]*Method{}
	for _, api := range b.svc.GetApis() {
		if isDiscovery(api.GetName()) {
			continue
		}
		b.cfg.APIs = append(b.cfg.APIs, API{Name: api.GetName(), Version: api.GetVersion()})
		for _, m := range api.GetMethods() {
			sel := operationName(api.GetName(), m.GetName())
			if m.GetName() == "" || b.bySelector[sel] != nil {
				// A nameless method cannot be selected; a repeated one would only shadow the
				// first (ESPv2 keeps one entry per operation name).
				continue
			}
			op := &Method{
				Selector:          sel,
				API:               api.GetName(),
				Name:              m.GetName(),
				RequestType:       strings.TrimPrefix(m.GetRequestTypeUrl(), typeURLPrefix),
				ResponseType:      strings.TrimPrefix(m.GetResponseTypeUrl(), typeURLPrefix),
				RequestStreaming:  m.GetRequestStreaming(),
				ResponseStreaming: m.GetResponseStreaming(),
			}
			b.methods = append(b.methods, op)
			b.bySelector[sel] = op
		}
	}
	if len(b.cfg.APIs) == 0 {
		return errors.New("service config must have one api at least")
	}
	return nil
}

// streaming reports whether ESPv2 treats the method as streaming (no response deadline).
func (m *Method) streaming() bool {
	return m.RequestStreaming || m.ResponseStreaming
}
