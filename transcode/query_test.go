package transcode

import (
	"errors"
	"net/url"
	"reflect"
	"testing"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	"github.com/espctl/espctl/translate"
)

func TestParseQuery(t *testing.T) {
	cases := []struct {
		raw      string
		keepPlus bool
		want     url.Values
	}{
		{"a=1&b=2&a=3", false, url.Values{"a": {"1", "3"}, "b": {"2"}}},
		{"book.author=Leo%20Tolstoy&book.title=War+and+Peace", false, url.Values{"book.author": {"Leo Tolstoy"}, "book.title": {"War and Peace"}}},
		{"t=War+and+Peace", true, url.Values{"t": {"War+and+Peace"}}},
		{"flag&=x&&x=", false, url.Values{"x": {""}}},
		{"p=%4A/../test&bad=%zz%4", false, url.Values{"p": {"J/../test"}, "bad": {"%zz%4"}}},
		{"", false, url.Values{}},
		{"book%2Etitle=a&a+b=c", false, url.Values{"book%2Etitle": {"a"}, "a+b": {"c"}}},
	}
	for _, c := range cases {
		if got := ParseQuery(c.raw, c.keepPlus); !reflect.DeepEqual(got, c.want) {
			t.Errorf("ParseQuery(%q, %v) = %v, want %v", c.raw, c.keepPlus, got, c.want)
		}
	}
}

func TestIgnoredQueryParameters(t *testing.T) {
	cfg := &translate.Config{
		Methods: []translate.Method{
			{Selector: "a"},
			{Selector: "b", APIKey: translate.APIKeyRule{Locations: []translate.APIKeyLocation{{Query: "apikey"}, {Header: "x-key"}}}},
		},
		Providers: []translate.AuthProvider{
			{ID: "p1"},
			{ID: "p2", Locations: []translate.JWTLocation{{Query: "jwt"}, {Header: "X-Token"}}},
		},
	}
	got := IgnoredQueryParameters(cfg, []string{"trace", " ", "key"})
	want := []string{"access_token", "api_key", "apikey", "jwt", "key", "trace"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	custom := &translate.Config{Methods: []translate.Method{{APIKey: translate.APIKeyRule{Locations: []translate.APIKeyLocation{{Query: "k"}}}}}}
	if got := IgnoredQueryParameters(custom, nil); !reflect.DeepEqual(got, []string{"k"}) {
		t.Errorf("custom only: %v", got)
	}
}

func libraryFiles(t *testing.T) *protoregistry.Files {
	files := &protoregistry.Files{}
	var register func(fd protoreflect.FileDescriptor)
	register = func(fd protoreflect.FileDescriptor) {
		if _, err := files.FindFileByPath(fd.Path()); err == nil {
			return
		}
		imports := fd.Imports()
		for i := 0; i < imports.Len(); i++ {
			register(imports.Get(i).FileDescriptor)
		}
		if err := files.RegisterFile(fd); err != nil {
			t.Fatal(err)
		}
	}
	register(library(t).ParentFile())
	return files
}

func TestCompileConfig(t *testing.T) {
	cfg := &translate.Config{Methods: []translate.Method{
		{Selector: "espctl.test.v1.Library.GetBook", GRPCPath: "/espctl.test.v1.Library/GetBook", HTTP: []translate.HTTPBinding{binding("", "", "shelf"), binding("", "author")}},
		{Selector: "openapi.op"}, // no descriptors: skipped
	}}
	table, err := CompileConfig(cfg, libraryFiles(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if table.Lookup("espctl.test.v1.Library.GetBook", 1).Binding().ResponseBody != "author" {
		t.Error("binding 1 not compiled")
	}
	grpc := table.Lookup("espctl.test.v1.Library.GetBook", GRPCBinding)
	if grpc == nil || grpc.Binding().Body != "*" || grpc.GRPCPath() != "/espctl.test.v1.Library/GetBook" {
		t.Fatalf("native gRPC binding: %+v", grpc)
	}
	if table.Lookup("openapi.op", 0) != nil || table.Lookup("nope", 0) != nil {
		t.Error("unexpected plans")
	}
	cfg.Methods[0].HTTP = append(cfg.Methods[0].HTTP, binding("missing", ""))
	if _, err := CompileConfig(cfg, libraryFiles(t), Options{}); err == nil {
		t.Error("bad body field compiled")
	}
	cfg.Methods[0].Selector = "espctl.test.v1.Library.Nope"
	if _, err := CompileConfig(cfg, libraryFiles(t), Options{}); err == nil {
		t.Error("unknown method compiled")
	}
}

// FuzzQuery feeds arbitrary query strings through ParseQuery and the mapping onto a message
// with every field kind: it must never panic, and it fails only with the documented errors.
func FuzzQuery(f *testing.F) {
	for _, s := range []string{
		"shelf=1&name=War+and+Peace", "filter.author.name=Leo%20Tolstoy", "ids=1&ids=2&genres=COMIC",
		"since=2024-01-02T03:04:05Z&timeout=1s&mask=a,b", "page_size=3&flag=true&versions=7",
		"token=-_8&score=NaN&checksum=18446744073709551615", "filter.co_authors.name=x", "labels=x",
		"filter.author.mentor.mentor.name=deep", "key=abc&colour=red", "%ZZ=%", "filter.pages=1&filter.isbn=2",
	} {
		f.Add(s)
	}
	m := compile(f, "GetBook", binding("", "", "shelf"), Options{IgnoreQueryParameters: []string{"key"}})
	lenient := compile(f, "GetBook", binding("*", ""), Options{IgnoreUnknownQueryParameters: true, CaseInsensitiveEnumParsing: true})
	f.Fuzz(func(t *testing.T, raw string) {
		q := ParseQuery(raw, false)
		for _, plan := range []*Method{m, lenient} {
			_, err := plan.Request(Request{Query: q, Bindings: bindings("shelf", "1")})
			var te *Error
			if err != nil && !errors.As(err, &te) && !errors.Is(err, ErrUnknownQueryParameter) {
				t.Fatalf("%q: unexpected error %T %v", raw, err, err)
			}
			if plan == lenient && errors.Is(err, ErrUnknownQueryParameter) {
				t.Fatalf("%q: unknown parameter reported despite IgnoreUnknownQueryParameters", raw)
			}
		}
	})
}

// FuzzBody checks that no body, valid or not, panics the body decoder.
func FuzzBody(f *testing.F) {
	f.Add([]byte(`{"shelf":"1","book":{"title":"T","author":{"name":"a"},"ratings":{"x":1}}}`))
	f.Add([]byte(`{"book":{"extra":{"a":[1,{"b":null}]},"published":"2020-01-01T00:00:00Z"}}`))
	f.Add([]byte(`NO_BRACES_JSON`))
	whole := compile(f, "CreateBook", binding("*", ""), Options{})
	field := compile(f, "CreateBook", binding("tags", ""), Options{})
	stream := compile(f, "ImportBooks", binding("*", ""), Options{})
	anyCase := compile(f, "CreateBook", binding("*", ""), Options{CaseInsensitiveEnumParsing: true})
	f.Add([]byte(`{"book":{"genre":"comic","coAuthors":[{"mentor":{"name":"x"}}]}}`))
	f.Add([]byte(`[{"note":"a"},{note:'b'},]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		if _, err := stream.AppendRequestFrames(nil, Request{Body: body}); err != nil {
			var te *Error
			if !errors.As(err, &te) {
				t.Fatalf("stream: unexpected error %T %v", err, err)
			}
		}
		for _, plan := range []*Method{whole, field, anyCase} {
			_, err := plan.Request(Request{Body: body})
			var te *Error
			if err != nil && !errors.As(err, &te) {
				t.Fatalf("unexpected error %T %v", err, err)
			}
		}
	})
}
