package headerpolicy

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/netip"
)

const (
	hdrForwardedProto = "X-Forwarded-Proto"
	hdrRequestID      = "X-Request-Id"
)

// Forwarding is the client-address part of ESPv2's HTTP connection manager.
type Forwarding struct {
	// UseRemoteAddress is --envoy_use_remote_address (default off).
	UseRemoteAddress bool
	// XFFNumTrustedHops is --envoy_xff_num_trusted_hops (ESPv2 default 2; the launcher passes
	// 0 on serverless).
	XFFNumTrustedHops int
}

// Apply rewrites a client request's headers as Envoy's connection manager does before the
// filters run, and returns the client address (ClientIP) for logs and API-key IP restrictions:
//
//  1. StripRequest, and repeated X-Forwarded-For lines joined with ",";
//  2. the client address, read before X-Forwarded-For changes;
//  3. AppendXFF (only with UseRemoteAddress);
//  4. X-Forwarded-Proto set to http/https (r.TLS) when absent, and also overwritten when
//     UseRemoteAddress is on with 0 trusted hops (the previous hop is not trusted);
//  5. X-Request-Id set to a new UUID when absent, and also replaced on edge requests
//     (UseRemoteAddress on and the request not internal: X-Forwarded-For was present, or the
//     peer is not 10/8, 172.16/12, 192.168/16, 127.0.0.1, fd00::/8 or ::1).
//
// One difference from Envoy, on purpose: Envoy keeps the control headers and adds
// `x-envoy-internal: true` for requests it classifies as internal; espctl strips them from
// every request and never adds x-envoy-internal.
func (f Forwarding) Apply(r *http.Request) netip.Addr {
	h := r.Header
	StripRequest(h)
	// Envoy holds repeated X-Forwarded-For lines as one comma-joined value, and so does the
	// backend receive it.
	if xff, ok := forwardedFor(h); ok && len(h[hdrXFF]) > 1 {
		h.Set(hdrXFF, xff)
	}
	_, hadXFF := forwardedFor(h)
	peer := PeerAddr(r)
	client := ClientIP(r, f.UseRemoteAddress, f.XFFNumTrustedHops)
	AppendXFF(h, peer, f.UseRemoteAddress)

	if _, ok := h[hdrForwardedProto]; !ok || (f.UseRemoteAddress && f.XFFNumTrustedHops <= 0) {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		h.Set(hdrForwardedProto, scheme)
	}

	internal := !hadXFF && peer.IsValid() && isInternal(peer)
	edge := f.UseRemoteAddress && !internal
	if _, ok := h[hdrRequestID]; !ok || edge {
		h.Set(hdrRequestID, NewRequestID())
	}
	return client
}

// NewRequestID returns a random version 4 UUID, the form Envoy generates for x-request-id.
func NewRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var out [36]byte
	hex.Encode(out[0:8], b[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], b[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], b[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], b[8:10])
	out[23] = '-'
	hex.Encode(out[24:], b[10:])
	return string(out[:])
}
