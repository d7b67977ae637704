package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/envoyproxy/go-control-plane/pkg/cache/types"
	cachev3 "github.com/envoyproxy/go-control-plane/pkg/cache/v3"
	"github.com/envoyproxy/go-control-plane/pkg/resource/v3"
	"google.golang.org/protobuf/proto"

	"github.com/espctl/espctl/xds"
)

// sourceState is what the server knows about one source.
type sourceState struct {
	// fingerprint is the hash of the bytes last tried, good or bad, so a broken file is not
	// rebuilt (and logged) on every poll.
	fingerprint string
	service     string // the service the last good build served
	version     string // that snapshot's version
	err         error  // the last build's error, nil when the last build was good
	updated     time.Time
}

// reloadSource rebuilds one source if its bytes changed, and swaps in the new snapshot only
// when everything about it is good.
func (s *Server) reloadSource(ctx context.Context, src string) error {
	fp, err := fingerprint(src)
	if err != nil {
		// An unreadable source is fingerprinted by its error, so it is reported once, not on
		// every poll.
		fp = "error: " + err.Error()
	}
	s.mu.Lock()
	st := s.sources[src]
	if st == nil {
		st = &sourceState{}
		s.sources[src] = st
	}
	if fp == st.fingerprint {
		err = st.err
		s.mu.Unlock()
		if err != nil {
			return fmt.Errorf("%s: %w", src, err)
		}
		return nil
	}
	s.mu.Unlock()

	var service, version string
	if err == nil {
		service, version, err = s.build(ctx, src)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	st.fingerprint = fp
	st.err = err
	st.updated = time.Now()
	if err != nil {
		s.metrics.rejected.Add(1)
		s.log.Error("config rejected; the last good snapshot keeps serving", "source", src, "service", st.service, "error", err)
		return fmt.Errorf("%s: %w", src, err)
	}
	if version != st.version || service != st.service {
		s.log.Info("snapshot updated", "source", src, "service", service, "version", version)
	}
	st.service, st.version = service, version
	return nil
}

// build turns a source into a validated, consistent snapshot and stores it.
func (s *Server) build(ctx context.Context, src string) (service, version string, err error) {
	cfg, err := s.opts.Build(src)
	if err != nil {
		return "", "", err
	}
	if cfg == nil || cfg.Service == "" {
		return "", "", fmt.Errorf("the config names no service")
	}
	if other := s.serviceOwner(cfg.Service, src); other != "" {
		return "", "", fmt.Errorf("service %s is already served from %s", cfg.Service, other)
	}
	res, err := xds.Generate(cfg, s.opts.Generate)
	if err != nil {
		return "", "", err
	}
	snap, version, err := snapshot(res)
	if err != nil {
		return "", "", err
	}
	// Aliases first, so a node that names the source's base name finds the snapshot the
	// moment it is stored.
	s.mu.Lock()
	s.aliases[baseName(src)] = cfg.Service
	s.aliases[cfg.Service] = cfg.Service
	s.mu.Unlock()
	if err := s.cache.SetSnapshot(ctx, cfg.Service, snap); err != nil {
		return "", "", fmt.Errorf("storing snapshot: %w", err)
	}
	s.metrics.snapshots.Add(1)
	return cfg.Service, version, nil
}

// serviceOwner returns the other source that already serves service, if any.
func (s *Server) serviceOwner(service, src string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	for path, st := range s.sources {
		if path != src && st.service == service {
			return path
		}
	}
	return ""
}

// snapshot packs the resources; the version is a hash of their deterministic encoding.
func snapshot(res *xds.Resources) (*cachev3.Snapshot, string, error) {
	h := sha256.New()
	add := func(ms []types.Resource) error {
		for _, m := range ms {
			b, err := proto.MarshalOptions{Deterministic: true}.Marshal(m)
			if err != nil {
				return err
			}
			h.Write(b)
		}
		return nil
	}
	var ls, rs, cs []types.Resource
	for _, l := range res.Listeners {
		ls = append(ls, l)
	}
	for _, r := range res.Routes {
		rs = append(rs, r)
	}
	for _, c := range res.Clusters {
		cs = append(cs, c)
	}
	for _, group := range [][]types.Resource{ls, rs, cs} {
		if err := add(group); err != nil {
			return nil, "", fmt.Errorf("hashing resources: %w", err)
		}
	}
	version := hex.EncodeToString(h.Sum(nil))[:12]
	snap, err := cachev3.NewSnapshot(version, map[resource.Type][]types.Resource{
		resource.ListenerType: ls,
		resource.RouteType:    rs,
		resource.ClusterType:  cs,
	})
	if err != nil {
		return nil, "", err
	}
	if err := snap.Consistent(); err != nil {
		return nil, "", fmt.Errorf("inconsistent snapshot: %w", err)
	}
	return snap, version, nil
}

// fingerprint hashes a file, or every regular file under a directory with its relative name.
func fingerprint(src string) (string, error) {
	info, err := os.Stat(src)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	if !info.IsDir() {
		b, err := os.ReadFile(src)
		if err != nil {
			return "", err
		}
		h.Write(b)
		return hex.EncodeToString(h.Sum(nil)), nil
	}
	var files []string
	err = filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	sort.Strings(files)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return "", err
		}
		rel, _ := filepath.Rel(src, f)
		fmt.Fprintf(h, "%s\x00%d\x00", rel, len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// baseName is the source's name without directory and extension: `bookstore` for
// `configs/bookstore.yaml`, the name a node cluster may use.
func baseName(src string) string {
	b := filepath.Base(filepath.Clean(src))
	return strings.TrimSuffix(b, filepath.Ext(b))
}

// configExtensions are the files a directory of services serves, one service each.
var configExtensions = map[string]bool{".yaml": true, ".yml": true, ".json": true}

// sourceList is Sources, then the entries of every Dirs directory (config files and
// subdirectories, sorted), without duplicates.
func (s *Server) sourceList() ([]string, error) {
	seen := map[string]bool{}
	var out []string
	add := func(src string) {
		if !seen[src] {
			seen[src] = true
			out = append(out, src)
		}
	}
	for _, src := range s.opts.Sources {
		add(src)
	}
	var errs []error
	for _, dir := range s.opts.Dirs {
		entries, err := os.ReadDir(dir)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), ".") {
				continue
			}
			if e.IsDir() || e.Type().IsRegular() && configExtensions[strings.ToLower(filepath.Ext(e.Name()))] {
				add(filepath.Join(dir, e.Name()))
			}
		}
	}
	// Sources seen before stay listed (and keep serving) when they disappear.
	s.mu.Lock()
	for src := range s.sources {
		add(src)
	}
	s.mu.Unlock()
	return out, errors.Join(errs...)
}
