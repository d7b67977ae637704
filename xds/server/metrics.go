package server

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	discoveryv3 "github.com/envoyproxy/go-control-plane/envoy/service/discovery/v3"
	serverv3 "github.com/envoyproxy/go-control-plane/pkg/server/v3"
)

// metrics counts what an operator wants to see: snapshots built and rejected, connected
// nodes, and NACKs with their error detail.
type metrics struct {
	snapshots atomic.Int64
	rejected  atomic.Int64
	nacks     atomic.Int64

	mu       sync.Mutex
	streams  map[int64]string // open stream -> node id ("" until its first request)
	lastNACK *NACK
}

// NACK is an Envoy's rejection of a response, as it reported it.
type NACK struct {
	Node    string    `json:"node"`
	TypeURL string    `json:"type_url"`
	Version string    `json:"version,omitempty"`
	Detail  string    `json:"detail"`
	At      time.Time `json:"at"`
}

func newMetrics() *metrics { return &metrics{streams: map[int64]string{}} }

// callbacks count streams and NACKs. missing returns the service a node asks for when no
// source serves it (else ""), so a misconfigured Envoy is logged once per stream instead of
// waiting silently.
func (m *metrics) callbacks(log *slog.Logger, missing func(*corev3.Node) string) serverv3.Callbacks {
	open := func(_ context.Context, id int64, _ string) error {
		m.mu.Lock()
		m.streams[id] = ""
		m.mu.Unlock()
		return nil
	}
	closed := func(id int64, _ *corev3.Node) {
		m.mu.Lock()
		delete(m.streams, id)
		m.mu.Unlock()
	}
	request := func(id int64, node *corev3.Node, typeURL, version string, detail string) {
		m.mu.Lock()
		first := m.streams[id] == "" && node.GetId() != ""
		if node.GetId() != "" {
			m.streams[id] = node.GetId()
		}
		nodeID := m.streams[id]
		if detail != "" {
			m.lastNACK = &NACK{Node: nodeID, TypeURL: typeURL, Version: version, Detail: detail, At: time.Now().UTC()}
		}
		m.mu.Unlock()
		if first {
			if svc := missing(node); svc != "" {
				log.Warn("node asks for a service no source serves; it waits until one does", "node", nodeID, "service", svc)
			}
		}
		if detail != "" {
			m.nacks.Add(1)
			log.Warn("envoy rejected a response (NACK)", "node", nodeID, "type", typeURL, "version", version, "detail", detail)
		}
	}
	return serverv3.CallbackFuncs{
		StreamOpenFunc:        open,
		StreamClosedFunc:      closed,
		DeltaStreamOpenFunc:   open,
		DeltaStreamClosedFunc: closed,
		StreamRequestFunc: func(id int64, r *discoveryv3.DiscoveryRequest) error {
			request(id, r.GetNode(), r.GetTypeUrl(), r.GetVersionInfo(), r.GetErrorDetail().GetMessage())
			return nil
		},
		StreamDeltaRequestFunc: func(id int64, r *discoveryv3.DeltaDiscoveryRequest) error {
			request(id, r.GetNode(), r.GetTypeUrl(), "", r.GetErrorDetail().GetMessage())
			return nil
		},
	}
}

// nodes returns the distinct node ids with an open stream, sorted.
func (m *metrics) nodes() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	set := map[string]bool{}
	for _, n := range m.streams {
		if n != "" {
			set[n] = true
		}
	}
	out := make([]string, 0, len(set))
	for n := range set {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Status is the /status document.
type Status struct {
	Sources   []SourceStatus `json:"sources"`
	Nodes     []string       `json:"connected_nodes"`
	Snapshots int64          `json:"snapshots_built"`
	Rejected  int64          `json:"configs_rejected"`
	NACKs     int64          `json:"nacks"`
	LastNACK  *NACK          `json:"last_nack,omitempty"`
}

// SourceStatus is one source: the service and version it serves, and the error of its last
// build when that build was rejected.
type SourceStatus struct {
	Source  string    `json:"source"`
	Service string    `json:"service,omitempty"`
	Version string    `json:"version,omitempty"`
	Error   string    `json:"error,omitempty"`
	Updated time.Time `json:"updated"`
}

// Status reports the server's state.
func (s *Server) Status() Status {
	st := Status{
		Nodes:     s.metrics.nodes(),
		Snapshots: s.metrics.snapshots.Load(),
		Rejected:  s.metrics.rejected.Load(),
		NACKs:     s.metrics.nacks.Load(),
	}
	s.metrics.mu.Lock()
	if n := s.metrics.lastNACK; n != nil {
		c := *n
		st.LastNACK = &c
	}
	s.metrics.mu.Unlock()
	s.mu.Lock()
	for _, src := range s.knownSources() {
		ss := SourceStatus{Source: src}
		if x := s.sources[src]; x != nil {
			ss.Service, ss.Version, ss.Updated = x.service, x.version, x.updated
			if x.err != nil {
				ss.Error = x.err.Error()
			}
		}
		st.Sources = append(st.Sources, ss)
	}
	s.mu.Unlock()
	return st
}

// Handler serves /healthz (200 once every source has served a snapshot, 503 before), /status
// (JSON) and /metrics (Prometheus text format).
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		for _, src := range s.Status().Sources {
			if src.Version == "" {
				http.Error(w, "not ready: "+src.Source+" has no snapshot yet", http.StatusServiceUnavailable)
				return
			}
		}
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("/status", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		_ = enc.Encode(s.Status())
	})
	mux.HandleFunc("/metrics", func(w http.ResponseWriter, r *http.Request) {
		st := s.Status()
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		fmt.Fprintf(w, "# HELP espctl_xds_connected_nodes Nodes with an open xDS stream.\n# TYPE espctl_xds_connected_nodes gauge\nespctl_xds_connected_nodes %d\n", len(st.Nodes))
		fmt.Fprintf(w, "# HELP espctl_xds_snapshots_total Snapshots built and stored.\n# TYPE espctl_xds_snapshots_total counter\nespctl_xds_snapshots_total %d\n", st.Snapshots)
		fmt.Fprintf(w, "# HELP espctl_xds_configs_rejected_total Config builds rejected.\n# TYPE espctl_xds_configs_rejected_total counter\nespctl_xds_configs_rejected_total %d\n", st.Rejected)
		fmt.Fprintf(w, "# HELP espctl_xds_nacks_total Responses Envoys rejected.\n# TYPE espctl_xds_nacks_total counter\nespctl_xds_nacks_total %d\n", st.NACKs)
		fmt.Fprintf(w, "# HELP espctl_xds_source_info Served version per source (1), or 0 when its last build failed.\n# TYPE espctl_xds_source_info gauge\n")
		for _, src := range st.Sources {
			ok := 1
			if src.Error != "" {
				ok = 0
			}
			fmt.Fprintf(w, "espctl_xds_source_info{source=%q,service=%q,version=%q} %d\n", src.Source, src.Service, src.Version, ok)
		}
	})
	return mux
}

// knownSources are the configured sources, then every other source seen so far (from Dirs),
// sorted; s.mu must be held.
func (s *Server) knownSources() []string {
	out := append([]string{}, s.opts.Sources...)
	listed := map[string]bool{}
	for _, src := range out {
		listed[src] = true
	}
	var more []string
	for src := range s.sources {
		if !listed[src] {
			more = append(more, src)
		}
	}
	sort.Strings(more)
	return append(out, more...)
}
