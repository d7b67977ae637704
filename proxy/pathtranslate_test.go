package proxy

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/espctl/espctl/translate"
)

// The examples of proxy-behavior.md section 7, from ESPv2's integration tests, served end to
// end: client -> proxy -> an HTTP backend that echoes the request line it got.
func TestPathTranslationEndToEnd(t *testing.T) {
	be := echoBackend(t)
	addr := be.URL
	type op struct{ name, method, tmpl, mode, path string }
	ops := []op{
		{"GetPet", "get", "/pet/{pet_id}/num/{number}", "CONSTANT_ADDRESS", "/dynamicrouting/getpetbyid"},
		{"EmptyPath", "post", "/empty_path", "CONSTANT_ADDRESS", ""},
		{"Shelves", "get", "/shelves", "CONSTANT_ADDRESS", "/dynamicrouting/shelves"},
		{"ConstWildcard", "get", "/wildcard/a/*/b/{name=*}/c/**", "CONSTANT_ADDRESS", "/dynamicrouting/const_wildcard"},
		{"FieldPath", "get", "/field_path/{s_1=a/*/b/*}/{s_2=x/**}:upload", "CONSTANT_ADDRESS", "/dynamicrouting/const_wildcard"},
		{"SearchPet", "get", "/searchpet", "APPEND_PATH_TO_ADDRESS", "/dynamicrouting/searchpet"},
		{"SearchDog", "get", "/searchdog", "APPEND_PATH_TO_ADDRESS", "/dynamicrouting/searchdogs/"},
		{"ListPet", "get", "/pets/{category}/year/{no}", "APPEND_PATH_TO_ADDRESS", "/dynamicrouting/listpet"},
		{"SearchRoot", "get", "/searchroot", "APPEND_PATH_TO_ADDRESS", ""},
		{"SearchRootSlash", "get", "/searchrootwithslash", "APPEND_PATH_TO_ADDRESS", "/"},
		{"Echo", "get", "/echo/{variable}/path", "APPEND_PATH_TO_ADDRESS", "/prefix"},
		{"Company", "get", "/api/company/{cid}/user/{uid}", "CONSTANT_ADDRESS", "/getUser"},
	}
	var methods, rules, backends []string
	for _, o := range ops {
		methods = append(methods, fmt.Sprintf(`{"name":%q}`, o.name))
		rules = append(rules, fmt.Sprintf(`{"selector":"pets.%s",%q:%q}`, o.name, o.method, o.tmpl))
		backends = append(backends, fmt.Sprintf(`{"selector":"pets.%s","address":%q,"pathTranslation":%q}`, o.name, addr+o.path, o.mode))
	}
	js := fmt.Sprintf(`{"name":"pets.example.com","apis":[{"name":"pets","methods":[%s]}],"http":{"rules":[%s]},"backend":{"rules":[%s]}}`,
		strings.Join(methods, ","), strings.Join(rules, ","), strings.Join(backends, ","))
	srv, _ := serve(t, buildConfig(t, js, translate.Options{Backend: "http://127.0.0.1:1"}), Options{})

	for _, c := range []struct{ method, req, upstream string }{
		{"GET", "/pet/123/num/987", "/dynamicrouting/getpetbyid?pet_id=123&number=987"},
		{"GET", "/pet/123/num/987/", "/dynamicrouting/getpetbyid?pet_id=123&number=987"},
		{"GET", "/pet/a%20b/num/9%3B8", "/dynamicrouting/getpetbyid?pet_id=a%20b&number=9%3B8"},
		{"GET", "/pet/31/num/565?lang=US&zone=us-west1", "/dynamicrouting/getpetbyid?lang=US&zone=us-west1&pet_id=31&number=565"},
		{"POST", "/empty_path", "/"},
		{"GET", "/shelves?q=story%3Bbooks", "/dynamicrouting/shelves?q=story%3Bbooks"},
		{"GET", "/wildcard/a/1/b/2/c/3/4/5?key=value", "/dynamicrouting/const_wildcard?key=value&name=2"},
		{"GET", "/field_path/a/1/b/2/x/9/8/7:upload", "/dynamicrouting/const_wildcard?s_1=a/1/b/2&s_2=x/9/8/7"},
		{"GET", "/field_path/a/1/b/2/x/9/8/7/:upload", "/dynamicrouting/const_wildcard?s_1=a/1/b/2&s_2=x/9/8/7/"},
		{"GET", "/api/company/widgetworks/user/johndoe?timezone=EST", "/getUser?timezone=EST&cid=widgetworks&uid=johndoe"},
		{"GET", "/searchpet?timezone=PST&lang=US", "/dynamicrouting/searchpet/searchpet?timezone=PST&lang=US"},
		{"GET", "/searchpet/?timezone=PST&lang=US", "/dynamicrouting/searchpet/searchpet/?timezone=PST&lang=US"},
		{"GET", "/searchdog?timezone=U%20C%3BT", "/dynamicrouting/searchdogs/searchdog?timezone=U%20C%3BT"},
		{"GET", "/pets/d%20g/year/2019%3B2020?lang=U%20S&zone=us%3Bwest", "/dynamicrouting/listpet/pets/d%20g/year/2019%3B2020?lang=U%20S&zone=us%3Bwest"},
		{"GET", "/searchroot?zone=us-central1&lang=en", "/searchroot?zone=us-central1&lang=en"},
		{"GET", "/searchrootwithslash", "/searchrootwithslash"},
		{"GET", "/echo/123/path/", "/prefix/echo/123/path/"},
		{"GET", "/echo/12%2F3/path/", "/prefix/echo/12%2F3/path/"},
		{"GET", "/echo/%4a/path/", "/prefix/echo/J/path/"},
		{"GET", "/echo/123/../123/path/", "/prefix/echo/123/path/"},
		{"GET", "/echo/123/path//", "/prefix/echo/123/path/"},
	} {
		status, body, _ := call(t, srv.Client(), c.method, srv.URL+c.req, "")
		first, _, _ := strings.Cut(body, "\n")
		if status != http.StatusOK || first != c.method+" "+c.upstream {
			t.Errorf("%s %s: got %d %q, want upstream %q", c.method, c.req, status, first, c.upstream)
		}
	}
}

// Remote backends get their hostname as Host and the original path in x-envoy-original-path.
func TestPathTranslationHeaders(t *testing.T) {
	be := echoBackend(t)
	js := fmt.Sprintf(`{"name":"h.example.com","apis":[{"name":"h","methods":[{"name":"Get"}]}],
		"http":{"rules":[{"selector":"h.Get","get":"/v1/items/{id}"}]},
		"backend":{"rules":[{"selector":"h.Get","address":%q,"pathTranslation":"CONSTANT_ADDRESS"}]}}`, be.URL+"/items")
	srv, _ := serve(t, buildConfig(t, js, translate.Options{}), Options{})
	_, body, _ := call(t, srv.Client(), "GET", srv.URL+"/v1/items/7?x=1", "")
	want := "GET /items?x=1&id=7\nhost=127.0.0.1\noriginal-path=/v1/items/7?x=1\n"
	if body != want {
		t.Errorf("got %q, want %q", body, want)
	}
}
