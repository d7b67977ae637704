package grpcconfig

import (
	"fmt"
	"regexp"
	"strings"

	"google.golang.org/genproto/googleapis/api/serviceconfig"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/apipb"
	"google.golang.org/protobuf/types/known/sourcecontextpb"
	"google.golang.org/protobuf/types/known/typepb"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/espctl/espctl/diag"
)

// Compile does what Service Management does to a deployed config, offline, and checks the
// result (docs/rules.md lists every check):
//
//  1. apis: each entry is expanded from its gRPC service in the descriptors (methods, type
//     URLs, streaming, version, syntax); with no `apis` at all, every service is used;
//  2. types/enums: every message and enum reachable from the methods, plus those listed;
//  3. http.rules: the google.api.http annotations, replaced per method by YAML rules;
//  4. wildcard selectors of backend, usage, authentication, quota and system_parameters
//     rules become one rule per method ("last rule wins" where several match);
//  5. defaults: endpoints [{name}], config_version 3.
//
// A full service config JSON (doc read with DecodeOptions.ServiceJSON) is already compiled:
// APIs that list their methods keep them, and descriptors are optional.
//
// desc may be nil (an OpenAPI-generated service config has none). The input is not changed.
func Compile(doc *Document, desc *Descriptors) (*serviceconfig.Service, diag.List) {
	c := &compiler{
		doc:     doc,
		pos:     doc.Positions,
		desc:    desc,
		svc:     proto.Clone(doc.Service).(*serviceconfig.Service),
		methods: map[string]*method{},
	}
	c.checkName()
	c.expandAPIs()
	c.fillTypes()
	c.checkBackendRules()
	c.checkAuthentication()
	c.checkControl()
	c.compileHTTP()
	c.expandRules()
	c.checkQuotaMetrics()
	c.applyDefaults()
	return c.svc, c.diags
}

// method is one operation of the service.
type method struct {
	selector string
	// input and output are nil when the API has no descriptors (OpenAPI-generated configs).
	input, output protoreflect.MessageDescriptor
	desc          protoreflect.MethodDescriptor
}

type compiler struct {
	doc     *Document
	pos     *Positions
	desc    *Descriptors
	svc     *serviceconfig.Service
	diags   diag.List
	methods map[string]*method
	order   []*method
}

func (c *compiler) report(rule, field, hint, format string, args ...any) {
	c.reportAt(c.pos.Pos(field), rule, field, hint, format, args...)
}

func (c *compiler) reportAt(pos diag.Pos, rule, field, hint, format string, args ...any) {
	c.diags.Add(diag.Diagnostic{Pos: pos, Rule: rule, Severity: severityOf(rule), Field: field, Message: fmt.Sprintf(format, args...), Hint: hint})
}

var (
	hostLabel   = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`)
	placeholder = regexp.MustCompile(`[<>${}A-Z]`)
)

func (c *compiler) checkName() {
	name := c.svc.GetName()
	switch {
	case name == "":
		c.report(RuleNameMissing, "name", "set `name:` to the service's DNS name, for example bookstore.endpoints.MY_PROJECT.cloud.goog", "the service name is missing")
		return
	case strings.Contains(name, "://") || strings.ContainsAny(name, "/: \t?#@"):
		c.report(RuleNameNotHost, "name", "write the bare host name, without scheme, port or path", "service name %q is not a hostname", name)
		return
	case placeholder.MatchString(name):
		c.report(RuleNamePlaceholder, "name", "replace the placeholder before deploying", "service name %q contains a placeholder", name)
		return
	}
	for _, label := range strings.Split(name, ".") {
		if !hostLabel.MatchString(label) {
			c.report(RuleNameNotHost, "name", "a hostname is dot-separated labels of a-z, 0-9 and '-'", "service name %q is not a hostname (label %q)", name, label)
			return
		}
	}
}

// expandAPIs fills apis[].methods from the descriptors and builds the method table.
func (c *compiler) expandAPIs() {
	if len(c.svc.Apis) == 0 {
		if c.desc == nil {
			c.report(RuleNoAPIs, "apis", "list the gRPC services under `apis:` and pass their descriptors", "the service config has no apis")
			return
		}
		services := c.desc.services()
		if len(services) == 0 {
			c.report(RuleNoAPIs, "apis", "the descriptors define no service outside google.*", "no apis: the config lists none and the descriptors define no service")
			return
		}
		var names []string
		for _, sd := range services {
			c.svc.Apis = append(c.svc.Apis, &apipb.Api{Name: string(sd.FullName())})
			names = append(names, string(sd.FullName()))
		}
		c.report(RuleAPIsInferred, "", "list them under `apis:` to make the choice explicit", "no `apis` listed; serving every service in the descriptors: %s", strings.Join(names, ", "))
	}
	seen := map[string]bool{}
	kept := c.svc.Apis[:0:0]
	defer func() { c.svc.Apis = kept }()
	for i, api := range c.svc.Apis {
		field := fmt.Sprintf("apis[%d].name", i)
		if seen[api.GetName()] {
			continue // listed twice: Service Management keeps one
		}
		seen[api.GetName()] = true
		kept = append(kept, api)
		var sd protoreflect.ServiceDescriptor
		if c.desc != nil {
			if d, err := c.desc.Files.FindDescriptorByName(protoreflect.FullName(api.GetName())); err == nil {
				sd, _ = d.(protoreflect.ServiceDescriptor)
			}
		}
		switch {
		case sd != nil:
			kept[len(kept)-1] = c.apiFromService(api, sd)
		case len(api.GetMethods()) > 0:
			c.apiFromConfig(api)
		case api.GetName() == "":
			c.report(RuleUnknownAPI, field, "", "an apis entry has no name")
		default:
			hint := "check the name against the `package` and `service` of your .proto"
			if c.desc == nil {
				hint = "pass the API's descriptors with --descriptor or --proto"
			} else if s := suggest(api.GetName(), c.serviceNames()); s != "" {
				hint = fmt.Sprintf("did you mean %q?", s)
			}
			c.report(RuleUnknownAPI, field, hint, "api %q is not a service in the descriptors", api.GetName())
		}
	}
}

func (c *compiler) serviceNames() []string {
	var out []string
	for _, sd := range c.desc.services() {
		out = append(out, string(sd.FullName()))
	}
	return out
}

var versionComponent = regexp.MustCompile(`^v\d+(p\d+)?((alpha|beta)\d*)?$`)

func (c *compiler) apiFromService(user *apipb.Api, sd protoreflect.ServiceDescriptor) *apipb.Api {
	fd := sd.ParentFile()
	api := &apipb.Api{
		Name:          string(sd.FullName()),
		Version:       user.GetVersion(),
		SourceContext: &sourcecontextpb.SourceContext{FileName: fd.Path()},
		Syntax:        syntaxOf(fd),
		Options:       user.GetOptions(),
		Mixins:        user.GetMixins(),
	}
	if api.Version == "" {
		api.Version = "v1"
		if pkg := string(fd.Package()); pkg != "" {
			if last := pkg[strings.LastIndexByte(pkg, '.')+1:]; versionComponent.MatchString(last) {
				api.Version = last
			}
		}
	}
	ms := sd.Methods()
	for j := 0; j < ms.Len(); j++ {
		md := ms.Get(j)
		api.Methods = append(api.Methods, &apipb.Method{
			Name:              string(md.Name()),
			RequestTypeUrl:    typeURL(md.Input().FullName()),
			RequestStreaming:  md.IsStreamingClient(),
			ResponseTypeUrl:   typeURL(md.Output().FullName()),
			ResponseStreaming: md.IsStreamingServer(),
			Syntax:            api.Syntax,
		})
		c.addMethod(&method{selector: string(md.FullName()), input: md.Input(), output: md.Output(), desc: md})
	}
	return api
}

// apiFromConfig takes methods as a compiled service config lists them.
func (c *compiler) apiFromConfig(api *apipb.Api) {
	for _, m := range api.GetMethods() {
		sel := api.GetName() + "." + m.GetName()
		if api.GetName() == "" { // old ESPv1-era configs: unnamed API, bare method selectors
			sel = m.GetName()
		}
		c.addMethod(&method{
			selector: sel,
			input:    c.message(m.GetRequestTypeUrl()),
			output:   c.message(m.GetResponseTypeUrl()),
		})
	}
}

func (c *compiler) message(url string) protoreflect.MessageDescriptor {
	if c.desc == nil {
		return nil
	}
	name := url[strings.LastIndexByte(url, '/')+1:]
	d, err := c.desc.Files.FindDescriptorByName(protoreflect.FullName(name))
	if err != nil {
		return nil
	}
	md, _ := d.(protoreflect.MessageDescriptor)
	return md
}

func (c *compiler) addMethod(m *method) {
	if _, dup := c.methods[m.selector]; dup {
		return
	}
	c.methods[m.selector] = m
	c.order = append(c.order, m)
}

func typeURL(name protoreflect.FullName) string { return "type.googleapis.com/" + string(name) }

func syntaxOf(fd protoreflect.FileDescriptor) typepb.Syntax {
	switch fd.Syntax() {
	case protoreflect.Proto3:
		return typepb.Syntax_SYNTAX_PROTO3
	case protoreflect.Editions:
		return typepb.Syntax_SYNTAX_EDITIONS
	}
	return typepb.Syntax_SYNTAX_PROTO2
}

func (c *compiler) applyDefaults() {
	if len(c.svc.Endpoints) == 0 && c.svc.GetName() != "" {
		c.svc.Endpoints = []*serviceconfig.Endpoint{{Name: c.svc.GetName()}}
	}
	if c.svc.ConfigVersion == nil {
		c.svc.ConfigVersion = wrapperspb.UInt32(3)
	}
}
