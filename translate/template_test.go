package translate

import (
	"reflect"
	"testing"

	"github.com/espctl/espctl/httprule"
)

func TestParseTemplate(t *testing.T) {
	lit := func(v string) httprule.Segment { return httprule.Segment{Kind: httprule.Literal, Value: v} }
	star := httprule.Segment{Kind: httprule.Wildcard}
	dstar := httprule.Segment{Kind: httprule.DoubleWildcard}
	cases := []struct {
		in   string
		want httprule.Template
	}{
		{"/", httprule.Template{}},
		{"/v1/shelves", httprule.Template{Segments: []httprule.Segment{lit("v1"), lit("shelves")}}},
		{"/v1/{name=shelves/*}/books:list", httprule.Template{
			Segments:  []httprule.Segment{lit("v1"), lit("shelves"), star, lit("books")},
			Verb:      "list",
			Variables: []httprule.Variable{{FieldPath: "name", Start: 1, End: 3}},
		}},
		{"/a/{b.c}/**/d", httprule.Template{
			Segments:  []httprule.Segment{lit("a"), star, dstar, lit("d")},
			Variables: []httprule.Variable{{FieldPath: "b.c", Start: 1, End: 2}},
		}},
		{"/v1/fixedshelves/{shelf=100}", httprule.Template{
			Segments:  []httprule.Segment{lit("v1"), lit("fixedshelves"), lit("100")},
			Variables: []httprule.Variable{{FieldPath: "shelf", Start: 2, End: 3}},
		}},
	}
	for _, c := range cases {
		got, err := parseTemplate(c.in)
		if err != nil {
			t.Errorf("%s: %v", c.in, err)
			continue
		}
		c.want.Raw = c.in
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", c.in, got, c.want)
		}
	}
	for _, bad := range []string{"", "a", "//", "/a//b", "/a/**/*", "/a/**/{x}", "/{x={y}}", "/{}", "/{x", "/a:", "/a:b:c", "/{1x}", "/a}"} {
		if _, err := parseTemplate(bad); err == nil {
			t.Errorf("%q parsed, want an error", bad)
		}
	}
}
