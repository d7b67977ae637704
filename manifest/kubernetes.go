package manifest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/espctl/espctl/flags"
)

// k8sMigration rewrites one multi-document YAML file.
type k8sMigration struct {
	res  *FileResult
	ed   *editor
	opts Options
	// droppedPorts maps a port ESPv1 opened and ESPv2 no longer does to the flag that opened it;
	// Services are checked against it after all containers are seen.
	droppedPorts map[int]string
	// namedPorts maps a containerPort name to its number, for named targetPorts and probes.
	namedPorts map[string]int
	espFound   bool
	// currentContainer is the container being migrated, for messages.
	currentContainer *yaml.Node
	// fatal stops the migration of the whole file (a non-string args item): exit 2, file untouched.
	fatal error
}

var yamlErrLine = regexp.MustCompile(`line (\d+)`)

func migrateKubernetes(res *FileResult, opts Options) error {
	docs, err := decodeDocuments(res.Path, res.Original)
	if err != nil {
		return err
	}
	m := &k8sMigration{res: res, ed: newEditor(res.Original), opts: opts, droppedPorts: map[int]string{}, namedPorts: map[string]int{}}
	for _, doc := range docs {
		walkMappings(doc, m.podSpec)
	}
	if m.fatal != nil {
		return m.fatal
	}
	if !m.espFound {
		return &InputError{Path: res.Path, Line: 1, Msg: "no ESP container found (no image endpoints-runtime[-serverless]:1 and no container with ESP flags)"}
	}
	for _, doc := range docs {
		m.services(doc)
	}
	res.Rewritten = m.ed.apply()
	return nil
}

// decodeDocuments reads every YAML document, turning parse errors into an InputError with
// the line yaml.v3 reports.
func decodeDocuments(path string, data []byte) ([]*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var docs []*yaml.Node
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			line := 0
			if m := yamlErrLine.FindStringSubmatch(err.Error()); m != nil {
				line, _ = strconv.Atoi(m[1])
			}
			msg := strings.TrimPrefix(err.Error(), "yaml: ")
			msg = yamlErrLine.ReplaceAllString(msg, "")
			return nil, &InputError{Path: path, Line: line, Msg: "not valid YAML: " + strings.Trim(msg, ": ")}
		}
		docs = append(docs, &n)
	}
}

// podSpec is called on every mapping; those with a `containers` list are pod specs, whatever
// object holds them (Deployment, CronJob, Knative Service, a List item, a CRD).
func (m *k8sMigration) podSpec(n *yaml.Node) {
	for _, key := range []string{"containers", "initContainers"} {
		list := mapGet(n, key)
		if list == nil || list.Kind != yaml.SequenceNode {
			continue
		}
		for _, c := range list.Content {
			if c.Kind == yaml.MappingNode {
				m.container(c, n)
			}
		}
	}
}

func (m *k8sMigration) add(line int, sev flags.Severity, topic, msg string) {
	m.res.Findings = append(m.res.Findings, Finding{Line: line, Severity: sev, Topic: topic, Message: msg})
}

// container migrates one container if it is ESP.
func (m *k8sMigration) container(c, podSpec *yaml.Node) {
	m.currentContainer = c
	imageNode := mapGet(c, "image")
	image, _ := scalarValue(imageNode)
	ref, isESPImage := parseESPImage(image)
	cmdNode, argsNode := mapGet(c, "command"), mapGet(c, "args")
	cmd, cmdOK := m.stringList(cmdNode, "command")
	args, argsOK := m.stringList(argsNode, "args")
	if !cmdOK || !argsOK {
		return
	}
	scriptInCommand := len(cmd) > 0 && isStartESP(cmd[0])
	espArgsEnv := findEnv(c, "ESP_ARGS")
	if !isESPImage && !scriptInCommand && !looksLikeESPArgs(args) && espArgsEnv == nil {
		return
	}
	if isESPImage && !ref.isV1() {
		m.espFound = true
		m.add(imageNode.Line, severityInfo, "image", "image "+image+" is already ESPv2; nothing to do")
		return
	}
	m.espFound = true

	// The image.
	serverless := false
	if isESPImage {
		serverless = ref.serverless()
		newImage := ref.retag(m.opts.targetTag())
		m.replaceScalar(imageNode, newImage, false)
		m.res.Findings = append(m.res.Findings, imageFinding(imageNode.Line, image, ref, newImage))
	} else {
		line := c.Line
		if imageNode != nil {
			line = imageNode.Line
		}
		m.add(line, severityWarning, "image", fmt.Sprintf("container %q runs ESP flags but its image %q is not a literal endpoints-runtime image; set it to an ESPv2 image (gcr.io/endpoints-release/endpoints-runtime:%s) where the placeholder is filled in", containerName(c), image, m.opts.targetTag()))
	}

	// The flags, from command (after the start script) and args together, so merges across
	// them (two port flags) are seen.
	var argv []string
	if scriptInCommand {
		argv = append(argv, cmd[1:]...)
	}
	argv = append(argv, args...)
	listenerPort := 8080
	if len(argv) > 0 {
		res, err := flags.Migrate(argv, flags.MigrateOptions{Input: flags.FromArgv})
		if err != nil {
			m.add(flagsLine(argsNode, cmdNode, c), severityError, "flag", "cannot migrate the ESP flags: "+err.Error())
			return
		}
		m.flagFindings(res, flagsLine(argsNode, cmdNode, c))
		listenerPort = optionInt(res.Options, "listener_port", 8080)
		switch {
		case scriptInCommand && len(args) > 0:
			m.replaceList(cmdNode, []string{"python3", "/apiproxy/start_proxy.py"})
			m.replaceList(argsNode, argsInInputOrder(res))
		case scriptInCommand:
			m.replaceList(cmdNode, append([]string{"python3", "/apiproxy/start_proxy.py"}, argsInInputOrder(res)...))
		default:
			m.replaceList(argsNode, argsInInputOrder(res))
		}
		if scriptInCommand {
			m.add(cmdNode.Line, severityWarning, "command", "command ran ESPv1's "+cmd[0]+"; ESPv2's start script is /apiproxy/start_proxy.py (the image's entrypoint is `python3 /apiproxy/start_proxy.py`), so you may also delete `command:` and keep only the flags in `args:`")
		}
	} else if cmdNode != nil && len(cmd) > 0 && !scriptInCommand && isESPImage {
		m.add(cmdNode.Line, severityError, "command", "the ESP container overrides command with "+strconv.Quote(strings.Join(cmd, " "))+"; check it by hand against ESPv2's entrypoint `python3 /apiproxy/start_proxy.py`")
	}

	// ESP_ARGS of the serverless image.
	if espArgsEnv != nil {
		m.envESPArgs(espArgsEnv)
		serverless = true
	}

	ports := espv1Ports(argv)
	if serverless {
		// The serverless launcher listens on $PORT, not on the port flags.
		ports = map[int]string{}
	}
	delete(ports, listenerPort)
	for p, why := range ports {
		m.droppedPorts[p] = why
	}
	m.containerPorts(c, listenerPort)
	m.probes(c, listenerPort)
	m.sslSecrets(c, podSpec)
}

// flagFindings copies the per-flag findings onto the file, at the line of the flags.
func (m *k8sMigration) flagFindings(res *flags.Result, line int) {
	for i := range res.Findings {
		f := res.Findings[i]
		m.res.Findings = append(m.res.Findings, Finding{Line: line, Severity: f.Severity, Topic: "flag", Message: flagSummary(f), Flag: &f})
	}
}

func flagsLine(args, cmd, c *yaml.Node) int {
	switch {
	case args != nil:
		return args.Line
	case cmd != nil:
		return cmd.Line
	}
	return c.Line
}

func containerName(c *yaml.Node) string {
	name, _ := scalarValue(mapGet(c, "name"))
	return name
}

// optionInt reads an integer option from a migration result's options map.
func optionInt(options map[string]any, name string, def int) int {
	switch v := options[name].(type) {
	case int:
		return v
	case int64:
		return int(v)
	case float64:
		return int(v)
	case string:
		if n, err := strconv.Atoi(v); err == nil {
			return n
		}
	}
	return def
}

// stringList reads a sequence of strings; a non-string item is reported and the container left alone.
func (m *k8sMigration) stringList(n *yaml.Node, field string) ([]string, bool) {
	if n == nil {
		return nil, true
	}
	if n.Kind != yaml.SequenceNode {
		m.fatal = &InputError{Path: m.res.Path, Line: n.Line, Msg: field + " is not a list of strings"}
		return nil, false
	}
	out := make([]string, 0, len(n.Content))
	for _, item := range n.Content {
		if item.Kind != yaml.ScalarNode {
			m.fatal = &InputError{Path: m.res.Path, Line: item.Line, Msg: fmt.Sprintf("container %q: %s item is not a string", containerName(m.currentContainer), field)}
			return nil, false
		}
		out = append(out, item.Value)
	}
	return out, true
}

func findEnv(c *yaml.Node, name string) *yaml.Node {
	env := mapGet(c, "env")
	if env == nil || env.Kind != yaml.SequenceNode {
		return nil
	}
	for _, e := range env.Content {
		if v, _ := scalarValue(mapGet(e, "name")); v == name {
			return e
		}
	}
	return nil
}

// envESPArgs renames ESP_ARGS to ESPv2_ARGS and migrates its value.
func (m *k8sMigration) envESPArgs(e *yaml.Node) {
	nameNode := mapGet(e, "name")
	valueNode := mapGet(e, "value")
	if valueNode == nil || valueNode.Kind != yaml.ScalarNode {
		m.add(e.Line, severityError, "env", "ESP_ARGS is not a literal value (valueFrom?); migrate its source by hand with `espctl migrate flags --esp-args`")
		return
	}
	items, err := flags.SplitESPArgs(valueNode.Value)
	if err != nil {
		m.add(valueNode.Line, severityError, "env", "ESP_ARGS cannot be split: "+err.Error())
		return
	}
	res, err := flags.Migrate(items, flags.MigrateOptions{Input: flags.FromESPArgs})
	if err != nil {
		m.add(valueNode.Line, severityError, "env", "cannot migrate ESP_ARGS: "+err.Error())
		return
	}
	m.flagFindings(res, valueNode.Line)
	inFlow := e.Style&yaml.FlowStyle != 0
	m.replaceScalar(nameNode, "ESPv2_ARGS", inFlow)
	// Joined here rather than taken from res.Env so the flags keep the input's order.
	newValue := flags.JoinESPv2Args(argsInInputOrder(res))
	m.replaceScalar(valueNode, newValue, inFlow)
	m.add(nameNode.Line, severityInfo, "env", "ESP_ARGS renamed to ESPv2_ARGS (the serverless ESPv2 image reads only ESPv2_ARGS)")
}
