package proxy

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"time"
)

// ListenOptions configure the listener: ESPv2's --listener_address/--listener_port and the
// --ssl_server_* flags.
type ListenOptions struct {
	// Address is host:port (`0.0.0.0:8080`); port 0 picks a free port.
	Address string
	// CertDir is --ssl_server_cert_path: a directory holding server.crt and server.key (nginx.crt
	// and nginx.key when the path contains /etc/nginx/ssl, as ESPv2). Empty means cleartext.
	CertDir string
	// MinTLS and MaxTLS are --ssl_minimum_protocol / --ssl_maximum_protocol (`TLSv1.2`), empty
	// for Go's defaults.
	MinTLS, MaxTLS string
}

// Server is one listener serving HTTP/1.1 and cleartext HTTP/2 (h2c, prior knowledge) on the same
// port, or TLS with ALPN h2 and http/1.1 when a certificate is given (then TLS only, as ESPv2).
type Server struct {
	srv *http.Server
	ln  net.Listener
	tls bool
}

// Listen opens the port; Serve starts answering.
func Listen(h http.Handler, o ListenOptions) (*Server, error) {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 60 * time.Second,
		// Idle keep-alive connections are closed like Envoy's default idle timeout (1 h) would;
		// shorter keeps descriptors free on small machines.
		IdleTimeout: 5 * time.Minute,
		Protocols:   new(http.Protocols),
		ErrorLog:    nil,
	}
	s := &Server{srv: srv}
	if o.CertDir != "" {
		cfg, err := serverTLSConfig(o)
		if err != nil {
			return nil, err
		}
		srv.TLSConfig = cfg
		srv.Protocols.SetHTTP1(true)
		srv.Protocols.SetHTTP2(true)
		s.tls = true
	} else {
		srv.Protocols.SetHTTP1(true)
		srv.Protocols.SetUnencryptedHTTP2(true)
	}
	ln, err := net.Listen("tcp", o.Address)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", o.Address, err)
	}
	if s.tls {
		ln = tls.NewListener(ln, srv.TLSConfig)
	}
	s.ln = ln
	return s, nil
}

// Addr is the address the server listens on.
func (s *Server) Addr() net.Addr { return s.ln.Addr() }

// TLS reports whether the listener is TLS.
func (s *Server) TLS() bool { return s.tls }

// Serve answers requests until Shutdown; it returns nil after a shutdown.
func (s *Server) Serve() error {
	err := s.srv.Serve(s.ln)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown stops accepting connections and waits for in-flight requests until ctx ends; then
// it closes what is left.
func (s *Server) Shutdown(ctx context.Context) error {
	err := s.srv.Shutdown(ctx)
	if err != nil {
		_ = s.srv.Close()
	}
	return err
}

func serverTLSConfig(o ListenOptions) (*tls.Config, error) {
	crt, key := "server.crt", "server.key"
	if strings.Contains(o.CertDir, "/etc/nginx/ssl") {
		crt, key = "nginx.crt", "nginx.key"
	}
	cert, err := tls.LoadX509KeyPair(filepath.Join(o.CertDir, crt), filepath.Join(o.CertDir, key))
	if err != nil {
		return nil, fmt.Errorf("--ssl_server_cert_path: %w", err)
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"h2", "http/1.1"}}
	if cfg.MinVersion, err = tlsVersion(o.MinTLS); err != nil {
		return nil, fmt.Errorf("--ssl_minimum_protocol: %w", err)
	}
	if cfg.MaxVersion, err = tlsVersion(o.MaxTLS); err != nil {
		return nil, fmt.Errorf("--ssl_maximum_protocol: %w", err)
	}
	return cfg, nil
}

// tlsVersion maps ESPv2's protocol names to Go's constants; "" is Go's default.
func tlsVersion(name string) (uint16, error) {
	switch name {
	case "":
		return 0, nil
	case "TLSv1.0":
		return tls.VersionTLS10, nil
	case "TLSv1.1":
		return tls.VersionTLS11, nil
	case "TLSv1.2":
		return tls.VersionTLS12, nil
	case "TLSv1.3":
		return tls.VersionTLS13, nil
	}
	return 0, fmt.Errorf("%q is not one of TLSv1.0, TLSv1.1, TLSv1.2, TLSv1.3", name)
}
