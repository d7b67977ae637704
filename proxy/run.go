package proxy

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"syscall"
	"time"

	"github.com/espctl/espctl/observe"
	"github.com/espctl/espctl/translate"
)

// RunOptions are what Run needs besides the engine's Options.
type RunOptions struct {
	Listen ListenOptions
	// Load builds the config; Run calls it at start and again on every reload. A reload whose
	// Load fails is logged and the old config keeps serving.
	Load func() (*translate.Config, error)
	// WatchFiles are polled for changes; a change triggers a reload (SIGHUP does too).
	WatchFiles []string
	// WatchInterval is how often WatchFiles are checked (default 1 s).
	WatchInterval time.Duration
	// DrainTimeout bounds graceful shutdown (default 10 s): in-flight requests get this long.
	DrainTimeout time.Duration
	// Ready, when set, is called once the port is open, with the server (for its address) and
	// the handler (the admin page reads the running config from it).
	Ready func(*Server, *Handler)
	// Signals, when false, leaves SIGHUP/SIGTERM/SIGINT alone (tests cancel ctx instead).
	Signals bool
}

// Run serves until ctx is cancelled or SIGTERM/SIGINT arrives, then drains in-flight requests
// within DrainTimeout. It reloads the config on SIGHUP and when a watched file changes.
func Run(ctx context.Context, opts Options, ro RunOptions) error {
	log := opts.logger()
	cfg, err := ro.Load()
	if err != nil {
		return err
	}
	h, err := New(cfg, opts)
	if err != nil {
		opts.Observer.ConfigReload(observe.ReloadEvent{Time: time.Now(), Trigger: "start", Service: cfg.Service, ConfigID: cfg.ConfigID, Err: err})
		return err
	}
	defer h.Close()
	opts.Observer.ConfigReload(observe.ReloadEvent{Time: time.Now(), Trigger: "start", Service: cfg.Service, ConfigID: cfg.ConfigID})
	srv, err := Listen(h, ro.Listen)
	if err != nil {
		return err
	}
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	reload := make(chan string, 1)
	if ro.Signals {
		sigs := make(chan os.Signal, 1)
		signal.Notify(sigs, syscall.SIGHUP, syscall.SIGTERM, syscall.SIGINT)
		defer signal.Stop(sigs)
		go func() {
			for {
				select {
				case <-ctx.Done():
					return
				case s := <-sigs:
					if s == syscall.SIGHUP {
						trigger(reload, "SIGHUP")
						continue
					}
					log.Info("shutting down", "signal", s.String())
					stop()
					return
				}
			}
		}()
	}
	if len(ro.WatchFiles) > 0 {
		go watchFiles(ctx, ro.WatchFiles, ro.WatchInterval, reload)
	}
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case why := <-reload:
				reloadConfig(h, ro.Load, why, log, opts.Observer)
			}
		}
	}()
	served := make(chan error, 1)
	go func() { served <- srv.Serve() }()
	log.Info("listening", "address", srv.Addr().String(), "tls", srv.TLS(), "service", cfg.Service, "config_id", cfg.ConfigID, "methods", len(cfg.Methods), "backends", backendsOf(cfg))
	if ro.Ready != nil {
		ro.Ready(srv, h)
	}
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	drain := ro.DrainTimeout
	if drain <= 0 {
		drain = 10 * time.Second
	}
	sctx, cancel := context.WithTimeout(context.Background(), drain)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	} else if err != nil {
		log.Warn("drain timeout passed; open connections closed", "timeout", drain.String())
	}
	return <-served
}

func trigger(ch chan string, why string) {
	select {
	case ch <- why:
	default: // a reload is already pending; it will read the newest files
	}
}

// reloadConfig builds the new config fully before swapping it in; a failure keeps the old one.
func reloadConfig(h *Handler, load func() (*translate.Config, error), why string, log *slog.Logger, obs *observe.Observer) {
	cfg, err := load()
	if err == nil {
		err = h.Reload(cfg)
	}
	if err != nil {
		log.Error("config reload rejected; the previous config keeps serving", "trigger", why, "error", err.Error())
		old := h.Config()
		obs.ConfigReload(observe.ReloadEvent{Time: time.Now(), Trigger: why, Service: old.Service, ConfigID: old.ConfigID, Err: err})
		return
	}
	log.Info("config reloaded", "trigger", why, "service", cfg.Service, "config_id", cfg.ConfigID)
	obs.ConfigReload(observe.ReloadEvent{Time: time.Now(), Trigger: why, Service: cfg.Service, ConfigID: cfg.ConfigID})
}

// watchFiles polls size and modification time: no platform file-notification dependency, and
// it also sees files replaced by rename (as editors and Kubernetes ConfigMaps do).
func watchFiles(ctx context.Context, files []string, every time.Duration, reload chan string) {
	if every <= 0 {
		every = time.Second
	}
	stamp := func() string {
		s := ""
		for _, f := range files {
			if fi, err := os.Stat(f); err == nil {
				s += fmt.Sprintf("%s|%d|%d;", f, fi.Size(), fi.ModTime().UnixNano())
			} else {
				s += f + "|missing;"
			}
		}
		return s
	}
	last := stamp()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if now := stamp(); now != last {
				last = now
				trigger(reload, "file change")
			}
		}
	}
}

// backendsOf lists the distinct backends a config sends requests to, for the start-up log.
func backendsOf(cfg *translate.Config) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range cfg.Methods {
		b := m.Backend
		if b.Local || b.Address == "" {
			b = cfg.LocalBackend
		}
		addr := b.Address
		if addr == "" {
			addr = fmt.Sprintf("%s://%s:%d", b.Scheme, b.Host, b.Port)
		}
		if !seen[addr] {
			seen[addr] = true
			out = append(out, addr)
		}
	}
	sort.Strings(out)
	return out
}
