package server

import (
	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"

	"github.com/espctl/espctl/xds"
)

// nodeHash puts every node in the group of the service it asks for: node metadata
// `espctl_service` first, else the node's cluster name, each either a service name or a
// source's base name. A node asking for an unknown service waits until that service appears.
type nodeHash struct{ s *Server }

func (h nodeHash) ID(node *corev3.Node) string {
	if node == nil {
		return ""
	}
	want := node.GetCluster()
	if v := node.GetMetadata().GetFields()[xds.ServiceMetadataKey].GetStringValue(); v != "" {
		want = v
	}
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	if svc, ok := h.s.aliases[want]; ok {
		return svc
	}
	return want
}

// missingService returns the service node asks for when no snapshot serves it, else "".
func (s *Server) missingService(node *corev3.Node) string {
	svc := nodeHash{s}.ID(node)
	if _, err := s.cache.GetSnapshot(svc); err != nil {
		return svc
	}
	return ""
}
