package observe

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestCountBody(t *testing.T) {
	r := httptest.NewRequest("POST", "/", strings.NewReader("hello, world"))
	r.ContentLength = -1
	c := CountBody(r)
	if _, err := io.Copy(io.Discard, r.Body); err != nil {
		t.Fatal(err)
	}
	if c.N() != 12 {
		t.Errorf("counted %d bytes, want 12", c.N())
	}
	empty := httptest.NewRequest("GET", "/", nil)
	if c := CountBody(empty); c != nil || c.N() != 0 || empty.Body != http.NoBody {
		t.Error("a request without a body was wrapped")
	}
}
