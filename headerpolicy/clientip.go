package headerpolicy

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
)

const hdrXFF = "X-Forwarded-For"

// ClientIP returns the downstream client address as Envoy's HTTP connection manager computes it
// with use_remote_address (--envoy_use_remote_address, ESPv2 default off) and
// xff_num_trusted_hops (--envoy_xff_num_trusted_hops, ESPv2 default 2, 0 on serverless),
// counting X-Forwarded-For entries from the right (flag-migration.md 2.8):
//
//   - off, N hops: the (N+1)-th entry from the right;
//   - on, N > 0: the N-th entry from the right (the peer is the (N+1)-th hop);
//   - on, N = 0: the TCP peer;
//   - whenever X-Forwarded-For is absent, too short or the chosen entry is not an IP address:
//     the TCP peer.
//
// With use_remote_address on, call it before AppendXFF (Envoy reads X-Forwarded-For before
// appending the peer). The result is the zero Addr when the peer is not an IP address either
// (a Unix socket). A negative hops counts as 0.
func ClientIP(r *http.Request, useRemoteAddress bool, xffTrustedHops int) netip.Addr {
	peer := PeerAddr(r)
	hops := max(xffTrustedHops, 0)
	xff, present := forwardedFor(r.Header)
	if !present {
		return peer
	}
	skip := hops
	if useRemoteAddress {
		if hops == 0 {
			return peer
		}
		skip = hops - 1
	}
	if a, ok := LastAddressFromXFF(xff, skip); ok {
		return a
	}
	return peer
}

// PeerAddr is the TCP peer of the request (r.RemoteAddr), IPv4-mapped IPv6 addresses unmapped
// and zones dropped; the zero Addr when RemoteAddr is not IP:port.
func PeerAddr(r *http.Request) netip.Addr {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		// RemoteAddr without a port (some in-process requests) is still an address.
		a, err := netip.ParseAddr(r.RemoteAddr)
		if err != nil {
			return netip.Addr{}
		}
		return a.Unmap().WithZone("")
	}
	return ap.Addr().Unmap().WithZone("")
}

// forwardedFor is X-Forwarded-For as Envoy holds it: one value, repeated header lines joined
// with ",". present is false when the header is missing (not when it is empty).
func forwardedFor(h http.Header) (value string, present bool) {
	v, ok := h[hdrXFF]
	if !ok || len(v) == 0 {
		return "", false
	}
	if len(v) == 1 {
		return v[0], true
	}
	return strings.Join(v, ","), true
}

// LastAddressFromXFF is Envoy's getLastAddressFromXFF: drop numToSkip entries from the right,
// then parse the last remaining entry (spaces and tabs trimmed) as a plain IPv4 or IPv6 address.
// Like Envoy it fails when there are not enough commas, when the entry is not an address
// (ports, brackets and zones are refused), and, a quirk kept on purpose, when the value ends
// with a comma after skipping (the "entry" is then the whole remaining text).
func LastAddressFromXFF(xff string, numToSkip int) (netip.Addr, bool) {
	for range numToSkip {
		i := strings.LastIndexByte(xff, ',')
		if i < 0 {
			return netip.Addr{}, false
		}
		xff = xff[:i]
	}
	if i := strings.LastIndexByte(xff, ','); i >= 0 && i+1 < len(xff) {
		xff = xff[i+1:]
	}
	xff = strings.Trim(xff, " \t")
	a, err := netip.ParseAddr(xff)
	if err != nil || a.Zone() != "" {
		return netip.Addr{}, false
	}
	return a, true
}

// AppendXFF appends the TCP peer to X-Forwarded-For as Envoy does with use_remote_address, and
// does nothing without it (ESPv2's default: the header reaches the backend unchanged). The
// entry is added after a bare "," (no space); a header that is absent or empty becomes the
// peer alone. A loopback peer is replaced by the host's own address, as Envoy writes its
// local address for those (the first non-loopback IPv4 address of the machine, 127.0.0.1 when
// there is none). An invalid peer (Unix socket) appends nothing.
func AppendXFF(h http.Header, peer netip.Addr, useRemoteAddress bool) {
	if !useRemoteAddress || !peer.IsValid() {
		return
	}
	peer = peer.Unmap().WithZone("")
	if peer.IsLoopback() {
		peer = localAddress()
	}
	old, _ := forwardedFor(h)
	if old == "" {
		h.Set(hdrXFF, peer.String())
		return
	}
	h.Set(hdrXFF, old+","+peer.String())
}

// localAddress is Envoy's local_info address: looked up once; a variable for tests.
var localAddress = sync.OnceValue(hostIPv4)

// hostIPv4 is the first non-loopback IPv4 address of the host's interfaces, or 127.0.0.1.
func hostIPv4() netip.Addr {
	addrs, err := net.InterfaceAddrs()
	if err == nil {
		for _, a := range addrs {
			ipnet, ok := a.(*net.IPNet)
			if !ok {
				continue
			}
			ip, ok := netip.AddrFromSlice(ipnet.IP)
			if ok && ip.Unmap().Is4() && !ip.Unmap().IsLoopback() {
				return ip.Unmap()
			}
		}
	}
	return netip.AddrFrom4([4]byte{127, 0, 0, 1})
}

// isInternal is Envoy's default internal-address test: 10/8, 172.16/12, 192.168/16, exactly
// 127.0.0.1, fd00::/8 and ::1 [src upstream conn_manager_utility / network utility].
func isInternal(a netip.Addr) bool {
	a = a.Unmap()
	if a.Is4() {
		b := a.As4()
		return b[0] == 10 || (b[0] == 192 && b[1] == 168) || (b[0] == 172 && b[1] >= 16 && b[1] <= 31) || b == [4]byte{127, 0, 0, 1}
	}
	if a.Is6() {
		return a.As16()[0] == 0xfd || a == netip.IPv6Loopback()
	}
	return false
}
