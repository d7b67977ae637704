package manifest

import (
	"os"
	"testing"

	"github.com/espctl/espctl/golden"
)

func TestMigrateNginxGolden(t *testing.T) {
	data, err := os.ReadFile("testdata/nginx/custom.conf")
	if err != nil {
		t.Fatal(err)
	}
	res, err := MigrateNginx("custom.conf", data)
	if err != nil {
		t.Fatal(err)
	}
	golden.Assert(t, "testdata/out/nginx_custom.json", jsonOf(t, res))
	if !res.NeedsPerson() {
		t.Error("rewrite, return and an unknown directive must need a person")
	}
	// Every directive line of the file has a finding: nothing is passed over.
	lines := map[int]bool{}
	for _, f := range res.Findings {
		lines[f.Line] = true
	}
	for _, want := range []int{6, 7, 8, 9, 10, 12, 15, 18, 21, 22, 23, 25, 26} {
		if !lines[want] {
			t.Errorf("no finding for line %d", want)
		}
	}
}

func TestMigrateNginxBad(t *testing.T) {
	if _, err := MigrateNginx("bad.conf", []byte("http { server { listen 80; ")); err == nil {
		t.Error("want an error for an unclosed block")
	}
}

func FuzzMigrateNginx(f *testing.F) {
	data, _ := os.ReadFile("testdata/nginx/custom.conf")
	f.Add(data)
	f.Add([]byte("server { listen 80; }"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = MigrateNginx("fuzz.conf", data)
	})
}
