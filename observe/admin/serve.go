package admin

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strconv"
	"time"
)

// DefaultAddress is where the admin listener binds unless --admin_address says otherwise:
// loopback, because the page shows the whole API surface (ESPv2's admin binds 0.0.0.0).
const DefaultAddress = "127.0.0.1"

// Serve listens on address:port (address "" is DefaultAddress; port 0 picks a free port) and
// serves h until ctx is done, then stops within five seconds. ready, when not nil, is called
// with the bound address once the port is open, so start-up logs can say where it is. It
// returns nil after ctx ends, or the error that stopped it.
func Serve(ctx context.Context, address string, port int, h http.Handler, ready func(net.Addr)) error {
	if address == "" {
		address = DefaultAddress
	}
	lis, err := net.Listen("tcp", net.JoinHostPort(address, strconv.Itoa(port)))
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		// No WriteTimeout: /debug/pprof/profile streams for as long as its ?seconds= asks.
		IdleTimeout: 2 * time.Minute,
	}
	if ready != nil {
		ready(lis.Addr())
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(lis) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		_ = srv.Close()
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
