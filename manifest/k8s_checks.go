package manifest

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// containerPorts reports containerPorts that ESPv2 no longer listens on, and records names.
func (m *k8sMigration) containerPorts(c *yaml.Node, listenerPort int) {
	ports := mapGet(c, "ports")
	if ports == nil || ports.Kind != yaml.SequenceNode {
		return
	}
	for _, p := range ports.Content {
		numNode := mapGet(p, "containerPort")
		n, err := strconv.Atoi(valueOf(numNode))
		if err != nil {
			continue
		}
		if name := valueOf(mapGet(p, "name")); name != "" {
			m.namedPorts[name] = n
		}
		if why, dropped := m.droppedPorts[n]; dropped {
			m.add(numNode.Line, severityWarning, "port", fmt.Sprintf("containerPort %d was %s; ESPv2 listens only on %d: change it to %d or remove it", n, why, listenerPort, listenerPort))
		}
	}
}

// probes reports health probes on ESPv1's status port or a dropped port.
func (m *k8sMigration) probes(c *yaml.Node, listenerPort int) {
	for _, kind := range []string{"readinessProbe", "livenessProbe", "startupProbe"} {
		probe := mapGet(c, kind)
		if probe == nil {
			continue
		}
		for _, handler := range []string{"httpGet", "tcpSocket", "grpc"} {
			h := mapGet(probe, handler)
			portNode := mapGet(h, "port")
			if portNode == nil {
				continue
			}
			port, err := strconv.Atoi(portNode.Value)
			if err != nil {
				port = m.namedPorts[portNode.Value]
			}
			why, dropped := m.droppedPorts[port]
			if !dropped {
				continue
			}
			path := valueOf(mapGet(h, "path"))
			msg := fmt.Sprintf("%s checks port %s, %s, which ESPv2 does not open", kind, portNode.Value, why)
			if why == "ESPv1's status port" || strings.Contains(path, "healthz") {
				msg += fmt.Sprintf("; add --healthz=/healthz to the ESPv2 flags and probe path /healthz on port %d", listenerPort)
			} else {
				msg += fmt.Sprintf("; probe port %d instead", listenerPort)
			}
			m.add(portNode.Line, severityWarning, "probe", msg)
		}
	}
}

// sslSecrets reports secrets mounted at /etc/nginx/ssl: ESPv2 reads the ESPv1 file names there
// only because the path contains /etc/nginx/ssl; anywhere else it wants server.crt/server.key.
func (m *k8sMigration) sslSecrets(c, podSpec *yaml.Node) {
	mounts := mapGet(c, "volumeMounts")
	if mounts == nil || mounts.Kind != yaml.SequenceNode {
		return
	}
	for _, mount := range mounts.Content {
		path := valueOf(mapGet(mount, "mountPath"))
		if !strings.HasPrefix(path, "/etc/nginx/ssl") {
			continue
		}
		volName := valueOf(mapGet(mount, "name"))
		secret := secretOfVolume(podSpec, volName)
		if secret == "" {
			secret = "<secret>"
		}
		m.add(mapGet(mount, "mountPath").Line, severityWarning, "secret", fmt.Sprintf(
			"volume %q (secret %s) is mounted at %s with ESPv1's nginx.crt/nginx.key: ESPv2 reads those names only while the cert path contains /etc/nginx/ssl; "+
				"ESPv2's own names are server.crt/server.key (and backend.crt/backend.key for --ssl_backend_client_cert_path). To re-create the secret with them: "+
				"kubectl create secret generic %s --from-file=server.crt=nginx.crt --from-file=server.key=nginx.key --dry-run=client -o yaml | kubectl apply -f -",
			volName, secret, path, secret))
	}
}

func secretOfVolume(podSpec *yaml.Node, name string) string {
	vols := mapGet(podSpec, "volumes")
	if vols == nil || vols.Kind != yaml.SequenceNode {
		return ""
	}
	for _, v := range vols.Content {
		if valueOf(mapGet(v, "name")) == name {
			return valueOf(mapGet(mapGet(v, "secret"), "secretName"))
		}
	}
	return ""
}

// services reports Service targetPorts pointing at a port ESPv2 no longer opens.
func (m *k8sMigration) services(doc *yaml.Node) {
	if len(m.droppedPorts) == 0 {
		return
	}
	walkMappings(doc, func(n *yaml.Node) {
		if valueOf(mapGet(n, "kind")) != "Service" || !strings.HasPrefix(valueOf(mapGet(n, "apiVersion")), "v1") {
			return
		}
		ports := mapGet(mapGet(n, "spec"), "ports")
		if ports == nil || ports.Kind != yaml.SequenceNode {
			return
		}
		for _, p := range ports.Content {
			tp := mapGet(p, "targetPort")
			if tp == nil {
				tp = mapGet(p, "port") // targetPort defaults to port
			}
			if tp == nil {
				continue
			}
			port, err := strconv.Atoi(tp.Value)
			if err != nil {
				port = m.namedPorts[tp.Value]
			}
			if why, dropped := m.droppedPorts[port]; dropped {
				m.add(tp.Line, severityWarning, "port", fmt.Sprintf("Service %s targets port %s, %s, which ESPv2 does not open; point it at the ESPv2 listener port", valueOf(mapGet(mapGet(n, "metadata"), "name")), tp.Value, why))
			}
		}
	})
}

func valueOf(n *yaml.Node) string {
	v, _ := scalarValue(n)
	return v
}

// sortFindings orders findings by line, keeping the order within a line.
func sortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool { return fs[i].Line < fs[j].Line })
}
