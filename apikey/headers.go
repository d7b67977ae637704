package apikey

import (
	"net/http"
	"net/textproto"
)

// HeaderOptions say which consumer headers the backend gets.
type HeaderOptions struct {
	// Prefix is --generated_header_prefix (default "X-Endpoint-").
	Prefix string
	// ESPv1ProjectID also sends `<prefix>API-Project-ID` with the consumer's project id, as
	// ESPv1 did, for backends that have not moved to the ESPv2 headers yet.
	ESPv1ProjectID bool
}

// Consumer header names.
const (
	defaultPrefix        = "X-Endpoint-"
	consumerTypeSuffix   = "API-Consumer-Type"
	consumerNumberSuffix = "API-Consumer-Number"
	projectIDSuffix      = "API-Project-ID"
	// consumerTypeProject is the only consumer type a local key store has.
	consumerTypeProject = "PROJECT"
)

// SetBackendHeaders prepares the consumer headers of the request sent to the backend. It
// first removes every client-sent copy of them (also the X-Endpoint- ones when the prefix is
// customised), on every request (stricter than ESPv2, which passes them through unless a
// Check answered), then, for a checked consumer, sets
// `<prefix>API-Consumer-Type: PROJECT` and `<prefix>API-Consumer-Number: <project number>`
// as ESPv2 does, and with ESPv1ProjectID `<prefix>API-Project-ID: <project id>`. A consumer
// that was not checked (allow_unregistered_calls) gets no headers, as in ESPv2.
func SetBackendHeaders(h http.Header, c *Consumer, o HeaderOptions) {
	names := consumerHeadersFor(o.Prefix)
	for _, n := range [...]consumerHeaders{names, defaultConsumerHeaders} {
		// With a custom prefix the default-prefixed copies go too: a backend written for
		// ESPv2's defaults must not trust a client's.
		delete(h, n.typ)
		delete(h, n.number)
		delete(h, n.projectID)
	}
	if c == nil || !c.Checked {
		return
	}
	h[names.typ] = []string{consumerTypeProject}
	h[names.number] = []string{c.ProjectNumber}
	if o.ESPv1ProjectID {
		h[names.projectID] = []string{c.ProjectID}
	}
}

// consumerHeaders are the canonical header names for one prefix, worked out once: building
// and canonicalising them on every request cost allocations on the proxy's hot path.
type consumerHeaders struct{ typ, number, projectID string }

var defaultConsumerHeaders = newConsumerHeaders(defaultPrefix)

func newConsumerHeaders(prefix string) consumerHeaders {
	canon := textproto.CanonicalMIMEHeaderKey
	return consumerHeaders{canon(prefix + consumerTypeSuffix), canon(prefix + consumerNumberSuffix), canon(prefix + projectIDSuffix)}
}

func consumerHeadersFor(prefix string) consumerHeaders {
	if prefix == "" || prefix == defaultPrefix {
		return defaultConsumerHeaders
	}
	return newConsumerHeaders(prefix)
}
