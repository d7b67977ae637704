package transcode_test

import (
	"fmt"
	"net/http/httptest"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/espctl/espctl/httprule"
	"github.com/espctl/espctl/transcode"
	"github.com/espctl/espctl/translate"
)

// shelfService builds, by hand, `service Shelves { rpc GetShelf(GetShelfRequest) returns
// (Shelf); }` with GetShelfRequest{int64 shelf = 1; bool verbose = 2;} and
// Shelf{int64 id = 1; string theme = 2;}.
func shelfService() protoreflect.MethodDescriptor {
	field := func(name string, n int32, t descriptorpb.FieldDescriptorProto_Type) *descriptorpb.FieldDescriptorProto {
		return &descriptorpb.FieldDescriptorProto{Name: proto.String(name), Number: proto.Int32(n), Type: t.Enum(), Label: descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum()}
	}
	fd, err := protodesc.NewFile(&descriptorpb.FileDescriptorProto{
		Name: proto.String("shelves.proto"), Package: proto.String("example"), Syntax: proto.String("proto3"),
		MessageType: []*descriptorpb.DescriptorProto{
			{Name: proto.String("GetShelfRequest"), Field: []*descriptorpb.FieldDescriptorProto{
				field("shelf", 1, descriptorpb.FieldDescriptorProto_TYPE_INT64),
				field("verbose", 2, descriptorpb.FieldDescriptorProto_TYPE_BOOL)}},
			{Name: proto.String("Shelf"), Field: []*descriptorpb.FieldDescriptorProto{
				field("id", 1, descriptorpb.FieldDescriptorProto_TYPE_INT64),
				field("theme", 2, descriptorpb.FieldDescriptorProto_TYPE_STRING)}},
		},
		Service: []*descriptorpb.ServiceDescriptorProto{{Name: proto.String("Shelves"), Method: []*descriptorpb.MethodDescriptorProto{
			{Name: proto.String("GetShelf"), InputType: proto.String(".example.GetShelfRequest"), OutputType: proto.String(".example.Shelf")}}}},
	}, nil)
	if err != nil {
		panic(err)
	}
	return fd.Services().Get(0).Methods().Get(0)
}

// A GET /v1/shelves/{shelf} request, its gRPC call and the JSON response.
func Example() {
	md := shelfService()
	plan, err := transcode.Compile(md, translate.HTTPBinding{
		Method:   "GET",
		Pattern:  "/v1/shelves/{shelf}",
		Template: httprule.Template{Variables: []httprule.Variable{{FieldPath: "shelf"}}},
	}, transcode.Options{IgnoreQueryParameters: []string{"key"}})
	if err != nil {
		panic(err)
	}

	// GET /v1/shelves/7?verbose=true&key=AIza...
	msg, err := plan.Request(transcode.Request{
		Bindings: []httprule.Binding{{FieldPath: "shelf", Value: "7"}},
		Query:    transcode.ParseQuery("verbose=true&key=AIza", false),
	})
	if err != nil {
		panic(err)
	}
	frame := transcode.AppendFrame(nil, msg) // the HTTP/2 body of POST /example.Shelves/GetShelf
	fmt.Println(plan.GRPCPath(), len(frame), "bytes")

	// The backend answers Shelf{id: 7, theme: "Travel"}.
	shelf := dynamicpb.NewMessage(md.Output())
	shelf.Set(md.Output().Fields().ByName("id"), protoreflect.ValueOfInt64(7))
	shelf.Set(md.Output().Fields().ByName("theme"), protoreflect.ValueOfString("Travel"))
	wire, _ := proto.Marshal(shelf)
	body, contentType, _ := plan.Response(wire)
	fmt.Println(contentType, string(body))

	// Or it fails with NOT_FOUND.
	rec := httptest.NewRecorder()
	plan.WriteGRPCError(rec, 5, "shelf 7 not found", "")
	fmt.Println(rec.Code, rec.Body.String())
	// Output:
	// /example.Shelves/GetShelf 9 bytes
	// application/json {"id":"7","theme":"Travel"}
	// 404 {"code":5,"message":"shelf 7 not found"}
}
