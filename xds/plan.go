package xds

import (
	"fmt"
	"net"
	"sort"
	"strconv"
	"strings"

	"github.com/espctl/espctl/translate"
)

// plan is what every generator reads: the config, the options, and the decisions several
// generators share (which clusters exist, whether any backend speaks gRPC), made once here so
// the listener, the routes and the clusters cannot disagree.
type plan struct {
	cfg     *translate.Config
	opts    Options
	methods map[string]*translate.Method // by selector

	// backends are the distinct upstreams, sorted by cluster name.
	backends []upstream
	local    upstream
	// grpc is true when some backend speaks gRPC: it turns on gRPC-Web and transcoding.
	grpc bool
}

// upstream is one backend address as a cluster sees it.
type upstream struct {
	name string
	host string
	port int
	tls  bool
	// http2 is true for gRPC and `protocol: h2` backends.
	http2 bool
	// jwks marks a JWKS host, which never gets the backend client certificate.
	jwks bool
}

func newPlan(cfg *translate.Config, opts Options) (*plan, error) {
	p := &plan{cfg: cfg, opts: opts, methods: map[string]*translate.Method{}, grpc: cfg.GRPCBackend}
	local, err := localUpstream(cfg)
	if err != nil {
		return nil, err
	}
	p.local = local
	byName := map[string]upstream{}
	add := func(b translate.Backend) error {
		if isLocal(b) {
			byName[local.name] = local
			p.grpc = p.grpc || isGRPC(cfg.LocalBackend)
			return nil
		}
		u, err := remoteUpstream(b)
		if err != nil {
			return err
		}
		// The first method that names an address fixes its protocol and TLS, as in ESPv2.
		if _, ok := byName[u.name]; !ok {
			byName[u.name] = u
		}
		p.grpc = p.grpc || isGRPC(b)
		return nil
	}
	if cfg.Healthz != "" || len(cfg.Methods) == 0 {
		byName[local.name] = local
	}
	for i := range cfg.Methods {
		m := &cfg.Methods[i]
		p.methods[m.Selector] = m
		if err := add(m.Backend); err != nil {
			return nil, fmt.Errorf("method %s: %w", m.Selector, err)
		}
		if m.HTTPBackend != nil {
			if err := add(*m.HTTPBackend); err != nil {
				return nil, fmt.Errorf("method %s: http backend: %w", m.Selector, err)
			}
		}
	}
	if err := checkProviders(p); err != nil {
		return nil, err
	}
	for _, u := range byName {
		p.backends = append(p.backends, u)
	}
	sort.Slice(p.backends, func(i, j int) bool { return p.backends[i].name < p.backends[j].name })
	return p, nil
}

// clusterFor names the cluster that serves b, and whether it is a remote (non --backend) one.
func (p *plan) clusterFor(b translate.Backend) (string, bool, error) {
	if isLocal(b) {
		return p.local.name, false, nil
	}
	u, err := remoteUpstream(b)
	if err != nil {
		return "", false, err
	}
	return u.name, true, nil
}

func isLocal(b translate.Backend) bool { return b.Local || b.Address == "" && b.Host == "" }

func isGRPC(b translate.Backend) bool {
	return b.Protocol == "grpc" || strings.HasPrefix(strings.ToLower(b.Scheme), "grpc")
}

// localUpstream is the --backend cluster, named after the service as ESPv2 names it.
func localUpstream(cfg *translate.Config) (upstream, error) {
	b := cfg.LocalBackend
	if b.Host == "" {
		b = translate.Backend{Scheme: "http", Host: "127.0.0.1", Port: 8082, Protocol: "http/1.1"}
	}
	u, err := upstreamFor(b)
	if err != nil {
		return upstream{}, fmt.Errorf("local backend: %w", err)
	}
	u.name = "backend-cluster-" + cfg.Service + "_local"
	return u, nil
}

func remoteUpstream(b translate.Backend) (upstream, error) {
	u, err := upstreamFor(b)
	if err != nil {
		return upstream{}, err
	}
	u.name = "backend-cluster-" + net.JoinHostPort(u.host, strconv.Itoa(u.port))
	return u, nil
}

func upstreamFor(b translate.Backend) (upstream, error) {
	if b.Host == "" {
		return upstream{}, fmt.Errorf("backend %q has no host", b.Address)
	}
	scheme := strings.ToLower(b.Scheme)
	u := upstream{host: b.Host, port: b.Port, tls: b.TLS || strings.HasSuffix(scheme, "s")}
	if u.port == 0 {
		u.port = 80
		if u.tls {
			u.port = 443
		}
	}
	if u.port < 0 || u.port > 65535 {
		return upstream{}, fmt.Errorf("backend %q: port %d out of range", b.Address, u.port)
	}
	u.http2 = isGRPC(b) || strings.EqualFold(b.Protocol, "h2")
	return u, nil
}
