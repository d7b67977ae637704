package openapi

import (
	_ "embed"
	"path/filepath"
	"regexp"
	"strings"

	"google.golang.org/genproto/googleapis/api/serviceconfig"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/apipb"
	"google.golang.org/protobuf/types/known/sourcecontextpb"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

// standardService holds the logs, metrics, monitored resource, logging and monitoring blocks
// Service Management adds to every generated config (copied from a config it generated:
// cloudendpoints/esp src/nginx/conf/bookstore.json). They only feed Service Control reports.
//
//go:embed standard_service.json
var standardService []byte

// serviceControlHost is the control.environment of every generated config.
const serviceControlHost = "servicecontrol.googleapis.com"

// convert runs the conversion steps in order; each step reads the fields earlier steps set
// (methods before rules, definitions before types).
func (c *converter) convert() *serviceconfig.Service {
	d := c.doc
	svc := &serviceconfig.Service{}
	if err := protojson.Unmarshal(standardService, svc); err != nil {
		panic("openapi: embedded standard_service.json: " + err.Error()) // a build defect, not input
	}
	svc.ConfigVersion = wrapperspb.UInt32(3)
	svc.Name = c.checkHost()
	title, version, summary := c.readInfo()
	svc.Title = title
	svc.Documentation = &serviceconfig.Documentation{Summary: summary}
	svc.Control = &serviceconfig.Control{Environment: serviceControlHost}
	svc.SystemParameters = &serviceconfig.SystemParameters{}

	api := &apipb.Api{
		Name:    c.apiName(svc.Name, version),
		Version: version,
	}
	if c.src.file != "" {
		api.SourceContext = &sourcecontextpb.SourceContext{FileName: filepath.Base(c.src.file)}
	}
	svc.Apis = []*apipb.Api{api}

	c.nameMethods(api.Name)
	c.addAllowAll(api.Name)
	svc.Http = c.httpRules()
	c.checkDuplicatePatterns()
	t := c.newTypeBuilder()
	for _, op := range d.operations {
		req, resp := t.methodTypes(op)
		api.Methods = append(api.Methods, &apipb.Method{
			Name:            op.methodNm,
			RequestTypeUrl:  typeURLPrefix + req,
			ResponseTypeUrl: typeURLPrefix + resp,
		})
	}
	svc.Types, svc.Enums = t.result()
	svc.Authentication, svc.Usage, svc.SystemParameters = c.security()
	svc.Backend = c.backends()
	c.management(svc)
	svc.Endpoints = c.endpoints(svc.Name)
	return svc
}

var (
	// hostPattern is a DNS name: labels of letters, digits and '-', separated by dots.
	hostPattern        = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$`)
	placeholderPattern = regexp.MustCompile(`\$\{?[A-Za-z_]+\}?|<[^>]*>|YOUR[-_]|MY[-_]PROJECT`)
)

// checkHost returns the service name. A placeholder (`${ENDPOINT_SERVICE}`) is kept verbatim
// with a warning, since sample files ship them and the rest of the document is still useful.
func (c *converter) checkHost() string {
	d := c.doc
	host := d.host
	field := d.hostFrom
	switch {
	case d.hostNode == nil || host == "":
		n := d.hostNode
		if n == nil {
			n = d.root
		}
		if field == "host" {
			c.report(ruleHost, n, field, "missing: the host is the service name (`<api>.endpoints.<project>.cloud.goog`)", "add `host: my-api.endpoints.my-project.cloud.goog`")
			break
		}
		c.report(ruleHost, n, field, "gives no host name to use as the service name", "use an absolute URL (`https://my-api.endpoints.my-project.cloud.goog`) or set x-google-endpoints[0].name")
	case placeholderPattern.MatchString(host):
		c.report(rulePlaceholderHost, d.hostNode, field, "`"+host+"` looks like a placeholder", "replace it with the service name before deploying")
	case strings.Contains(host, "://") || strings.ContainsAny(host, "/:"):
		c.report(ruleHost, d.hostNode, field, "`"+host+"` is not a bare DNS name (no scheme, port or path)", "write only the name, e.g. `my-api.endpoints.my-project.cloud.goog`")
	case !hostPattern.MatchString(host):
		c.report(ruleHost, d.hostNode, field, "`"+host+"` is not a valid DNS name", "use letters, digits, '-' and '.' only")
	}
	return host
}

func (c *converter) readInfo() (title, version, summary string) {
	info := c.doc.info
	if info == nil {
		c.report(ruleInfo, c.doc.root, "info", "missing: `info.title` and `info.version` are required", "add an `info` block with `title` and `version`")
		return "", "", ""
	}
	title = scalar(get(info, "title"))
	version = scalar(get(info, "version"))
	if title == "" {
		c.report(ruleInfo, info, "info.title", "missing: it becomes the service title", "")
	}
	if version == "" {
		c.report(ruleInfo, info, "info.version", "missing: it gives the API version and the major version in the API name", "add `version: 1.0.0`")
	}
	return title, version, scalar(get(info, "description"))
}

// apiName is `<major version>.<host with '.' and '-' as '_'>`, or the x-google-api-name in
// place of the host part.
func (c *converter) apiName(host, version string) string {
	major, _, _ := strings.Cut(version, ".")
	if major == "" {
		major = "1"
	}
	base := strings.NewReplacer(".", "_", "-", "_").Replace(host)
	if k, v := lookup(c.doc.root, "x-google-api-name"); k != nil {
		name := scalar(v)
		if !apiNamePattern.MatchString(name) {
			c.report(ruleExtensionValue, v, "x-google-api-name", "must be a lower-case name of letters, digits and '_' starting with a letter, not "+kindName(v), "")
		} else {
			base = name
		}
	}
	return major + "." + base
}

var apiNamePattern = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// endpoints is x-google-endpoints as written, or `[{name: <service>}]`.
func (c *converter) endpoints(service string) []*serviceconfig.Endpoint {
	k, v := lookup(c.doc.root, "x-google-endpoints")
	if k == nil {
		return []*serviceconfig.Endpoint{{Name: service}}
	}
	list := items(v)
	if v.Kind != 0 && list == nil {
		c.report(ruleExtensionValue, v, "x-google-endpoints", "must be a list of `{name, allowCors}`, not "+kindName(v), "")
	}
	var out []*serviceconfig.Endpoint
	for i, e := range list {
		field := "x-google-endpoints[" + itoa(i) + "]"
		if e.Kind != 0 && entries(e) == nil {
			c.report(ruleExtensionValue, e, field, "must be a mapping `{name, allowCors}`, not "+kindName(e), "")
			continue
		}
		ep := &serviceconfig.Endpoint{Name: scalar(get(e, "name"))}
		c.unknownFields(e, field, "name", "allowCors", "target", "aliases")
		if n := get(e, "allowCors"); n != nil {
			ep.AllowCors = c.boolValue(n, field+".allowCors")
		}
		ep.Target = scalar(get(e, "target"))
		for _, a := range items(get(e, "aliases")) {
			ep.Aliases = append(ep.Aliases, scalar(a))
		}
		if ep.Name == "" {
			c.report(ruleExtensionValue, e, field+".name", "missing: the endpoint name is the service name", "set `name: "+service+"`")
		}
		out = append(out, ep)
	}
	return out
}
