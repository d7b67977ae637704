// Command espctl moves API gateways off ESPv1 and runs what they describe: it migrates ESPv1
// start-up flags and manifests to ESPv2, validates and normalizes Endpoints service configs,
// and runs them in a bundled proxy or on Envoy.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
