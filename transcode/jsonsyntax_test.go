package transcode

import (
	"encoding/json"
	"errors"
	"testing"
)

// The four bodies and messages ESPv2's tests assert (headers-and-errors.md 2.5), byte for byte.
func TestCheckJSONMatchesESPv2Messages(t *testing.T) {
	cases := []struct{ body, want string }{
		{`NO_BRACES_JSON`, "Unexpected token.\nNO_BRACES_JSON\n^"},
		{`{"theme" : "Children"`, "Unexpected end of string. Expected , or } after key:value pair.\n\n^"},
		{`{"theme"  "Children"}`, "Expected : between key:value pair.\n{\"theme\"  \"Children\"}\n          ^"},
		{`{"theme" : "Children"}EXTRA`, "Parsing terminated before end of input.\ntheme\" : \"Children\"}EXTRA\n                    ^"},
	}
	for _, c := range cases {
		err := checkJSON([]byte(c.body))
		var te *Error
		if !errors.As(err, &te) {
			t.Fatalf("%s: got %v, want *Error", c.body, err)
		}
		if te.Status != 400 || te.Message != c.want {
			t.Errorf("%s:\n got %d %q\nwant 400 %q", c.body, te.Status, te.Message, c.want)
		}
	}
}

func TestCheckJSONAcceptsWhatTheCppParserAccepts(t *testing.T) {
	for _, body := range []string{
		`{}`, `[]`, `{"a":1}`, `{"a":[1,2,{"b":null}],"c":true,"d":false}`,
		`{"a":1,}`, `[1,2,]`, `{a:1}`, `{'a':'b'}`, `{"s":"\u00e9\ud83d\ude00\n"}`,
		`-1.5e10`, `"x"`, `  {"a" : { } }  `,
	} {
		if err := checkJSON([]byte(body)); err != nil {
			t.Errorf("%s: %v", body, err)
		}
	}
}

func TestCheckJSONRejects(t *testing.T) {
	cases := []struct{ body, want string }{
		{`{"a":tru`, "Unexpected token.\ntru\n^"},
		{`{"a":"abc`, "Closing quote expected in string.\n\n^"},
		{`{"a":01}`, "Octal/hex numbers are not valid JSON values.\n{\"a\":01}\n     ^"},
		{`{"a":1.2.3}`, "Unable to parse number.\n{\"a\":1.2.3}\n     ^"},
		{`{"a":"\uZZZZ"}`, "Invalid escape sequence.\n{\"a\":\"\\uZZZZ\"}\n      ^"},
		{`[1 2]`, "Expected , or ] after array value.\n[1 2]\n   ^"},
		{`{,}`, "Expected an object key or }.\n{,}\n ^"},
		// A short leftover may still become a keyword, so the C++ parser waits and reports
		// the token on the leftover alone.
		{`{"a":}`, "Unexpected token.\n}\n^"},
		{`{"a":@@@@@@}`, "Expected a value.\n@@@@@@}\n^"},
	}
	for _, c := range cases {
		err := checkJSON([]byte(c.body))
		var te *Error
		if !errors.As(err, &te) || te.Message != c.want {
			t.Errorf("%s:\n got %v\nwant %q", c.body, err, c.want)
		}
	}
}

func TestCheckJSONDepthLimit(t *testing.T) {
	deep := make([]byte, 0, 400)
	for i := 0; i < 200; i++ {
		deep = append(deep, '[')
	}
	if err := checkJSON(deep); err == nil {
		t.Fatal("200 nested arrays accepted")
	}
}

func FuzzCheckJSON(f *testing.F) {
	for _, s := range []string{`{"a":[1,{"b":"c"}]}`, `NO_BRACES_JSON`, `{"theme" : "Children"`, `{'a':x}`, `"\ud800`, `[-`, ``, `{a:'b\v',c:[1.,-.5,],}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		err := checkJSON(body)
		var te *Error
		if err != nil && !errors.As(err, &te) {
			t.Fatalf("non-*Error %T: %v", err, err)
		}
		// What the lenient parser accepts must rewrite into strict JSON.
		if err == nil {
			if strict := strictJSON(body); !json.Valid(strict) {
				t.Fatalf("%q accepted but rewrites to invalid %q", body, strict)
			}
		}
	})
}
