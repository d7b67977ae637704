package openapi

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/api/serviceconfig"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/espctl/espctl/golden"
)

// TestConvert runs one small document per conversion feature (testdata/convert/*.yaml) and
// compares the Service with testdata/convert/*.json. The inputs are clean: any diagnostic
// fails the test. The standard logging and monitoring blocks, the same in every output, are
// left out of these goldens (the corpus goldens keep them).
func TestConvert(t *testing.T) {
	files, _ := filepath.Glob("testdata/convert/*.yaml")
	more, _ := filepath.Glob("testdata/convert/*.json.in")
	files = append(files, more...)
	if len(files) == 0 {
		t.Fatal("no inputs")
	}
	for _, path := range files {
		name := strings.TrimSuffix(strings.TrimSuffix(filepath.Base(path), ".in"), filepath.Ext(strings.TrimSuffix(path, ".in")))
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			svc, diags := Load(filepath.Base(path), data)
			if len(diags) > 0 {
				t.Fatalf("unexpected diagnostics:\n%s", diags.Text())
			}
			out := marshal(t, withoutStandardBlocks(svc))
			var back serviceconfig.Service
			if err := protojson.Unmarshal(out, &back); err != nil {
				t.Fatalf("output does not load back: %v", err)
			}
			golden.Assert(t, "testdata/convert/"+name+".json", out)
		})
	}
}

// withoutStandardBlocks drops what every generated config carries for Service Control
// reports, keeping only the metrics the document defines.
func withoutStandardBlocks(svc *serviceconfig.Service) *serviceconfig.Service {
	svc.Logs, svc.Logging, svc.Monitoring, svc.MonitoredResources = nil, nil, nil, nil
	metrics := svc.Metrics[:0]
	for _, m := range svc.Metrics {
		if !strings.HasPrefix(m.Name, "serviceruntime.googleapis.com/") {
			metrics = append(metrics, m)
		}
	}
	svc.Metrics = metrics
	return svc
}
