package admin

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/espctl/espctl/observe"
	"github.com/espctl/espctl/translate"
)

//go:embed page.html.tmpl
var pageSource string

var pageTemplate = template.Must(template.New("page").Parse(pageSource))

// pageData is what the page shows; the template only formats it.
type pageData struct {
	Service, ConfigID, Title string
	APIs                     []string
	LocalBackend             string
	Healthz                  string
	GRPCBackend              bool
	Routes                   int
	Window                   string
	Methods                  []methodRow
	Reloads                  []reloadRow
	HasMetrics, Pprof        bool
	Generated                string
	Refresh                  int
}

type methodRow struct {
	Selector   string
	Bindings   []string
	Backend    string
	Checks     string
	Configured bool
	Requests   int64
	Rate       string
	Client     int64
	Server     int64
	ErrorRatio string
}

type reloadRow struct {
	Time, Trigger, ConfigID, Error string
	OK                             bool
}

func (s *server) page(w http.ResponseWriter, r *http.Request) {
	data := s.pageData(r)
	var buf bytes.Buffer
	if err := pageTemplate.Execute(&buf, data); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(buf.Bytes())
}

func (s *server) pageData(r *http.Request) pageData {
	now := s.now()
	d := pageData{HasMetrics: s.metrics != nil, Pprof: s.opts.Pprof, Generated: now.UTC().Format(time.RFC3339)}
	if n, err := strconv.Atoi(r.URL.Query().Get("refresh")); err == nil && n >= 1 && n <= 3600 {
		d.Refresh = n
	}
	cfg := s.src.Config()
	rows := map[string]*methodRow{}
	var order []string
	if cfg != nil {
		d.Service, d.ConfigID, d.Title = cfg.Service, cfg.ConfigID, cfg.Title
		for _, a := range cfg.APIs {
			d.APIs = append(d.APIs, a.Name)
		}
		d.LocalBackend = backendAddress(cfg.LocalBackend)
		d.Healthz, d.GRPCBackend, d.Routes = cfg.Healthz, cfg.GRPCBackend, len(cfg.Routes)
		for i := range cfg.Methods {
			m := &cfg.Methods[i]
			rows[m.Selector] = &methodRow{
				Selector:   m.Selector,
				Bindings:   bindings(m),
				Backend:    backendText(m, cfg),
				Checks:     checks(m),
				Configured: true,
			}
			order = append(order, m.Selector)
		}
	}
	counts := s.metrics.MethodCounts()
	base := s.rates.baseline(now, s.metrics.Started(), counts)
	secs := now.Sub(base.at).Seconds()
	d.Window = windowText(now.Sub(base.at), base.counts == nil)
	if s.metrics == nil {
		d.Window = "(metrics are off)"
	}
	var extra []string
	for _, c := range counts {
		row := rows[c.Method]
		if row == nil {
			// Counted but not in the config: unknown routes, the health check, or methods of
			// a config that was replaced.
			row = &methodRow{Selector: c.Method}
			rows[c.Method] = row
			extra = append(extra, c.Method)
		}
		row.Requests, row.Client, row.Server = c.Requests, c.ClientErrors, c.ServerErrors
		b := base.counts[c.Method]
		delta := c.Requests - b.Requests
		errs := c.ClientErrors + c.ServerErrors - b.ClientErrors - b.ServerErrors
		if secs > 0 {
			row.Rate = strconv.FormatFloat(float64(delta)/secs, 'f', 2, 64)
		}
		if delta > 0 {
			row.ErrorRatio = strconv.FormatFloat(100*float64(errs)/float64(delta), 'f', 1, 64) + "%"
		}
	}
	sort.Strings(extra)
	for _, sel := range append(order, extra...) {
		row := rows[sel]
		if row.Rate == "" {
			row.Rate = "0.00"
		}
		if row.ErrorRatio == "" {
			row.ErrorRatio = "–"
		}
		d.Methods = append(d.Methods, *row)
	}
	for _, e := range s.metrics.Reloads() {
		row := reloadRow{Time: e.Time.UTC().Format(time.RFC3339), Trigger: e.Trigger, ConfigID: e.ConfigID, OK: e.OK()}
		if e.Err != nil {
			row.Error = e.Err.Error()
		}
		d.Reloads = append(d.Reloads, row)
	}
	return d
}

func bindings(m *translate.Method) []string {
	var out []string
	for _, b := range m.HTTP {
		out = append(out, b.Method+" "+b.Pattern)
	}
	if m.GRPCPath != "" {
		out = append(out, "POST "+m.GRPCPath+" (gRPC)")
	}
	return out
}

func backendText(m *translate.Method, cfg *translate.Config) string {
	text := backendAddress(m.Backend)
	if m.Backend.Local || m.Backend.Address == "" {
		text = "local " + backendAddress(cfg.LocalBackend)
	}
	if m.Backend.DeadlineSeconds > 0 {
		text += fmt.Sprintf(" (deadline %gs)", m.Backend.DeadlineSeconds)
	}
	if m.HTTPBackend != nil {
		text += "; plain HTTP: " + backendAddress(*m.HTTPBackend)
	}
	return text
}

// backendAddress is the backend as configured, or rebuilt from its parts when the config
// keeps only those (the local backend built from --backend does).
func backendAddress(b translate.Backend) string {
	if b.Address != "" {
		return observe.RedactURL(b.Address)
	}
	if b.Host == "" {
		return ""
	}
	addr := b.Host
	if b.Port != 0 {
		addr = net.JoinHostPort(b.Host, strconv.Itoa(b.Port))
	}
	if b.Scheme != "" {
		addr = b.Scheme + "://" + addr
	}
	return addr + b.Path
}

// checks summarizes what the proxy enforces before the backend sees the request.
func checks(m *translate.Method) string {
	var parts []string
	if m.Auth != nil {
		var ids []string
		for _, p := range m.Auth.Providers {
			ids = append(ids, p.ProviderID)
		}
		jwt := "JWT (" + strings.Join(ids, ", ") + ")"
		if m.Auth.AllowWithoutCredential {
			jwt += " optional"
		}
		parts = append(parts, jwt)
	}
	if !m.APIKey.AllowUnregisteredCalls && !m.APIKey.SkipServiceControl {
		parts = append(parts, "API key")
	}
	if len(m.QuotaCosts) > 0 {
		parts = append(parts, "quota")
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

func windowText(d time.Duration, sinceStart bool) string {
	secs := int(d.Round(time.Second) / time.Second)
	if sinceStart {
		return fmt.Sprintf("since start (%d s ago)", secs)
	}
	return fmt.Sprintf("over the last %d s", secs)
}
