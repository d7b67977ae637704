package manifest

import (
	"github.com/espctl/espctl/flags"
	"path"
	"strconv"
	"strings"
)

// espv1Ports reads the ports an ESPv1 argv opened, so that containerPorts, Service targetPorts
// and probes that pointed at a port ESPv2 no longer opens can be found. ESPv1 listened on 8080
// without a port flag and always opened the status port 8090.
func espv1Ports(argv []string) map[int]string {
	ports := map[int]string{}
	names := map[string]string{
		"--http_port": "--http_port", "-p": "--http_port",
		"--http2_port": "--http2_port", "-P": "--http2_port",
		"--ssl_port": "--ssl_port", "-S": "--ssl_port",
		"--status_port": "--status_port", "-N": "--status_port",
	}
	sawListener, sawStatus := false, false
	for i := 0; i < len(argv); i++ {
		name, value, hasValue := strings.Cut(argv[i], "=")
		flag, ok := names[name]
		if !ok {
			continue
		}
		if !hasValue && i+1 < len(argv) {
			value = argv[i+1]
			i++
		}
		p, err := strconv.Atoi(strings.TrimSpace(value))
		if err != nil {
			continue
		}
		ports[p] = "ESPv1's " + flag
		if flag == "--status_port" {
			sawStatus = true
		} else {
			sawListener = true
		}
	}
	if !sawListener {
		ports[8080] = "ESPv1's default port"
	}
	if !sawStatus {
		ports[8090] = "ESPv1's status port"
	}
	return ports
}

// isStartESP reports whether a command item is ESPv1's start script.
func isStartESP(item string) bool {
	base := path.Base(item)
	return base == "start_esp.py" || base == "start_esp"
}

// looksLikeESPArgs reports whether an argv carries ESP's identifying flags, for containers
// whose image is a placeholder (`$ESP_IMAGE`).
func looksLikeESPArgs(argv []string) bool {
	score := 0
	for _, a := range argv {
		name, _, _ := strings.Cut(a, "=")
		switch name {
		case "--service", "-s", "--backend", "-a", "--rollout_strategy", "--http_port", "--http2_port", "--ssl_port", "-p", "-P", "-S", "--service_account_key", "-k", "--version", "-v":
			score++
		}
	}
	return score >= 2
}

// flagSummary puts a flag finding in one line: what came in, what happened, what came out, why.
func flagSummary(f flags.Finding) string {
	s := f.Input
	if s == "" {
		s = f.Flag
	}
	s += ": " + string(f.Action)
	if len(f.Replacement) > 0 && !(len(f.Replacement) == 1 && f.Replacement[0] == f.Input) {
		s += " -> " + strings.Join(f.Replacement, " ")
	}
	if f.Message != "" {
		s += "; " + f.Message
	}
	return s
}

// argsInInputOrder orders the migrated flags like the input, so a rewritten manifest's diff
// shows each flag changed in place: the findings come in input order, each naming its
// replacement; flags no finding names (defaults made explicit) follow in the result's order.
func argsInInputOrder(res *flags.Result) []string {
	inResult := map[string]int{}
	for _, a := range res.Args {
		inResult[a]++
	}
	out := make([]string, 0, len(res.Args))
	for _, f := range res.Findings {
		for _, r := range f.Replacement {
			if inResult[r] > 0 {
				inResult[r]--
				out = append(out, r)
			}
		}
	}
	for _, a := range res.Args {
		if inResult[a] > 0 {
			inResult[a]--
			out = append(out, a)
		}
	}
	return out
}
