package quota

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/espctl/espctl/load"
	"github.com/espctl/espctl/translate"
)

// TestCorpusESPv1Bookstore: ESPv1's bookstore test spec declares a limit of 30 read requests
// per minute and charges ReadApiQuota 1; exactly 30 calls per consumer pass in a minute and
// methods without costs are not counted.
func TestCorpusESPv1Bookstore(t *testing.T) {
	file := filepath.Join("..", "..", "shared", "corpus", "esp-v1-openapi", "swagger_template.json")
	if _, err := os.Stat(file); err != nil {
		t.Skipf("corpus %s not present: %v", file, err)
	}
	res, err := load.Load(load.Inputs{ConfigFiles: []string{file}})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := translate.Build(res.Service, res.Descriptors, translate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var readQuota, listShelves *translate.Method
	for i := range cfg.Methods {
		switch cfg.Methods[i].Name {
		case "ReadApiQuota":
			readQuota = &cfg.Methods[i]
		case "ListShelves":
			listShelves = &cfg.Methods[i]
		}
	}
	if readQuota == nil || listShelves == nil || readQuota.QuotaCosts["bookstore/read_requests"] != 1 {
		t.Fatalf("corpus methods: %+v %+v", readQuota, listShelves)
	}
	clock := newClock()
	l := mustNew(t, cfg, Options{Clock: clock.Now})
	ctx := context.Background()
	for _, consumer := range []string{"project_number:1", "project_number:2"} {
		admitted := 0
		for i := 0; i < 40; i++ {
			if l.Allow(ctx, consumer, readQuota) == nil {
				admitted++
			}
			if rej := l.Allow(ctx, consumer, listShelves); rej != nil {
				t.Fatalf("ListShelves has no cost but was refused: %v", rej)
			}
		}
		if admitted != 30 {
			t.Fatalf("%s: admitted %d ReadApiQuota calls, want 30", consumer, admitted)
		}
	}
}
