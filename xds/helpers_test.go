package xds

import (
	"encoding/json"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/descriptorpb"

	"github.com/espctl/espctl/golden"
	"github.com/espctl/espctl/output"
	"github.com/espctl/espctl/translate"

	"bytes"
)

// Configs built by hand, the shape translate.Build gives; they keep these tests independent of
// the input packages.

func localBackend() translate.Backend {
	return translate.Backend{Address: "http://127.0.0.1:8082", Scheme: "http", Host: "127.0.0.1", Port: 8082, Protocol: "http/1.1"}
}

func local() translate.Backend {
	return translate.Backend{Local: true, DeadlineSeconds: 15, IdleTimeoutSeconds: 300}
}

// openAPIConfig is an HTTP API with JWT, path translation and a health route.
func openAPIConfig() *translate.Config {
	remote := func(path, mode string) translate.Backend {
		return translate.Backend{Address: "https://pets.example.com" + path, Scheme: "https", Host: "pets.example.com", Port: 443,
			Path: path, Protocol: "http/1.1", TLS: true, DeadlineSeconds: 30, IdleTimeoutSeconds: 300, PathTranslation: mode}
	}
	return &translate.Config{
		Service: "pets.endpoints.example.cloud.goog",
		APIs:    []translate.API{{Name: "1.pets_endpoints_example_cloud_goog", Version: "1.0.0"}},
		Methods: []translate.Method{
			{Selector: "1.pets.GetPet", Name: "GetPet", Backend: remote("/getpet", "CONSTANT_ADDRESS"),
				Auth: &translate.AuthRequirement{Providers: []translate.ProviderRequirement{{ProviderID: "google"}, {ProviderID: "auth0", Audiences: []string{"pets-api"}}}}},
			{Selector: "1.pets.ListPets", Name: "ListPets", Backend: remote("/v2", "APPEND_PATH_TO_ADDRESS"),
				Auth: &translate.AuthRequirement{Providers: []translate.ProviderRequirement{{ProviderID: "google"}}, AllowWithoutCredential: true}},
			{Selector: "1.pets.Echo", Name: "Echo", Backend: local()},
		},
		Routes: []translate.Route{
			{Method: "POST", Pattern: "/echo", Selector: "1.pets.Echo", Kind: "http"},
			{Method: "GET", Pattern: "/pets", Selector: "1.pets.ListPets", Kind: "http"},
			{Method: "GET", Pattern: "/pets/{pet_id}/num/{number}", Selector: "1.pets.GetPet", Kind: "http"},
			{Method: "OPTIONS", Pattern: "/echo", Selector: "1.pets.Echo", Kind: "cors"},
			{Method: "GET", Pattern: "/healthz", Kind: "healthz"},
		},
		Providers: []translate.AuthProvider{
			{ID: "auth0", Issuer: "https://example.auth0.com/", JWKSURI: "https://example.auth0.com/.well-known/jwks.json"},
			{ID: "google", Issuer: "https://accounts.google.com", JWKSURI: "https://www.googleapis.com/oauth2/v3/certs",
				Locations: []translate.JWTLocation{{Header: "Authorization", ValuePrefix: "Bearer "}, {Query: "access_token"}}},
			{ID: "unused", Issuer: "https://unused.example.com", JWKSURI: "https://unused.example.com/jwks"},
		},
		AllowCORS:    true,
		LocalBackend: localBackend(),
		Healthz:      "/healthz",
	}
}

// grpcConfig is a gRPC API behind a grpc:// local backend, with transcoding.
func grpcConfig() *translate.Config {
	grpcLocal := translate.Backend{Address: "grpc://127.0.0.1:50051", Scheme: "grpc", Host: "127.0.0.1", Port: 50051, Protocol: "grpc"}
	stream := local()
	return &translate.Config{
		Service:     "hello.endpoints.example.cloud.goog",
		APIs:        []translate.API{{Name: "helloworld.Greeter", GRPC: true}},
		GRPCBackend: true,
		Methods: []translate.Method{
			{Selector: "helloworld.Greeter.SayHello", API: "helloworld.Greeter", Name: "SayHello", GRPCPath: "/helloworld.Greeter/SayHello",
				RequestType: "helloworld.HelloRequest", ResponseType: "helloworld.HelloReply", Backend: local(),
				HTTP: []translate.HTTPBinding{{Method: "GET", Pattern: "/v1/hello/{name}"}}},
			{Selector: "helloworld.Greeter.StreamHello", API: "helloworld.Greeter", Name: "StreamHello", GRPCPath: "/helloworld.Greeter/StreamHello",
				RequestType: "helloworld.HelloRequest", ResponseType: "helloworld.HelloReply", ResponseStreaming: true, Backend: stream,
				APIKey: translate.APIKeyRule{Locations: []translate.APIKeyLocation{{Query: "apikey"}}}},
		},
		Routes: []translate.Route{
			{Method: "POST", Pattern: "/helloworld.Greeter/SayHello", Selector: "helloworld.Greeter.SayHello", Kind: "grpc"},
			{Method: "POST", Pattern: "/helloworld.Greeter/StreamHello", Selector: "helloworld.Greeter.StreamHello", Kind: "grpc"},
			{Method: "GET", Pattern: "/v1/hello/{name}", Selector: "helloworld.Greeter.SayHello", Kind: "http"},
		},
		LocalBackend: grpcLocal,
		Descriptors:  helloDescriptors(),
	}
}

func helloDescriptors() *descriptorpb.FileDescriptorSet {
	str := descriptorpb.FieldDescriptorProto_TYPE_STRING
	opt := descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL
	msg := func(name string) *descriptorpb.DescriptorProto {
		return &descriptorpb.DescriptorProto{Name: proto.String(name), Field: []*descriptorpb.FieldDescriptorProto{
			{Name: proto.String("name"), Number: proto.Int32(1), Type: &str, Label: &opt, JsonName: proto.String("name")},
		}}
	}
	return &descriptorpb.FileDescriptorSet{File: []*descriptorpb.FileDescriptorProto{{
		Name:        proto.String("helloworld.proto"),
		Package:     proto.String("helloworld"),
		Syntax:      proto.String("proto3"),
		MessageType: []*descriptorpb.DescriptorProto{msg("HelloRequest"), msg("HelloReply")},
		Service: []*descriptorpb.ServiceDescriptorProto{{Name: proto.String("Greeter"), Method: []*descriptorpb.MethodDescriptorProto{
			{Name: proto.String("SayHello"), InputType: proto.String(".helloworld.HelloRequest"), OutputType: proto.String(".helloworld.HelloReply")},
			{Name: proto.String("StreamHello"), InputType: proto.String(".helloworld.HelloRequest"), OutputType: proto.String(".helloworld.HelloReply"), ServerStreaming: proto.Bool(true)},
		}}},
	}}}
}

// assertJSON renders m as indented JSON and compares it with a golden file.
func assertJSON(t *testing.T, path string, m proto.Message) {
	t.Helper()
	raw, err := JSON(m)
	if err != nil {
		t.Fatal(err)
	}
	assertRaw(t, path, raw)
}

func assertRaw(t *testing.T, path string, raw json.RawMessage) {
	t.Helper()
	var buf bytes.Buffer
	if err := output.WriteJSON(&buf, raw); err != nil {
		t.Fatal(err)
	}
	golden.Assert(t, path, buf.Bytes())
}
