package flags

import (
	"path"
	"slices"
	"strings"
)

// tls migrates backend TLS flags (-t, the gRPC backend TLS files) and --ssl_protocols
// (flag-migration.md 2.5).
func (m *migration) tls() {
	grpcTLS := m.grpcBackendTLS()
	certPath, certFrom := "", ""

	if a, ok := m.last["tls_mutual_auth"]; ok {
		certPath, certFrom = nginxSSLDir, a.Input
		msg := "ESPv2 reads backend.crt and backend.key, ESPv1's file names, because the path contains /etc/nginx/ssl (any other directory must hold client.crt and client.key). ESPv2 uses the client certificate for every TLS backend; ESPv1 only for https:// backends. Guide: says replaced by --ssl_backend_client_cert_path with client.crt/client.key."
		if !strings.HasPrefix(strings.TrimSpace(m.val("backend")), "https://") {
			msg += " ESPv1 ignored -t for this (non-https) backend."
		}
		m.find(a, ActionMerged, SeverityInfo, []string{m.emit("ssl_backend_client_cert_path", nginxSSLDir)}, "%s", msg)
	}

	root, hasRoot := m.last["grpc_backend_ssl_root_certs_file"]
	switch {
	case hasRoot && !grpcTLS:
		m.find(root, ActionRemoved, SeverityInfo, nil, "dropped: ESPv1 used it only with --enable_grpc_backend_ssl and a grpc:// backend.")
	case hasRoot && strings.TrimSpace(root.Value) == "/etc/nginx/trusted-ca-certificates.crt":
		m.find(root, ActionRemoved, SeverityInfo, nil, "ESPv1's default CA file is not in the ESPv2 image; ESPv2 verifies backends with /etc/ssl/certs/ca-certificates.crt, so the flag is left out.")
	case hasRoot:
		m.find(root, ActionRenamed, SeverityInfo, []string{m.emit("ssl_backend_client_root_certs_file", root.Value)},
			"ESPv2's flag covers every TLS backend, not only gRPC ones.")
	}

	key, hasKey := m.last["grpc_backend_ssl_private_key_file"]
	chain, hasChain := m.last["grpc_backend_ssl_cert_chain_file"]
	if (hasKey || hasChain) && !grpcTLS {
		for _, a := range []Arg{key, chain} {
			if a.Flag != nil {
				m.find(a, ActionRemoved, SeverityInfo, nil, "dropped: ESPv1 used it only with --enable_grpc_backend_ssl and a grpc:// backend.")
			}
		}
	} else if hasKey || hasChain {
		dir, ok := clientCertDir(key.Value, chain.Value)
		switch {
		case !hasKey || !hasChain || !ok:
			for _, a := range []Arg{key, chain} {
				if a.Flag != nil {
					m.find(a, ActionMerged, SeverityError, nil,
						"ESPv2 wants one directory holding client.crt (the chain) and client.key (or backend.crt/backend.key under a path containing /etc/nginx/ssl). Copy or rename the files into one directory D, then add --ssl_backend_client_cert_path=D.")
				}
			}
		case certPath != "" && certPath != dir:
			for _, a := range []Arg{key, chain} {
				m.find(a, ActionMerged, SeverityError, nil,
					"conflicts with %s: ESPv2 has one backend client certificate directory. Pick one and put both certificates' use cases behind it.", certFrom)
			}
		default:
			repl := []string{m.emit("ssl_backend_client_cert_path", dir)}
			for _, a := range []Arg{key, chain} {
				m.find(a, ActionMerged, SeverityInfo, repl, "ESPv2 reads the key and chain from this directory under fixed names. Guide: replaced by --ssl_backend_client_cert_path.")
			}
		}
	}
	m.sslProtocols()
}

// clientCertDir returns the directory ESPv2 can read the key and chain from under its fixed
// names, if the files already sit there.
func clientCertDir(keyFile, chainFile string) (string, bool) {
	kd, kb := path.Split(strings.TrimSpace(keyFile))
	cd, cb := path.Split(strings.TrimSpace(chainFile))
	if kd == "" || kd != cd {
		return "", false
	}
	dir := strings.TrimSuffix(kd, "/")
	if dir == "" {
		dir = "/"
	}
	if strings.Contains(dir, nginxSSLDir) {
		return dir, kb == "backend.key" && cb == "backend.crt"
	}
	return dir, kb == "client.key" && cb == "client.crt"
}

// sslProtocols converts the nginx protocol list to a min/max range with ESPv2's names.
func (m *migration) sslProtocols() {
	occ := m.all["ssl_protocols"]
	if len(occ) == 0 {
		return
	}
	var versions, dropped []string
	for _, a := range occ {
		for _, name := range strings.Fields(a.Value) {
			switch name {
			case "TLSv1":
				versions = append(versions, "TLSv1.0")
			case "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3":
				versions = append(versions, name)
			default:
				dropped = append(dropped, name)
			}
		}
	}
	slices.Sort(versions)
	versions = slices.Compact(versions)
	if len(versions) == 0 {
		m.findAll("ssl_protocols", ActionReplaced, SeverityError, nil,
			"no TLS version ESPv2 knows is left (dropped: %s). Set --ssl_minimum_protocol / --ssl_maximum_protocol (TLSv1.0 .. TLSv1.3) yourself.", strings.Join(dropped, ", "))
		return
	}
	lo, hi := versions[0], versions[len(versions)-1]
	repl := []string{m.emit("ssl_minimum_protocol", lo), m.emit("ssl_maximum_protocol", hi)}
	sev := SeverityInfo
	msg := "ESPv2 takes a range of downstream TLS versions (nginx names converted: TLSv1 -> TLSv1.0)."
	if len(dropped) > 0 {
		sev = SeverityWarning
		msg += " Dropped, no ESPv2 equivalent: " + strings.Join(dropped, ", ") + "."
	}
	var gaps []string
	for _, v := range tlsVersions {
		if v > lo && v < hi && !slices.Contains(versions, v) {
			gaps = append(gaps, v)
		}
	}
	if len(gaps) > 0 {
		sev = SeverityWarning
		msg += " The range also allows " + strings.Join(gaps, ", ") + ", which the ESPv1 list left out."
	}
	msg += " start_proxy.py would sort the raw names as strings and pass unknown ones (TLSv1, SSLv3) to configmanager, which ignores them. Guide: replaced by --ssl_minimum_protocol/--ssl_maximum_protocol."
	m.findAll("ssl_protocols", ActionReplaced, sev, repl, "%s", msg)
}
