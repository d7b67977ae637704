package proxy

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/espctl/espctl/translate"
)

// writeCert writes a self-signed server.crt/server.key for 127.0.0.1 into a temp dir.
func writeCert(t *testing.T) (dir string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := x509.MarshalECPrivateKey(key)
	dir = t.TempDir()
	os.WriteFile(filepath.Join(dir, "server.crt"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(filepath.Join(dir, "server.key"), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600)
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return dir, pool
}

func TestTLSListener(t *testing.T) {
	be := echoBackend(t)
	h, err := New(routingConfig(t, be.URL), Options{})
	if err != nil {
		t.Fatal(err)
	}
	dir, pool := writeCert(t)
	s := startServer(t, h, ListenOptions{CertDir: dir, MinTLS: "TLSv1.3"})
	url := "https://" + s.Addr().String() + "/v1/shelves/1"
	for _, c := range []struct {
		name  string
		proto http.Protocols
		want  string
	}{{"h2", protocols(false, true), "HTTP/2.0"}, {"http/1.1", protocols(true, false), "HTTP/1.1"}} {
		tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, Protocols: &c.proto}
		resp, err := (&http.Client{Transport: tr}).Get(url)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Proto != c.want {
			t.Errorf("%s: %d %s alpn %q", c.name, resp.StatusCode, resp.Proto, resp.TLS.NegotiatedProtocol)
		}
		tr.CloseIdleConnections()
	}
	// --ssl_minimum_protocol TLSv1.3 refuses a TLS 1.2 client.
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MaxVersion: tls.VersionTLS12}}
	if _, err := (&http.Client{Transport: tr}).Get(url); err == nil {
		t.Error("TLS 1.2 client accepted with --ssl_minimum_protocol=TLSv1.3")
	}
	// Cleartext on a TLS port is refused (ESPv2's listener is TLS-only with a certificate).
	if _, err := http.Get("http://" + s.Addr().String() + "/v1/shelves/1"); err == nil {
		t.Log("cleartext request got an answer from the TLS port (Go answers 400)")
	}
}

func protocols(h1, h2 bool) http.Protocols {
	var p http.Protocols
	p.SetHTTP1(h1)
	p.SetHTTP2(h2)
	return p
}

// Reload under load: two configs answer differently; while clients hammer the proxy the config
// is swapped back and forth, and every single request gets a complete answer from one of them.
func TestReloadUnderLoad(t *testing.T) {
	be := echoBackend(t)
	cfgA := routingConfig(t, be.URL)
	cfgB := routingConfig(t, be.URL)
	cfgB.Routes = cfgB.Routes[:0] // config B knows no routes: every request is a 404
	h, err := New(cfgA, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	s := startServer(t, h, ListenOptions{})
	url := "http://" + s.Addr().String() + "/v1/shelves/1"
	stop := make(chan struct{})
	var ok, notFound, bad atomic.Int64
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				resp, err := http.Get(url)
				if err != nil {
					bad.Add(1)
					continue
				}
				resp.Body.Close()
				switch resp.StatusCode {
				case 200:
					ok.Add(1)
				case 404:
					notFound.Add(1)
				default:
					bad.Add(1)
				}
			}
		}()
	}
	for i := 0; i < 200; i++ {
		cfg := cfgA
		if i%2 == 1 {
			cfg = cfgB
		}
		if err := h.Reload(cfg); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Millisecond)
	}
	// A config that cannot be built is rejected and the current one keeps serving.
	broken := *cfgA
	broken.Methods = nil
	if err := h.Reload(&broken); err == nil {
		t.Error("a config whose routes name unknown methods was accepted")
	}
	close(stop)
	wg.Wait()
	if bad.Load() != 0 || ok.Load() == 0 || notFound.Load() == 0 {
		t.Errorf("ok %d, 404 %d, failed %d", ok.Load(), notFound.Load(), bad.Load())
	}
	if h.Config() != cfgB {
		t.Error("the rejected config replaced the good one")
	}
}

// Shutdown drains: a request in flight when Run is told to stop still gets its answer.
func TestShutdownDrains(t *testing.T) {
	inFlight := make(chan struct{})
	be := echoBackendFunc(t, func(w http.ResponseWriter, r *http.Request) {
		close(inFlight)
		time.Sleep(200 * time.Millisecond)
		w.Write([]byte("finished"))
	})
	cfg := routingConfig(t, be.URL)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan *Server, 1)
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Options{}, RunOptions{
			Listen:       ListenOptions{Address: "127.0.0.1:0"},
			Load:         func() (*translate.Config, error) { return cfg, nil },
			DrainTimeout: 5 * time.Second,
			Ready:        func(s *Server, _ *Handler) { ready <- s },
		})
	}()
	s := <-ready
	got := make(chan string, 1)
	go func() {
		resp, err := http.Get("http://" + s.Addr().String() + "/v1/shelves/1")
		if err != nil {
			got <- err.Error()
			return
		}
		defer resp.Body.Close()
		b := make([]byte, 100)
		n, _ := resp.Body.Read(b)
		got <- string(b[:n])
	}()
	<-inFlight
	cancel()
	if g := <-got; g != "finished" {
		t.Errorf("in-flight request got %q", g)
	}
	if err := <-done; err != nil {
		t.Errorf("Run: %v", err)
	}
	if _, err := http.Get("http://" + s.Addr().String() + "/v1/shelves/1"); err == nil {
		t.Error("server still answers after shutdown")
	}
}

// A watched file that changes triggers a reload; a load error keeps the old config.
func TestReloadOnFileChange(t *testing.T) {
	be := echoBackend(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "cfg")
	os.WriteFile(file, []byte("good"), 0o600)
	good := routingConfig(t, be.URL)
	empty := routingConfig(t, be.URL)
	empty.Routes = nil
	load := func() (*translate.Config, error) {
		b, _ := os.ReadFile(file)
		switch string(b) {
		case "good":
			return good, nil
		case "empty":
			return empty, nil
		}
		return nil, os.ErrInvalid
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan *Server, 1)
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Options{}, RunOptions{
			Listen: ListenOptions{Address: "127.0.0.1:0"}, Load: load,
			WatchFiles: []string{file}, WatchInterval: 10 * time.Millisecond,
			Ready: func(s *Server, _ *Handler) { ready <- s },
		})
	}()
	url := "http://" + (<-ready).Addr().String() + "/v1/shelves/1"
	waitStatus := func(want int) {
		t.Helper()
		for i := 0; i < 500; i++ {
			resp, err := http.Get(url)
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode == want {
					return
				}
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Fatalf("never got %d", want)
	}
	waitStatus(200)
	os.WriteFile(file, []byte("broken"), 0o600)
	time.Sleep(100 * time.Millisecond)
	waitStatus(200) // the broken config was rejected
	os.WriteFile(file, []byte("empty"), 0o600)
	waitStatus(404)
	cancel()
	<-done
}
