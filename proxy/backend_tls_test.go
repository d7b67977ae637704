package proxy

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/espctl/espctl/translate"
)

// tlsFiles writes a CA-less self-signed server certificate (from writeCert) as the roots file
// and a client certificate directory (client.crt, client.key), both for --ssl_backend_client_*.
func tlsFiles(t *testing.T) (serverCert tls.Certificate, rootsFile, clientDir string, clientPool *x509.CertPool) {
	t.Helper()
	dir, _ := writeCert(t)
	serverCert, err := tls.LoadX509KeyPair(filepath.Join(dir, "server.crt"), filepath.Join(dir, "server.key"))
	if err != nil {
		t.Fatal(err)
	}
	rootsFile = filepath.Join(dir, "server.crt")
	cdir, pool := writeCert(t)
	clientDir = t.TempDir()
	for from, to := range map[string]string{"server.crt": "client.crt", "server.key": "client.key"} {
		b, _ := os.ReadFile(filepath.Join(cdir, from))
		os.WriteFile(filepath.Join(clientDir, to), b, 0o600)
	}
	return serverCert, rootsFile, clientDir, pool
}

// https:// backends are verified against --ssl_backend_client_root_certs_file and get the
// client certificate of --ssl_backend_client_cert_path (mutual TLS).
func TestHTTPSBackendWithClientCertificate(t *testing.T) {
	cert, roots, clientDir, clientPool := tlsFiles(t)
	be := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "client cert %d, proto %s", len(r.TLS.PeerCertificates), r.Proto)
	}))
	be.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: clientPool}
	be.Config.ErrorLog = log.New(io.Discard, "", 0) // the untrusted case below fails handshakes on purpose
	be.StartTLS()
	t.Cleanup(be.Close)

	js := fmt.Sprintf(`{"name":"s.local","apis":[{"name":"s","methods":[{"name":"Get"}]}],
		"http":{"rules":[{"selector":"s.Get","get":"/v1/x"}]},
		"backend":{"rules":[{"selector":"s.Get","address":%q,"pathTranslation":"APPEND_PATH_TO_ADDRESS"}]}}`, be.URL)
	cfg := buildConfig(t, js, translate.Options{})

	tlsCfg, err := BackendTLSConfig(roots, clientDir)
	if err != nil {
		t.Fatal(err)
	}
	srv, _ := serve(t, cfg, Options{BackendTLS: tlsCfg})
	if status, body, _ := call(t, srv.Client(), "GET", srv.URL+"/v1/x", ""); status != 200 || body != "client cert 1, proto HTTP/1.1" {
		t.Errorf("with roots and client cert: %d %q", status, body)
	}

	// Without the roots file the backend's certificate is not trusted: 503.
	srv2, _ := serve(t, cfg, Options{})
	if status, _, _ := call(t, srv2.Client(), "GET", srv2.URL+"/v1/x", ""); status != http.StatusServiceUnavailable {
		t.Errorf("untrusted backend certificate: %d, want 503", status)
	}
}

// grpcs:// backends: HTTP/2 over TLS with ALPN h2.
func TestGRPCSBackend(t *testing.T) {
	cert, roots, _, _ := tlsFiles(t)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := grpc.NewServer(grpc.Creds(credentials.NewServerTLSFromCert(&cert)))
	s.RegisterService(&echoService, nil)
	go func() { _ = s.Serve(lis) }()
	t.Cleanup(s.Stop)

	cfg := buildConfig(t, echoServiceJSON, translate.Options{Backend: "grpcs://" + lis.Addr().String()})
	tlsCfg, err := BackendTLSConfig(roots, "")
	if err != nil {
		t.Fatal(err)
	}
	h, err := New(cfg, Options{BackendTLS: tlsCfg})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	cc := dialProxy(t, startServer(t, h, ListenOptions{}).Addr().String())
	out := &wrapperspb.StringValue{}
	if err := cc.Invoke(t.Context(), "/test.Echo/Say", wrapperspb.String("tls"), out); err != nil || out.Value != "you said tls" {
		t.Errorf("Say over grpcs: %v %q", err, out.Value)
	}
}

func TestBackendTLSConfigErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "roots.pem")
	os.WriteFile(bad, pem.EncodeToMemory(&pem.Block{Type: "NOT A CERT", Bytes: []byte("x")}), 0o600)
	for _, c := range []struct{ roots, certDir string }{{bad, ""}, {filepath.Join(dir, "missing.pem"), ""}, {"", dir}} {
		if _, err := BackendTLSConfig(c.roots, c.certDir); err == nil {
			t.Errorf("BackendTLSConfig(%q, %q): no error", c.roots, c.certDir)
		}
	}
	if cfg, err := BackendTLSConfig("", ""); cfg != nil || err != nil {
		t.Errorf("no flags: %v %v", cfg, err)
	}
}
