package apikey

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/espctl/espctl/golden"
	"github.com/espctl/espctl/translate"
)

const (
	apiBookstore = "endpoints.examples.bookstore.Bookstore"
	apiOther     = "endpoints.examples.other.Other"
)

// Keys of the test store, in clear: only the test knows them.
const (
	keyGood      = "good-key-0123456789abcdefghijklmnopqrstuv"
	keyRevoked   = "revoked-key-0123456789abcdefghijklmnopqrs"
	keyOtherAPI  = "other-api-key-0123456789abcdefghijklmnopq"
	keyIPLimited = "ip-limited-key-0123456789abcdefghijklmnop"
	keyReferrer  = "referrer-key-0123456789abcdefghijklmnopqr"
	keyExpired   = "expired-key-0123456789abcdefghijklmnopqrs"
)

var testNow = time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)

func testStore(t testing.TB) *Store {
	t.Helper()
	doc := fmt.Sprintf(`keys:
- {id: good, sha256: %s, project_id: shop, project_number: "1001", apis: ["*"]}
- {id: revoked, sha256: %s, project_id: shop, project_number: "1001", apis: ["*"], revoked: true}
- {id: otherapi, sha256: %s, project_id: other, project_number: 1002, apis: [%s]}
- {id: iplimited, sha256: %s, project_id: shop, project_number: "1001", apis: [%s], allowed_ips: [10.0.0.0/8, "2001:db8::/32", 192.0.2.7]}
- {id: referrer, sha256: %s, project_id: web, project_number: "1003", apis: ["*"], allowed_referrers: ["*.example.com/*", "https://shop.test/app/*"]}
- {id: expired, sha256: %s, project_id: shop, project_number: "1001", apis: ["*"], expires: 2026-11-01T00:00:00Z}
`, HashHex(keyGood), HashHex(keyRevoked), HashHex(keyOtherAPI), apiOther, HashHex(keyIPLimited), apiBookstore,
		HashHex(keyReferrer), HashHex(keyExpired))
	s, err := Parse("keys.yaml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func testChecker(t testing.TB) *Checker {
	return New(testStore(t), Options{Clock: func() time.Time { return testNow }})
}

func keyRequired() *translate.Method {
	return &translate.Method{Selector: apiBookstore + ".ListShelves", API: apiBookstore, Name: "ListShelves"}
}

var clientIP = netip.MustParseAddr("203.0.113.9")

type checkCase struct {
	name    string
	target  string
	headers map[string]string
	method  func(*translate.Method)
	ip      netip.Addr
	// want is "ok <project id> <checked>" or "<status> <message>".
	want string
}

func (c checkCase) run(t *testing.T, ch *Checker) string {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, c.target, nil)
	for k, v := range c.headers {
		r.Header.Set(k, v)
	}
	m := keyRequired()
	if c.method != nil {
		c.method(m)
	}
	ip := c.ip
	if !ip.IsValid() {
		ip = clientIP
	}
	cons, rej := ch.Check(r, m, "", ip)
	switch {
	case rej != nil && cons != nil:
		t.Fatalf("%s: both a consumer and a rejection", c.name)
	case rej != nil:
		return fmt.Sprintf("%d %s", rej.Status, rej.Message)
	case cons != nil:
		return fmt.Sprintf("ok %s %s checked=%v", cons.KeyID, cons.ProjectNumber, cons.Checked)
	}
	return "ok anonymous"
}

func allowUnregistered(m *translate.Method) { m.APIKey.AllowUnregisteredCalls = true }

var checkCases = []checkCase{
	{name: "missing key", target: "/v1/shelves",
		want: "401 UNAUTHENTICATED: Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API."},
	{name: "unknown key", target: "/v1/shelves?key=nope",
		want: "400 INVALID_ARGUMENT: API key not valid. Please pass a valid API key."},
	{name: "a good key with one character changed", target: "/v1/shelves?key=" + keyGood[:len(keyGood)-1] + "w",
		want: "400 INVALID_ARGUMENT: API key not valid. Please pass a valid API key."},
	{name: "empty key present wins and is invalid", target: "/v1/shelves?key=&api_key=" + keyGood,
		want: "400 INVALID_ARGUMENT: API key not valid. Please pass a valid API key."},
	{name: "revoked key", target: "/v1/shelves?key=" + keyRevoked,
		want: "400 INVALID_ARGUMENT: API key not valid. Please pass a valid API key."},
	{name: "expired key", target: "/v1/shelves?key=" + keyExpired,
		want: "400 INVALID_ARGUMENT: API key expired. Please renew the API key."},
	{name: "key for another API", target: "/v1/shelves?key=" + keyOtherAPI,
		want: "403 PERMISSION_DENIED:  The API targeted by this request is invalid for the given API key."},
	{name: "IP not allowed", target: "/v1/shelves?key=" + keyIPLimited,
		want: "403 PERMISSION_DENIED: IP address blocked."},
	{name: "IP in range", target: "/v1/shelves?key=" + keyIPLimited, ip: netip.MustParseAddr("10.1.2.3"),
		want: "ok iplimited 1001 checked=true"},
	{name: "single IP allowed", target: "/v1/shelves?key=" + keyIPLimited, ip: netip.MustParseAddr("192.0.2.7"),
		want: "ok iplimited 1001 checked=true"},
	{name: "IPv4-mapped client address in range", target: "/v1/shelves?key=" + keyIPLimited, ip: netip.MustParseAddr("::ffff:10.9.9.9"),
		want: "ok iplimited 1001 checked=true"},
	{name: "IPv6 in range", target: "/v1/shelves?key=" + keyIPLimited, ip: netip.MustParseAddr("2001:db8::1"),
		want: "ok iplimited 1001 checked=true"},
	{name: "referrer missing", target: "/v1/shelves?key=" + keyReferrer,
		want: "403 PERMISSION_DENIED: Referer blocked."},
	{name: "referrer not allowed", target: "/v1/shelves?key=" + keyReferrer, headers: map[string]string{"Referer": "https://evil.test/"},
		want: "403 PERMISSION_DENIED: Referer blocked."},
	{name: "referrer parent domain not a subdomain", target: "/v1/shelves?key=" + keyReferrer, headers: map[string]string{"Referer": "https://example.com/x"},
		want: "403 PERMISSION_DENIED: Referer blocked."},
	{name: "referrer subdomain wildcard", target: "/v1/shelves?key=" + keyReferrer, headers: map[string]string{"Referer": "https://www.Example.com/page"},
		want: "ok referrer 1003 checked=true"},
	{name: "referrer with scheme and path", target: "/v1/shelves?key=" + keyReferrer, headers: map[string]string{"Referer": "https://shop.test/app/cart"},
		want: "ok referrer 1003 checked=true"},
	{name: "referrer wrong scheme", target: "/v1/shelves?key=" + keyReferrer, headers: map[string]string{"Referer": "http://shop.test/app/cart"},
		want: "403 PERMISSION_DENIED: Referer blocked."},

	// Locations and precedence (config-and-openapi.md A.9).
	{name: "default query key", target: "/v1/shelves?key=" + keyGood, want: "ok good 1001 checked=true"},
	{name: "default query api_key", target: "/v1/shelves?api_key=" + keyGood, want: "ok good 1001 checked=true"},
	{name: "default header x-api-key", target: "/v1/shelves", headers: map[string]string{"X-API-KEY": keyGood}, want: "ok good 1001 checked=true"},
	{name: "key before api_key", target: "/v1/shelves?api_key=" + keyRevoked + "&key=" + keyGood, want: "ok good 1001 checked=true"},
	{name: "query before header", target: "/v1/shelves?api_key=" + keyGood, headers: map[string]string{"x-api-key": keyRevoked}, want: "ok good 1001 checked=true"},
	{name: "first of repeated query parameter", target: "/v1/shelves?key=" + keyGood + "&key=" + keyRevoked, want: "ok good 1001 checked=true"},
	{name: "custom header location", target: "/v1/shelves?key=" + keyRevoked, headers: map[string]string{"X-My-Key": keyGood},
		method: customLocations, want: "ok good 1001 checked=true"},
	{name: "custom query location", target: "/v1/shelves?k=" + keyGood, method: customLocations, want: "ok good 1001 checked=true"},
	{name: "custom locations in order: header first", target: "/v1/shelves?k=" + keyRevoked, headers: map[string]string{"x-my-key": keyGood},
		method: customLocations, want: "ok good 1001 checked=true"},
	{name: "custom locations replace the defaults", target: "/v1/shelves?key=" + keyGood, method: customLocations,
		want: "401 UNAUTHENTICATED: Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API."},

	// Usage rules (A.8, proxy-behavior.md 12).
	{name: "allow_unregistered_calls without key", target: "/v1/shelves", method: allowUnregistered, want: "ok anonymous"},
	{name: "allow_unregistered_calls with a bad key", target: "/v1/shelves?key=nope", method: allowUnregistered, want: "ok anonymous"},
	{name: "allow_unregistered_calls with a revoked key", target: "/v1/shelves?key=" + keyRevoked, method: allowUnregistered, want: "ok anonymous"},
	{name: "allow_unregistered_calls with a good key names the consumer unchecked", target: "/v1/shelves?key=" + keyGood, method: allowUnregistered,
		want: "ok good 1001 checked=false"},
	{name: "skip_service_control ignores the key", target: "/v1/shelves?key=nope",
		method: func(m *translate.Method) { m.APIKey.SkipServiceControl = true }, want: "ok anonymous"},
}

func customLocations(m *translate.Method) {
	m.APIKey.Locations = []translate.APIKeyLocation{{Header: "x-my-key"}, {Query: "k"}}
}

func TestCheckMatrix(t *testing.T) {
	ch := testChecker(t)
	var out strings.Builder
	for _, c := range checkCases {
		got := c.run(t, ch)
		if got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, got, c.want)
		}
		fmt.Fprintf(&out, "%s\n  -> %s\n", c.name, got)
	}
	// The golden file is the readable record of every case, for review and docs.
	golden.AssertString(t, "testdata/check_matrix.golden", out.String())
}

func TestCheckNoMethodChecksNothing(t *testing.T) {
	r := httptest.NewRequest(http.MethodGet, "/nowhere", nil)
	if c, rej := testChecker(t).Check(r, nil, "", clientIP); c != nil || rej != nil {
		t.Fatalf("no method: %v %v", c, rej)
	}
}

func TestCheckExplicitAPIName(t *testing.T) {
	r := httptest.NewRequest(http.MethodGet, "/v1/shelves?key="+keyOtherAPI, nil)
	if _, rej := testChecker(t).Check(r, keyRequired(), apiOther, clientIP); rej != nil {
		t.Fatalf("key for %s rejected: %v", apiOther, rej)
	}
}

func TestUnknownClientIPRefusedOnlyWithRestriction(t *testing.T) {
	ch := testChecker(t)
	r := httptest.NewRequest(http.MethodGet, "/v1/shelves?key="+keyIPLimited, nil)
	if _, rej := ch.Check(r, keyRequired(), "", netip.Addr{}); rej != rejectIP {
		t.Fatalf("unknown IP with restriction: %v", rej)
	}
	r = httptest.NewRequest(http.MethodGet, "/v1/shelves?key="+keyGood, nil)
	if _, rej := ch.Check(r, keyRequired(), "", netip.Addr{}); rej != nil {
		t.Fatalf("unknown IP without restriction: %v", rej)
	}
}

func TestQuotaConsumer(t *testing.T) {
	var none *Consumer
	if none.QuotaConsumer() != "" {
		t.Fatal("nil consumer should be anonymous")
	}
	if got := (&Consumer{ProjectNumber: "42"}).QuotaConsumer(); got != "project_number:42" {
		t.Fatal(got)
	}
}
