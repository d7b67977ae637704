package observe

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"
)

// BackendErrorKind classifies a failed backend round trip for BackendError. deadlineHit is
// the proxy's own knowledge that the method's deadline passed (the error alone may only say
// "context canceled" or "EOF"). The order matters: a dial that timed out is a timeout.
func BackendErrorKind(err error, deadlineHit bool) string {
	if err == nil && !deadlineHit {
		return BackendOther
	}
	if deadlineHit || errors.Is(err, context.DeadlineExceeded) {
		return BackendTimeout
	}
	var netErr net.Error
	if errors.As(err, &netErr) && netErr.Timeout() {
		return BackendTimeout
	}
	var (
		recordErr  tls.RecordHeaderError
		alertErr   tls.AlertError
		verifyErr  *tls.CertificateVerificationError
		unknownCA  x509.UnknownAuthorityError
		hostErr    x509.HostnameError
		invalidErr x509.CertificateInvalidError
	)
	if errors.As(err, &recordErr) || errors.As(err, &alertErr) || errors.As(err, &verifyErr) ||
		errors.As(err, &unknownCA) || errors.As(err, &hostErr) || errors.As(err, &invalidErr) {
		return BackendTLS
	}
	// net/http turns some TLS failures into plain text errors.
	if msg := err.Error(); strings.Contains(msg, "server gave HTTP response to HTTPS client") ||
		strings.Contains(msg, "tls: ") || strings.Contains(msg, "x509: ") {
		return BackendTLS
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) || errors.Is(err, syscall.ECONNREFUSED) {
		return BackendConnect
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return BackendConnect
	}
	if errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return BackendReset
	}
	return BackendOther
}
