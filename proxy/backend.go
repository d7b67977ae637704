package proxy

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/espctl/espctl/translate"
)

// target is a resolved backend: where to send a method's requests and how.
type target struct {
	// scheme is the upstream URL scheme: "http" or "https".
	scheme string
	// hostport is the dial address; hostname is the TLS server name and the Host header
	// sent to remote backends.
	hostport, hostname string
	// path is the address path used by path translation ("" for none).
	path string
	// grpc means the backend speaks gRPC (grpc:// or grpcs://).
	grpc bool
	// h2 means HTTP/2 to the backend (gRPC, or an HTTP backend with protocol h2).
	h2 bool
	// local is the --backend default; Host is not rewritten for it.
	local bool
	// name is the backend as configured (`grpc://127.0.0.1:8081`), for logs.
	name string
	// translation is the path translation mode ("" for none).
	translation string
	// deadline is the unary response deadline.
	deadline time.Duration
	// idle is the stream idle timeout (translate.Backend.IdleTimeoutSeconds), 0 for none.
	idle time.Duration
	// transport caches transportPool.get's answer for this target (the pool never replaces a
	// transport), so a request skips the pool's key and lock.
	transport atomic.Pointer[http.Transport]
}

func (t *target) String() string { return t.name }

// poolKey identifies the transport (and so the connection pool) a target uses.
func (t *target) poolKey() string {
	return t.scheme + "|" + t.hostport + "|" + strconv.FormatBool(t.h2)
}

// resolveTarget turns a translate.Backend into a target; local methods use the config's
// LocalBackend.
func resolveTarget(b translate.Backend, local translate.Backend, defaultDeadline time.Duration) (*target, error) {
	deadline, idle := b.DeadlineSeconds, b.IdleTimeoutSeconds
	if b.Local || b.Host == "" && b.Address == "" {
		// The local backend takes the method's deadline but the --backend address.
		keep := b
		b = local
		b.Local = true
		if keep.DeadlineSeconds > 0 {
			deadline = keep.DeadlineSeconds
		}
		if keep.IdleTimeoutSeconds > 0 {
			idle = keep.IdleTimeoutSeconds
		}
		if b.Host == "" && b.Address == "" {
			return nil, errors.New("no backend address (--backend)")
		}
		// The local backend gets no path translation.
		b.PathTranslation = ""
	}
	if b.Host == "" {
		return nil, fmt.Errorf("backend %q has no host", b.Address)
	}
	t := &target{hostname: b.Host, path: b.Path, local: b.Local, translation: b.PathTranslation}
	port := b.Port
	switch b.Scheme {
	case "grpc":
		t.scheme, t.grpc, t.h2 = "http", true, true
	case "grpcs":
		t.scheme, t.grpc, t.h2 = "https", true, true
	case "https":
		t.scheme = "https"
		t.h2 = b.Protocol == "h2"
	case "http", "":
		t.scheme = "http"
		t.h2 = b.Protocol == "h2"
	default:
		return nil, fmt.Errorf("backend %q: unsupported scheme %q", b.Address, b.Scheme)
	}
	if b.Protocol == "grpc" {
		t.grpc, t.h2 = true, true
	}
	if port == 0 {
		port = 80
		if t.scheme == "https" {
			port = 443
		}
	}
	t.hostport = net.JoinHostPort(b.Host, strconv.Itoa(port))
	scheme := b.Scheme
	if scheme == "" {
		scheme = "http"
	}
	t.name = scheme + "://" + t.hostport
	t.deadline = defaultDeadline
	if deadline > 0 {
		t.deadline = time.Duration(deadline * float64(time.Second))
	}
	t.idle = time.Duration(idle * float64(time.Second))
	return t, nil
}

// transportPool keeps one http.Transport per backend across reloads, so connections (and
// HTTP/2 multiplexing) survive a config swap.
type transportPool struct {
	tlsConfig *tls.Config
	mu        sync.Mutex
	m         map[string]*http.Transport
}

func newTransportPool(tlsConfig *tls.Config) *transportPool {
	return &transportPool{tlsConfig: tlsConfig, m: map[string]*http.Transport{}}
}

func (p *transportPool) get(t *target) *http.Transport {
	if tr := t.transport.Load(); tr != nil {
		return tr
	}
	tr := p.lookup(t)
	t.transport.Store(tr)
	return tr
}

func (p *transportPool) lookup(t *target) *http.Transport {
	key := t.poolKey()
	p.mu.Lock()
	defer p.mu.Unlock()
	if tr, ok := p.m[key]; ok {
		return tr
	}
	tr := &http.Transport{
		DialContext:           dialWithRetry,
		MaxIdleConns:          1024,
		MaxIdleConnsPerHost:   256,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   20 * time.Second,
		ExpectContinueTimeout: time.Second,
		// The proxy forwards bodies as they are; it must not ask for gzip on the client's behalf.
		DisableCompression: true,
		Protocols:          new(http.Protocols),
	}
	if p.tlsConfig != nil {
		tr.TLSClientConfig = p.tlsConfig.Clone()
	} else {
		tr.TLSClientConfig = &tls.Config{}
	}
	tr.TLSClientConfig.ServerName = t.hostname
	switch {
	case t.h2 && t.scheme == "http":
		tr.Protocols.SetUnencryptedHTTP2(true)
	case t.h2:
		tr.Protocols.SetHTTP2(true)
	default:
		tr.Protocols.SetHTTP1(true)
	}
	if t.h2 {
		tr.HTTP2 = &http.HTTP2Config{
			// ESPv2 pings HTTP/2 upstreams every 30 s and drops them after 10 s of silence.
			SendPingTimeout: 30 * time.Second,
			PingTimeout:     10 * time.Second,
		}
	}
	p.m[key] = tr
	return tr
}

func (p *transportPool) closeIdle() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, tr := range p.m {
		tr.CloseIdleConnections()
	}
}

// connectTimeout is ESPv2's --cluster_connect_timeout default.
const connectTimeout = 20 * time.Second

// dialWithRetry dials once more when the first attempt is refused: ESPv2 retries
// connect failures once by default (--backend_retry_ons, --backend_retry_num).
func dialWithRetry(ctx context.Context, network, addr string) (net.Conn, error) {
	d := net.Dialer{Timeout: connectTimeout, KeepAlive: 30 * time.Second}
	c, err := d.DialContext(ctx, network, addr)
	if err == nil || ctx.Err() != nil || !errors.Is(err, syscall.ECONNREFUSED) {
		return c, err
	}
	return d.DialContext(ctx, network, addr)
}

// upstreamError maps a failed round trip to ESPv2's status and message (headers-and-errors.md 2.4).
func upstreamError(err error, deadlineHit bool) (int, string) {
	if deadlineHit {
		return http.StatusGatewayTimeout, msgTimeout
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return http.StatusServiceUnavailable, msgNoHealthy
	}
	if errors.Is(err, syscall.ECONNREFUSED) {
		return http.StatusServiceUnavailable, msgConnectRefused
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return http.StatusServiceUnavailable, msgConnectFailure + opErr.Err.Error()
	}
	return http.StatusServiceUnavailable, msgConnectionReset
}
