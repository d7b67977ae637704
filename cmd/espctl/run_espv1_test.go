package main

import (
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// An ESPv1 command line starts `espctl run`: the flags are migrated (findings logged), and
// the API config comes from --config, not from ESPv1's -s/-v.
func TestRunAcceptsESPv1Flags(t *testing.T) {
	dir := filepath.Join(sharedCorpus(t), "bookstore-grpc")
	port := freePort(t)
	_, stderr := startRun(t, "--config", filepath.Join(dir, "api_config.yaml"), "--proto", filepath.Join(dir, "http_bookstore.proto"), "-I", dir,
		"-p", port, "-a", "grpc://127.0.0.1:1")
	if !strings.Contains(stderr.String(), `"msg":"ESPv1 flag migrated","flag":"--http_port","action":"merged"`) {
		t.Errorf("the -p migration was not logged:\n%s", stderr.String())
	}
	resp, err := http.Get("http://127.0.0.1:" + port + "/v1/nothing")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound || !strings.Contains(string(body), "not defined by this API") {
		t.Errorf("GET /v1/nothing: %d %s", resp.StatusCode, body)
	}
}
