package proxy

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"
)

// BackendTLSConfig builds the client TLS settings for https:// and grpcs:// backends from
// ESPv2's flags: rootsFile is --ssl_backend_client_root_certs_file (PEM; empty means the
// system roots), certDir is --ssl_backend_client_cert_path (a directory with client.crt and
// client.key; empty means no client certificate). It returns nil when both are empty.
func BackendTLSConfig(rootsFile, certDir string) (*tls.Config, error) {
	if rootsFile == "" && certDir == "" {
		return nil, nil
	}
	cfg := &tls.Config{}
	if rootsFile != "" {
		pem, err := os.ReadFile(rootsFile)
		if err != nil {
			return nil, fmt.Errorf("--ssl_backend_client_root_certs_file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("--ssl_backend_client_root_certs_file: no PEM certificate in %s", rootsFile)
		}
		cfg.RootCAs = pool
	}
	if certDir != "" {
		cert, err := tls.LoadX509KeyPair(filepath.Join(certDir, "client.crt"), filepath.Join(certDir, "client.key"))
		if err != nil {
			return nil, fmt.Errorf("--ssl_backend_client_cert_path: %w", err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	return cfg, nil
}
