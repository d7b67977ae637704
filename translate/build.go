package translate

import (
	"errors"
	"sort"

	"google.golang.org/genproto/googleapis/api/serviceconfig"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/known/typepb"
)

// Build turns a compiled service config into the normalized Config, interpreting every field
// as ESPv2 does (../shared/reference/config-and-openapi.md Part A).
//
// The steps run in a fixed order because later ones read what earlier ones set:
//  1. operations from `apis` (every Method, in input order);
//  2. backends, which decide whether some backend is gRPC (and so whether gRPC paths exist);
//  3. HTTP bindings from `http.rules`, with path variables renamed per `types` json names;
//  4. authentication, API keys, quota, CORS and Service Control;
//  5. the route table, which also rejects duplicate HTTP patterns.
//
// Build never panics on bad input; the returned error names the operation or rule at fault.
func Build(svc *serviceconfig.Service, fds *descriptorpb.FileDescriptorSet, opts Options) (*Config, error) {
	if svc == nil {
		return nil, errors.New("unexpected empty service config")
	}
	b := &builder{svc: svc, opts: opts, cfg: &Config{
		Service:  svc.GetName(),
		ConfigID: svc.GetId(),
		Title:    svc.GetTitle(),
	}}
	steps := []func() error{
		b.buildOperations,
		b.buildDescriptors(fds),
		b.buildBackends,
		b.buildHTTP,
		b.buildAuth,
		b.buildAPIKeys,
		b.buildQuota,
		b.buildServiceLevel,
		b.buildRoutes,
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
	}
	b.finish()
	return b.cfg, nil
}

// builder carries the state shared by the build steps.
type builder struct {
	svc  *serviceconfig.Service
	opts Options
	cfg  *Config
	// methods are the operations in input order (apis, then methods); Config.Methods gets them
	// sorted by selector at the end.
	methods []*Method
	// bySelector finds an operation by exact name: ESPv2 compares selectors by string
	// equality and ignores rules that match nothing.
	bySelector map[string]*Method
	// types indexes `types[]` by message name (built on first use).
	types map[string]*typepb.Type
}

// finish copies the methods into the Config in selector order.
func (b *builder) finish() {
	b.cfg.Methods = make([]Method, len(b.methods))
	for i, m := range b.methods {
		b.cfg.Methods[i] = *m
	}
	sort.SliceStable(b.cfg.Methods, func(i, j int) bool {
		return b.cfg.Methods[i].Selector < b.cfg.Methods[j].Selector
	})
}
