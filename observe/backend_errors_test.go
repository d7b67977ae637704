package observe

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestBackendErrorKind(t *testing.T) {
	dial := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("no route to host")}
	for _, tc := range []struct {
		err      error
		deadline bool
		want     string
	}{
		{errors.New("context canceled"), true, BackendTimeout},
		{fmt.Errorf("round trip: %w", context.DeadlineExceeded), false, BackendTimeout},
		{&net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}, false, BackendConnect},
		{dial, false, BackendConnect},
		{&net.DNSError{Err: "no such host", Name: "backend"}, false, BackendConnect},
		{fmt.Errorf("read: %w", syscall.ECONNRESET), false, BackendReset},
		{io.ErrUnexpectedEOF, false, BackendReset},
		{tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake"}, false, BackendTLS},
		{errors.New("something else"), false, BackendOther},
	} {
		if got := BackendErrorKind(tc.err, tc.deadline); got != tc.want {
			t.Errorf("BackendErrorKind(%v, %v) = %s, want %s", tc.err, tc.deadline, got, tc.want)
		}
	}
}

// The kinds of real failures against loopback: a closed port, a plaintext server spoken to
// over TLS, a backend slower than the deadline.
func TestBackendErrorKindOnLoopback(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := lis.Addr().String()
	lis.Close()
	_, err = http.Get("http://" + closed + "/")
	if got := BackendErrorKind(err, false); got != BackendConnect {
		t.Errorf("closed port: %s (%v)", got, err)
	}

	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(slow.Close)
	t.Cleanup(func() { close(release) })
	_, err = http.Get(strings.Replace(slow.URL, "http://", "https://", 1))
	if got := BackendErrorKind(err, false); got != BackendTLS {
		t.Errorf("TLS to plaintext: %s (%v)", got, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", slow.URL, nil)
	_, err = http.DefaultClient.Do(req)
	if got := BackendErrorKind(err, false); got != BackendTimeout {
		t.Errorf("slow backend: %s (%v)", got, err)
	}
}
