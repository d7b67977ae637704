package transcode

import (
	"fmt"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	"github.com/espctl/espctl/translate"
)

// GRPCBinding is the binding index Table.Lookup takes for a method's native gRPC path
// `POST /<package.Service>/<Method>`, which ESPv2 transcodes with body "*" when the request is
// not gRPC (proxy-behavior.md section 6).
const GRPCBinding = -1

// Table holds the compiled plan of every HTTP binding of every gRPC method of a config.
type Table struct {
	methods map[tableKey]*Method
}

type tableKey struct {
	selector string
	binding  int
}

// CompileConfig compiles every binding of every method of cfg that has a request type, looking
// the methods up in files (built from cfg.Descriptors). Methods without descriptors (OpenAPI
// operations) are skipped: they are proxied, not transcoded.
func CompileConfig(cfg *translate.Config, files *protoregistry.Files, opts Options) (*Table, error) {
	t := &Table{methods: map[tableKey]*Method{}}
	if cfg == nil || files == nil {
		return t, nil
	}
	for _, cm := range cfg.Methods {
		if cm.RequestType == "" && cm.GRPCPath == "" {
			continue
		}
		d, err := files.FindDescriptorByName(protoreflect.FullName(cm.Selector))
		if err != nil {
			return nil, fmt.Errorf("transcode: method %s: %w", cm.Selector, err)
		}
		md, ok := d.(protoreflect.MethodDescriptor)
		if !ok {
			return nil, fmt.Errorf("transcode: %s is a %T, not a method", cm.Selector, d)
		}
		for i, b := range cm.HTTP {
			m, err := Compile(md, b, opts)
			if err != nil {
				return nil, err
			}
			t.methods[tableKey{cm.Selector, i}] = m
		}
		m, err := Compile(md, translate.HTTPBinding{Method: "POST", Pattern: "/" + string(md.Parent().FullName()) + "/" + string(md.Name()), Body: "*"}, opts)
		if err != nil {
			return nil, err
		}
		t.methods[tableKey{cm.Selector, GRPCBinding}] = m
	}
	return t, nil
}

// Lookup returns the plan for translate.Method selector and its HTTP binding index
// (translate.Route.Binding), or GRPCBinding for the native gRPC path; nil when there is none.
func (t *Table) Lookup(selector string, binding int) *Method {
	if t == nil {
		return nil
	}
	return t.methods[tableKey{selector, binding}]
}
