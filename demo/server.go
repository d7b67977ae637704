package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"net"

	"google.golang.org/genproto/googleapis/api/annotations"
	"google.golang.org/genproto/googleapis/api/serviceconfig"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/reflection"
	reflectionv1 "google.golang.org/grpc/reflection/grpc_reflection_v1"
	reflectionv1alpha "google.golang.org/grpc/reflection/grpc_reflection_v1alpha"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"
	"google.golang.org/protobuf/types/known/apipb"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

// Backend is the running demo service.
type Backend struct {
	// Address is the host:port the gRPC server listens on.
	Address string
	// Service is the demo's service config (apis and HTTP rules), as `--service_json_path`
	// would give; the reflection services are APIs too so grpcurl works through the proxy.
	Service *serviceconfig.Service
	// Descriptors hold the demo proto and its imports.
	Descriptors *descriptorpb.FileDescriptorSet

	srv *grpc.Server
	lis net.Listener
}

// ServiceConfigName is the demo's service name.
const ServiceConfigName = "library.demo.espctl.local"

// Start compiles the demo proto and serves the library on addr (`127.0.0.1:0` for any port).
func Start(addr string) (*Backend, error) {
	fd, err := compile()
	if err != nil {
		return nil, err
	}
	sd := fd.Services().ByName("Library")
	if sd == nil {
		return nil, fmt.Errorf("demo proto has no Library service")
	}
	lis, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("demo backend: %w", err)
	}
	srv := grpc.NewServer()
	srv.RegisterService(serviceDesc(sd, newLibrary()), nil)

	local := new(protoregistry.Files)
	if err := local.RegisterFile(fd); err != nil {
		lis.Close()
		return nil, err
	}
	ropts := reflection.ServerOptions{Services: srv, DescriptorResolver: chain{local, protoregistry.GlobalFiles}}
	reflectionv1.RegisterServerReflectionServer(srv, reflection.NewServerV1(ropts))
	reflectionv1alpha.RegisterServerReflectionServer(srv, reflection.NewServer(ropts))

	svc, err := serviceConfig(sd)
	if err != nil {
		lis.Close()
		return nil, err
	}
	b := &Backend{
		Address:     lis.Addr().String(),
		Service:     svc,
		Descriptors: descriptorSet(fd, reflectionv1.File_grpc_reflection_v1_reflection_proto, reflectionv1alpha.File_grpc_reflection_v1alpha_reflection_proto),
		srv:         srv,
		lis:         lis,
	}
	go func() { _ = srv.Serve(lis) }()
	return b, nil
}

// RegisterLibrary serves the demo library for any bookstore-shaped gRPC service sd (methods
// named ListShelves, CreateShelf, GetShelf, DeleteShelf, ListBooks, CreateBook, GetBook,
// DeleteBook, StreamBooks with the usual shelf/book fields), such as the Endpoints samples'
// endpoints.examples.bookstore.Bookstore. Conformance tests use it as their backend.
func RegisterLibrary(s *grpc.Server, sd protoreflect.ServiceDescriptor) {
	s.RegisterService(serviceDesc(sd, newLibrary()), nil)
}

// BackendURL is the value for --backend.
func (b *Backend) BackendURL() string { return "grpc://" + b.Address }

// Stop ends in-flight calls and closes the port.
func (b *Backend) Stop() { b.srv.Stop() }

// chain resolves descriptors from the demo file first, then from espctl's compiled-in ones.
type chain []*protoregistry.Files

func (c chain) FindFileByPath(p string) (protoreflect.FileDescriptor, error) {
	for _, f := range c {
		if d, err := f.FindFileByPath(p); err == nil {
			return d, nil
		}
	}
	return nil, protoregistry.NotFound
}

func (c chain) FindDescriptorByName(n protoreflect.FullName) (protoreflect.Descriptor, error) {
	for _, f := range c {
		if d, err := f.FindDescriptorByName(n); err == nil {
			return d, nil
		}
	}
	return nil, protoregistry.NotFound
}

// handlerFunc answers one call: req is the request decoded into the union struct; the result
// is JSON-encodable into the response message, or for StreamBooks a []Book.
type handlerFunc func(l *library, req request) (any, error)

var handlers = map[string]handlerFunc{
	"ListShelves": func(l *library, _ request) (any, error) {
		return map[string]any{"shelves": l.listShelves()}, nil
	},
	"CreateShelf": func(l *library, r request) (any, error) {
		var s Shelf
		if len(r.Shelf) > 0 {
			if err := json.Unmarshal(r.Shelf, &s); err != nil {
				return nil, status.Error(codes.InvalidArgument, err.Error())
			}
		}
		if s.Theme == "" {
			return nil, status.Error(codes.InvalidArgument, "a shelf needs a theme")
		}
		return l.createShelf(s), nil
	},
	"GetShelf":    func(l *library, r request) (any, error) { return l.getShelf(id(r.Shelf)) },
	"DeleteShelf": func(l *library, r request) (any, error) { return struct{}{}, l.deleteShelf(id(r.Shelf)) },
	"ListBooks": func(l *library, r request) (any, error) {
		books, err := l.listBooks(id(r.Shelf), r.Author)
		return map[string]any{"books": books}, err
	},
	"CreateBook": func(l *library, r request) (any, error) {
		var b Book
		if len(r.Book) > 0 {
			if err := json.Unmarshal(r.Book, &b); err != nil {
				return nil, status.Error(codes.InvalidArgument, err.Error())
			}
		}
		if b.Title == "" {
			return nil, status.Error(codes.InvalidArgument, "a book needs a title")
		}
		return l.createBook(id(r.Shelf), b)
	},
	"GetBook":     func(l *library, r request) (any, error) { return l.getBook(id(r.Shelf), id(r.Book)) },
	"DeleteBook":  func(l *library, r request) (any, error) { return struct{}{}, l.deleteBook(id(r.Shelf), id(r.Book)) },
	"StreamBooks": func(l *library, r request) (any, error) { return l.listBooks(id(r.Shelf), r.Author) },
}

// serviceDesc registers every method of sd with a generic handler over dynamic messages.
func serviceDesc(sd protoreflect.ServiceDescriptor, l *library) *grpc.ServiceDesc {
	desc := &grpc.ServiceDesc{ServiceName: string(sd.FullName()), HandlerType: (*any)(nil), Metadata: ProtoFile}
	methods := sd.Methods()
	for i := 0; i < methods.Len(); i++ {
		md := methods.Get(i)
		h := handlers[string(md.Name())]
		if h == nil {
			h = func(*library, request) (any, error) {
				return nil, status.Errorf(codes.Unimplemented, "%s is not implemented by the demo", md.Name())
			}
		}
		if md.IsStreamingServer() {
			desc.Streams = append(desc.Streams, grpc.StreamDesc{
				StreamName:    string(md.Name()),
				ServerStreams: true,
				Handler: func(_ any, stream grpc.ServerStream) error {
					in := dynamicpb.NewMessage(md.Input())
					if err := stream.RecvMsg(in); err != nil {
						return err
					}
					req, err := decode(in)
					if err != nil {
						return err
					}
					res, err := h(l, req)
					if err != nil {
						return err
					}
					items, _ := res.([]Book)
					for _, item := range items {
						out, err := encode(md.Output(), item)
						if err != nil {
							return err
						}
						if err := stream.SendMsg(out); err != nil {
							return err
						}
					}
					return nil
				},
			})
			continue
		}
		desc.Methods = append(desc.Methods, grpc.MethodDesc{
			MethodName: string(md.Name()),
			Handler: func(srv any, ctx context.Context, dec func(any) error, interceptor grpc.UnaryServerInterceptor) (any, error) {
				in := dynamicpb.NewMessage(md.Input())
				if err := dec(in); err != nil {
					return nil, err
				}
				call := func(_ context.Context, msg any) (any, error) {
					req, err := decode(msg.(proto.Message))
					if err != nil {
						return nil, err
					}
					res, err := h(l, req)
					if err != nil {
						return nil, err
					}
					return encode(md.Output(), res)
				}
				// Server interceptors run as they do for generated services.
				if interceptor == nil {
					return call(ctx, in)
				}
				info := &grpc.UnaryServerInfo{Server: srv, FullMethod: "/" + desc.ServiceName + "/" + string(md.Name())}
				return interceptor(ctx, in, info, call)
			},
		})
	}
	return desc
}

func decode(m proto.Message) (request, error) {
	var r request
	b, err := protojson.MarshalOptions{UseProtoNames: true}.Marshal(m)
	if err == nil {
		err = json.Unmarshal(b, &r)
	}
	if err != nil {
		return r, status.Error(codes.InvalidArgument, err.Error())
	}
	return r, nil
}

func encode(md protoreflect.MessageDescriptor, v any) (proto.Message, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	out := dynamicpb.NewMessage(md)
	// Fields the target message lacks (a bookstore without genres) are dropped.
	if err := (protojson.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(b, out); err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return out, nil
}

// serviceConfig is the demo's google.api.Service: the Library API with the HTTP rules of its
// annotations, and the reflection APIs (gRPC only) so grpcurl can discover the service through
// the proxy.
func serviceConfig(sd protoreflect.ServiceDescriptor) (*serviceconfig.Service, error) {
	svc := &serviceconfig.Service{
		Name:          ServiceConfigName,
		Title:         "espctl demo library",
		ConfigVersion: wrapperspb.UInt32(3),
		Http:          &annotations.Http{},
	}
	svc.Apis = append(svc.Apis, apiOf(sd))
	methods := sd.Methods()
	for i := 0; i < methods.Len(); i++ {
		md := methods.Get(i)
		rule, err := httpRule(md)
		if err != nil {
			return nil, err
		}
		if rule != nil {
			rule.Selector = string(md.FullName())
			svc.Http.Rules = append(svc.Http.Rules, rule)
		}
	}
	for _, fd := range []protoreflect.FileDescriptor{reflectionv1.File_grpc_reflection_v1_reflection_proto, reflectionv1alpha.File_grpc_reflection_v1alpha_reflection_proto} {
		svc.Apis = append(svc.Apis, apiOf(fd.Services().Get(0)))
	}
	return svc, nil
}

func apiOf(sd protoreflect.ServiceDescriptor) *apipb.Api {
	api := &apipb.Api{Name: string(sd.FullName())}
	methods := sd.Methods()
	for i := 0; i < methods.Len(); i++ {
		md := methods.Get(i)
		api.Methods = append(api.Methods, &apipb.Method{
			Name:              string(md.Name()),
			RequestTypeUrl:    "type.googleapis.com/" + string(md.Input().FullName()),
			ResponseTypeUrl:   "type.googleapis.com/" + string(md.Output().FullName()),
			RequestStreaming:  md.IsStreamingClient(),
			ResponseStreaming: md.IsStreamingServer(),
		})
	}
	return api
}

// httpRule reads the google.api.http option. The options are re-decoded with the global type
// registry first: protocompile leaves the extension as a dynamic message, and asserting it to
// *annotations.HttpRule would fail (libraries.md trap 2).
func httpRule(md protoreflect.MethodDescriptor) (*annotations.HttpRule, error) {
	raw, err := proto.Marshal(md.Options())
	if err != nil {
		return nil, err
	}
	opts := &descriptorpb.MethodOptions{}
	if err := (proto.UnmarshalOptions{Resolver: protoregistry.GlobalTypes}).Unmarshal(raw, opts); err != nil {
		return nil, err
	}
	rule, _ := proto.GetExtension(opts, annotations.E_Http).(*annotations.HttpRule)
	if rule == nil || rule.GetPattern() == nil {
		return nil, nil
	}
	return rule, nil
}
