package flags

import (
	"net"
	"strconv"
	"strings"
)

// dns converts nginx's resolver value to ESPv2's `;`-separated IP[:PORT] list
// (flag-migration.md 2.6).
func (m *migration) dns() {
	a, ok := m.last["dns"]
	if !ok {
		if !m.serverless() {
			m.implicit("--dns", "", ActionRenamed, SeverityInfo, nil,
				"ESPv1 resolved backend names with 8.8.8.8; ESPv2 uses the container's /etc/resolv.conf. Add --dns_resolver_addresses=8.8.8.8 only to keep the old resolver on purpose.")
		}
		return
	}
	var items, params, bad []string
	for _, f := range strings.Fields(a.Value) {
		switch {
		case strings.Contains(f, "="):
			params = append(params, f)
		case isIPv4WithPort(f):
			items = append(items, f)
		default:
			bad = append(bad, f)
		}
	}
	if len(bad) > 0 || len(items) == 0 {
		m.find(a, ActionReplaced, SeverityError, nil,
			"ESPv2 takes only IPv4 addresses (IP or IP:PORT, separated by ;) for --dns_resolver_addresses; cannot convert %q. Use the resolver's IP address.", strings.Join(bad, " "))
		return
	}
	repl := []string{m.emit("dns_resolver_addresses", strings.Join(items, ";"))}
	if len(items) == 1 && len(params) == 0 {
		m.find(a, ActionRenamed, SeverityInfo, repl, "start_proxy.py maps --dns the same way. Guide: same behaviour, different default.")
		return
	}
	msg := "nginx's space-separated list written in ESPv2's ;-separated form (quote the ; in a shell)."
	if len(params) > 0 {
		msg += " Dropped nginx resolver parameters: " + strings.Join(params, " ") + "."
	}
	m.find(a, ActionReplaced, SeverityInfo, repl, "%s", msg)
}

func isIPv4WithPort(s string) bool {
	host, port, hasPort := strings.Cut(s, ":")
	ip := net.ParseIP(host)
	if ip == nil || ip.To4() == nil {
		return false
	}
	if hasPort {
		n, err := strconv.Atoi(port)
		return err == nil && n > 0 && n < 65536
	}
	return true
}

// clientIP converts the X-Forwarded-For trust settings (flag-migration.md 2.8). ESPv1 counted
// from the left (or from the right for negative positions); Envoy only counts trusted hops from
// the right.
func (m *migration) clientIP() {
	x, hasX := m.last["xff_trusted_proxy_list"]
	h, hasH := m.last["client_ip_header"]
	p, hasP := m.last["client_ip_position"]
	if !hasX && !hasH && !hasP && !m.serverless() {
		m.implicit("--xff_trusted_proxy_list", "", ActionReplaced, SeverityInfo, nil,
			"the client IP changes: ESPv1 trusted every proxy and used the leftmost X-Forwarded-For entry; ESPv2 uses the 3rd entry from the right (--envoy_xff_num_trusted_hops=2, serverless: the rightmost). Set --envoy_xff_num_trusted_hops to the number of trusted proxies in front of ESPv2 minus one.")
	}
	if hasX {
		if isDefaultTrustList(x.Value) {
			m.find(x, ActionReplaced, SeverityInfo, nil, "ESPv1's default (trust everything); nothing to carry over, but the client IP now comes from the right end of X-Forwarded-For (ESPv2 default: 3rd from the right).")
		} else {
			m.find(x, ActionReplaced, SeverityError, nil,
				"ESPv2 cannot trust address ranges; it trusts a number of hops counted from the right of X-Forwarded-For. If H trusted proxies (including the one connecting to ESPv2) append to X-Forwarded-For, use --envoy_xff_num_trusted_hops=H-1 (or --envoy_use_remote_address --envoy_xff_num_trusted_hops=H). Guide: replaced by the two envoy flags.")
		}
	}
	if hasH {
		switch pos, err := strconv.Atoi(strings.TrimSpace(p.Value)); {
		case !strings.EqualFold(strings.TrimSpace(h.Value), "X-Forwarded-For"):
			m.find(h, ActionUnsupported, SeverityError, nil, "ESPv2 takes the client IP only from X-Forwarded-For (or the TCP peer); header %q has no equivalent.", h.Value)
		case hasP && err != nil:
			m.find(h, ActionReplaced, SeverityError, nil, "--client_ip_position=%q is not a number; cannot convert.", p.Value)
		case hasP && pos < 0:
			repl := []string{m.emit("envoy_xff_num_trusted_hops", strconv.Itoa(-pos-1))}
			msg := "position -K (counted from the right) is --envoy_xff_num_trusted_hops=K-1 with --envoy_use_remote_address off. Guide: replaced by the two envoy flags."
			m.find(h, ActionReplaced, SeverityInfo, repl, "%s", msg)
			m.find(p, ActionReplaced, SeverityInfo, repl, "%s", msg)
		default:
			m.find(h, ActionReplaced, SeverityError, nil,
				"a position counted from the left (%d) has no ESPv2 equivalent: Envoy counts trusted hops from the right. If every request carries exactly H X-Forwarded-For entries, position P is --envoy_xff_num_trusted_hops=H-P-1.", max(pos, 0))
		}
	}
	if hasP && !m.done[p.Index] {
		if hasH {
			m.find(p, ActionReplaced, SeverityInfo, nil, "see --client_ip_header.")
		} else {
			m.find(p, ActionRemoved, SeverityInfo, nil, "dropped: ESPv1 ignored it without --client_ip_header as well.")
		}
	}
}

func isDefaultTrustList(v string) bool {
	seen := map[string]bool{}
	for _, item := range strings.Split(v, ",") {
		seen[strings.TrimSpace(item)] = true
	}
	return len(seen) == 2 && seen["0.0.0.0/0"] && seen["0::/0"]
}
