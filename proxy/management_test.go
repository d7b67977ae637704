package proxy

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/espctl/espctl/apikey"
	"github.com/espctl/espctl/cors"
	"github.com/espctl/espctl/demo"
	"github.com/espctl/espctl/golden"
	"github.com/espctl/espctl/load"
	"github.com/espctl/espctl/quota"
	"github.com/espctl/espctl/translate"
)

// seenMetadata records the metadata the gRPC backend received, per method.
type seenMetadata struct {
	mu   sync.Mutex
	last map[string]metadata.MD
}

func (s *seenMetadata) get(method string) metadata.MD {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last[method]
}

// startRecordingBookstore serves the demo library as the corpus Bookstore and records metadata.
func startRecordingBookstore(t *testing.T, cfg *translate.Config) (string, *seenMetadata) {
	t.Helper()
	files, err := descriptorFiles(cfg.Descriptors)
	if err != nil {
		t.Fatal(err)
	}
	d, err := files.FindDescriptorByName("endpoints.examples.bookstore.Bookstore")
	if err != nil {
		t.Fatal(err)
	}
	seen := &seenMetadata{last: map[string]metadata.MD{}}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	record := func(ctx context.Context, method string) {
		md, _ := metadata.FromIncomingContext(ctx)
		seen.mu.Lock()
		seen.last[method] = md
		seen.mu.Unlock()
	}
	s := grpc.NewServer(
		grpc.UnaryInterceptor(func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
			record(ctx, info.FullMethod)
			return h(ctx, req)
		}),
		grpc.StreamInterceptor(func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, h grpc.StreamHandler) error {
			record(ss.Context(), info.FullMethod)
			return h(srv, ss)
		}))
	demo.RegisterLibrary(s, d.(protoreflect.ServiceDescriptor))
	go func() { _ = s.Serve(lis) }()
	t.Cleanup(s.Stop)
	return "grpc://" + lis.Addr().String(), seen
}

// corpusConfig loads a corpus bookstore config and builds it for backend.
func corpusConfig(t *testing.T, config string, backend string) *translate.Config {
	t.Helper()
	dir := filepath.Join(corpusDir, "bookstore-grpc")
	if _, err := os.Stat(dir); err != nil {
		t.Skip("corpus not present:", err)
	}
	res, err := load.Load(load.Inputs{ConfigFiles: []string{filepath.Join(dir, config)}, Protos: []string{filepath.Join(dir, "http_bookstore.proto")}, ImportPaths: []string{dir}})
	if err != nil || res.Diagnostics.HasErrors() {
		t.Fatalf("load: %v %s", err, res.Diagnostics.Text())
	}
	cfg, err := translate.Build(res.Service, res.Descriptors, translate.Options{Backend: backend})
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// testSigner signs RS256 JWTs with a key whose JWKS is written to a file.
type testSigner struct {
	key  *rsa.PrivateKey
	jwks string
}

func newTestSigner(t *testing.T) *testSigner {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	b64 := base64.RawURLEncoding.EncodeToString
	jwks := fmt.Sprintf(`{"keys":[{"kty":"RSA","alg":"RS256","use":"sig","kid":"k1","n":%q,"e":%q}]}`,
		b64(key.N.Bytes()), b64(big.NewInt(int64(key.E)).Bytes()))
	path := filepath.Join(t.TempDir(), "jwks.json")
	if err := os.WriteFile(path, []byte(jwks), 0o600); err != nil {
		t.Fatal(err)
	}
	return &testSigner{key: key, jwks: path}
}

func (s *testSigner) token(t *testing.T, claims map[string]any) string {
	t.Helper()
	b64 := base64.RawURLEncoding.EncodeToString
	payload, _ := json.Marshal(claims)
	input := b64([]byte(`{"alg":"RS256","typ":"JWT","kid":"k1"}`)) + "." + b64(payload)
	sum := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, s.key, crypto.SHA256, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	return input + "." + b64(sig)
}

// TestAPIManagementCorpus shows JWT authentication, API keys, quotas, CORS and header safety
// end to end on the corpus Bookstore configs (api_config_auth.yaml: a JWT on every method;
// api_config.yaml: an API key on every method but ListShelves), with a JWKS and a key store
// made here. The golden file holds each call's status and body.
func TestAPIManagementCorpus(t *testing.T) {
	signer := newTestSigner(t)
	const issuer = "SERVICE-ACCOUNT-ID"
	probe := corpusConfig(t, "api_config_auth.yaml", "grpc://127.0.0.1:1")
	backend, seen := startRecordingBookstore(t, probe)

	var out strings.Builder
	record := func(name string, status int, body string) {
		fmt.Fprintf(&out, "%s\n%d %s\n", name, status, strings.TrimSpace(body))
	}

	// JWT: api_config_auth.yaml with the provider's keys served from a local file.
	authCfg := corpusConfig(t, "api_config_auth.yaml", backend)
	for i := range authCfg.Providers {
		authCfg.Providers[i].JWKSURI = signer.jwks
	}
	srv, _ := serve(t, authCfg, Options{})
	aud := "https://" + authCfg.Service
	now := time.Now()
	good := signer.token(t, map[string]any{"iss": issuer, "sub": "user-1", "aud": aud, "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()})
	expired := signer.token(t, map[string]any{"iss": issuer, "sub": "user-1", "aud": aud, "exp": now.Add(-time.Hour).Unix()})
	otherIssuer := signer.token(t, map[string]any{"iss": "someone-else", "aud": aud, "exp": now.Add(time.Hour).Unix()})
	wrongAud := signer.token(t, map[string]any{"iss": issuer, "aud": "https://elsewhere", "exp": now.Add(time.Hour).Unix()})
	for _, c := range []struct{ name, auth string }{
		{"jwt: none", ""},
		{"jwt: valid", "Bearer " + good},
		{"jwt: expired", "Bearer " + expired},
		{"jwt: other issuer", "Bearer " + otherIssuer},
		{"jwt: wrong audience", "Bearer " + wrongAud},
		{"jwt: no Bearer prefix", good},
	} {
		hdr := []string{"Content-Type", "application/json", "X-Endpoint-API-UserInfo", "spoofed"}
		if c.auth != "" {
			hdr = append(hdr, "Authorization", c.auth)
		}
		status, body, _ := call(t, srv.Client(), "GET", srv.URL+"/v1/shelves", "", hdr...)
		record(c.name, status, body)
	}
	userinfo := seen.get("/endpoints.examples.bookstore.Bookstore/ListShelves").Get("x-endpoint-api-userinfo")
	if len(userinfo) != 1 || userinfo[0] != strings.Split(good, ".")[1] {
		t.Errorf("backend got UserInfo %q, want the verified token's payload segment", userinfo)
	}

	// API keys and quotas: api_config.yaml (ListShelves needs no key) with a key store and a
	// limit of 2 GetShelf calls a minute per consumer.
	keyCfg := corpusConfig(t, "api_config.yaml", backend)
	keyCfg.Metrics = []string{"read-requests"}
	keyCfg.QuotaLimits = []translate.QuotaLimit{{Name: "read-limit", Metric: "read-requests", Unit: "1/min/{project}", Values: map[string]int64{"STANDARD": 2}}}
	for i := range keyCfg.Methods {
		if keyCfg.Methods[i].Name == "GetShelf" {
			keyCfg.Methods[i].QuotaCosts = map[string]int64{"read-requests": 1}
		}
	}
	const goodKey, revokedKey = "espctl-test-key-good-0123456789", "espctl-test-key-revoked-0123456"
	store, err := apikey.NewStore([]*apikey.Entry{
		{ID: goodKey[:8], Hash: apikey.HashKey(goodKey), ProjectID: "my-project", ProjectNumber: "123456", APIs: []string{"*"}},
		{ID: "revoked1", Hash: apikey.HashKey(revokedKey), ProjectID: "old", ProjectNumber: "9", APIs: []string{"*"}, Revoked: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	policy, err := cors.New(cors.Defaults("basic"))
	if err != nil {
		t.Fatal(err)
	}
	srv, _ = serve(t, keyCfg, Options{APIKeys: apikey.New(store, apikey.Options{}), Quota: &quota.Options{}, CORS: policy})
	for _, c := range []struct{ name, path, key string }{
		{"api key: none needed (ListShelves)", "/v1/shelves", ""},
		{"api key: missing", "/v1/shelves/1", ""},
		{"api key: unknown", "/v1/shelves/1", "nope"},
		{"api key: revoked", "/v1/shelves/1", revokedKey},
		{"api key: valid, quota 1 of 2", "/v1/shelves/1", goodKey},
		{"api key: valid, quota 2 of 2", "/v1/shelves/1", goodKey},
		{"api key: valid, quota exceeded", "/v1/shelves/1", goodKey},
	} {
		url := srv.URL + c.path
		if c.key != "" {
			url += "?key=" + c.key
		}
		status, body, _ := call(t, srv.Client(), "GET", url, "", "X-Endpoint-API-Consumer-Number", "spoofed")
		record(c.name, status, body)
	}
	if got := seen.get("/endpoints.examples.bookstore.Bookstore/GetShelf").Get("x-endpoint-api-consumer-number"); len(got) != 1 || got[0] != "123456" {
		t.Errorf("backend got consumer number %q, want the key's 123456", got)
	}
	if md := seen.get("/endpoints.examples.bookstore.Bookstore/ListShelves"); md == nil {
		t.Error("the backend saw no ListShelves call")
	} else if got := md.Get("x-endpoint-api-consumer-number"); len(got) != 0 {
		t.Errorf("a spoofed consumer header reached the backend: %q", got)
	}
	status, body, h := call(t, srv.Client(), "OPTIONS", srv.URL+"/v1/shelves", "", "Origin", "https://app.example", "Access-Control-Request-Method", "GET")
	record("cors preflight: "+h.Get("Access-Control-Allow-Origin")+" "+h.Get("Access-Control-Allow-Methods"), status, body)
	golden.AssertString(t, "testdata/api_management_corpus.golden", out.String())
}
