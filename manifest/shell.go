package manifest

import (
	"bytes"
	"strings"

	"github.com/espctl/espctl/flags"
)

// migrateShell rewrites `docker run ... endpoints-runtime:1 <flags>` and `gcloud run deploy
// --set-env-vars=ESP_ARGS=...` commands in a shell script, or in the fenced code blocks of a
// Markdown file. Only the ESP words change; the rest of each line stays as written.
func migrateShell(res *FileResult, opts Options) error {
	ed := newEditor(res.Original)
	s := &shellMigration{res: res, ed: ed, opts: opts}
	for _, region := range shellRegions(res.Kind, res.Original) {
		for _, cmd := range splitShell(res.Original, region[0], region[1]) {
			s.command(cmd)
		}
	}
	res.Rewritten = ed.apply()
	return nil
}

// shellRegions is the whole file for a script, the fenced code blocks for Markdown.
func shellRegions(kind Kind, src []byte) [][2]int {
	if kind != KindMarkdown {
		return [][2]int{{0, len(src)}}
	}
	var regions [][2]int
	inBlock, start, off := false, 0, 0
	for _, line := range bytes.SplitAfter(src, []byte("\n")) {
		trimmed := bytes.TrimSpace(line)
		if bytes.HasPrefix(trimmed, []byte("```")) || bytes.HasPrefix(trimmed, []byte("~~~")) {
			if inBlock {
				regions = append(regions, [2]int{start, off})
			} else {
				start = off + len(line)
			}
			inBlock = !inBlock
		}
		off += len(line)
	}
	return regions
}

type shellMigration struct {
	res  *FileResult
	ed   *editor
	opts Options
}

// word is a token's original text, quotes included.
func (s *shellMigration) word(t shellToken) string { return string(s.ed.src[t.start:t.end]) }

func (s *shellMigration) line(off int) int { return lineOf(s.ed.src, off) }

func (s *shellMigration) add(off int, sev flags.Severity, topic, msg string) {
	s.res.Findings = append(s.res.Findings, Finding{Line: s.line(off), Severity: sev, Topic: topic, Message: msg})
}

func (s *shellMigration) command(cmd shellCommand) {
	t := cmd.tokens
	for i := 0; i+1 < len(t); i++ {
		if t[i].value == "docker" && (t[i+1].value == "run" || t[i+1].value == "create") {
			s.dockerRun(t[i+2:])
			return
		}
		if t[i].value == "gcloud" {
			s.gcloud(t[i+1:])
			return
		}
	}
}

// dockerRun migrates the image word, `-e ESP_ARGS=...` before it, and the flags after it.
func (s *shellMigration) dockerRun(t []shellToken) {
	imageAt := -1
	for i, tok := range t {
		if ref, ok := parseESPImage(tok.value); ok {
			imageAt = i
			if !ref.isV1() {
				s.add(tok.start, severityInfo, "image", "image "+tok.value+" is already ESPv2")
				return
			}
			newImage := ref.retag(s.opts.targetTag())
			s.ed.replace(tok.start, tok.end, quoteLikeWord(s.word(tok), newImage))
			s.res.Findings = append(s.res.Findings, imageFinding(s.line(tok.start), tok.value, ref, newImage))
			break
		}
	}
	if imageAt < 0 {
		return
	}
	for i := 0; i < imageAt; i++ {
		if v := t[i].value; (v == "-e" || v == "--env") && i+1 < imageAt && strings.HasPrefix(t[i+1].value, "ESP_ARGS=") {
			s.espArgsWord(t[i+1], "ESP_ARGS=")
		} else if strings.HasPrefix(v, "--env=ESP_ARGS=") {
			s.espArgsWord(t[i], "--env=ESP_ARGS=")
		}
	}
	args := t[imageAt+1:]
	if len(args) == 0 {
		return
	}
	argv := make([]string, len(args))
	for i, a := range args {
		argv[i] = a.value
	}
	res, err := flags.Migrate(argv, flags.MigrateOptions{Input: flags.FromArgv})
	if err != nil {
		s.add(args[0].start, severityError, "flag", "cannot migrate the ESP flags: "+err.Error())
		return
	}
	line := s.line(args[0].start)
	for i := range res.Findings {
		f := res.Findings[i]
		s.res.Findings = append(s.res.Findings, Finding{Line: line, Severity: f.Severity, Topic: "flag", Message: flagSummary(f), Flag: &f})
	}
	// Keep the layout: new flags are joined by the text that separated the first two old ones
	// (a space, or ` \` + newline + indent).
	sep := " "
	if len(args) > 1 {
		sep = string(s.ed.src[args[0].end:args[1].start])
	}
	ordered := argsInInputOrder(res)
	words := make([]string, len(ordered))
	for i, a := range ordered {
		words[i] = shellQuote(a)
	}
	s.ed.replace(args[0].start, args[len(args)-1].end, strings.Join(words, sep))
}

// espArgsWord rewrites a `ESP_ARGS=value` word as `ESPv2_ARGS=migrated`.
func (s *shellMigration) espArgsWord(tok shellToken, prefix string) {
	value := strings.TrimPrefix(tok.value, prefix)
	newValue, ok := s.migrateESPArgs(tok.start, value)
	if !ok {
		return
	}
	newPrefix := strings.Replace(prefix, "ESP_ARGS=", "ESPv2_ARGS=", 1)
	s.ed.replace(tok.start, tok.end, quoteLikeWord(s.word(tok), newPrefix+newValue))
}

func (s *shellMigration) migrateESPArgs(off int, value string) (string, bool) {
	items, err := flags.SplitESPArgs(value)
	if err != nil {
		s.add(off, severityError, "env", "ESP_ARGS cannot be split: "+err.Error())
		return "", false
	}
	res, err := flags.Migrate(items, flags.MigrateOptions{Input: flags.FromESPArgs})
	if err != nil {
		s.add(off, severityError, "env", "cannot migrate ESP_ARGS: "+err.Error())
		return "", false
	}
	line := s.line(off)
	for i := range res.Findings {
		f := res.Findings[i]
		s.res.Findings = append(s.res.Findings, Finding{Line: line, Severity: f.Severity, Topic: "flag", Message: flagSummary(f), Flag: &f})
	}
	s.add(off, severityInfo, "env", "ESP_ARGS renamed to ESPv2_ARGS (the serverless ESPv2 image reads only ESPv2_ARGS)")
	// Joined here rather than taken from res.Env so the flags keep the input's order.
	return flags.JoinESPv2Args(argsInInputOrder(res)), true
}

// gcloud migrates `--set-env-vars` / `--update-env-vars` lists holding ESP_ARGS and ESP images
// passed with --image.
func (s *shellMigration) gcloud(t []shellToken) {
	for i, tok := range t {
		name, value, hasValue := strings.Cut(tok.value, "=")
		valueTok := tok
		switch name {
		case "--image":
			if !hasValue && i+1 < len(t) {
				valueTok, value = t[i+1], t[i+1].value
			}
			if ref, ok := parseESPImage(value); ok && ref.isV1() {
				newImage := ref.retag(s.opts.targetTag())
				if valueTok.start == tok.start {
					s.ed.replace(tok.start, tok.end, quoteLikeWord(s.word(tok), "--image="+newImage))
				} else {
					s.ed.replace(valueTok.start, valueTok.end, quoteLikeWord(s.word(valueTok), newImage))
				}
				s.res.Findings = append(s.res.Findings, imageFinding(s.line(tok.start), value, ref, newImage))
			}
		case "--set-env-vars", "--update-env-vars":
			if !hasValue && i+1 < len(t) {
				valueTok, value = t[i+1], t[i+1].value
			}
			newList, changed := s.gcloudEnvList(tok.start, value)
			if !changed {
				continue
			}
			if valueTok.start == tok.start {
				s.ed.replace(tok.start, tok.end, quoteLikeWord(s.word(tok), name+"="+newList))
			} else {
				s.ed.replace(valueTok.start, valueTok.end, quoteLikeWord(s.word(valueTok), newList))
			}
		}
	}
}

// gcloudEnvList rewrites gcloud's KEY=VALUE list (comma-separated, or `^D^`-prefixed with
// another delimiter, as gcloud's `gcloud topic escaping` describes).
func (s *shellMigration) gcloudEnvList(off int, list string) (string, bool) {
	delim, body := ",", list
	if strings.HasPrefix(list, "^") {
		if end := strings.Index(list[1:], "^"); end > 0 {
			delim, body = list[1:1+end], list[2+end:]
		}
	}
	pairs := strings.Split(body, delim)
	changed := false
	for i, p := range pairs {
		value, ok := strings.CutPrefix(p, "ESP_ARGS=")
		if !ok {
			continue
		}
		newValue, ok := s.migrateESPArgs(off, value)
		if !ok {
			return "", false
		}
		pairs[i] = "ESPv2_ARGS=" + newValue
		changed = true
	}
	if !changed {
		return "", false
	}
	// gcloud splits on its delimiter: pick one that no pair contains.
	joinedWith := func(d string) bool {
		for _, p := range pairs {
			if strings.Contains(p, d) {
				return false
			}
		}
		return true
	}
	if !joinedWith(delim) {
		for _, d := range []string{"@", "#", ";;", "|", "~~"} {
			if joinedWith(d) {
				delim = d
				break
			}
		}
	}
	if delim == "," {
		return strings.Join(pairs, ","), true
	}
	return "^" + delim + "^" + strings.Join(pairs, delim), true
}
