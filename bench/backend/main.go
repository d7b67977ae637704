// Command backend is the benchmark's upstream: a small HTTP handler and the demo library over
// gRPC, on two ports. With -write it also writes the demo's service config and descriptor set
// for `espctl run --service_json_path ... --descriptor ...`.
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/espctl/espctl/demo"
)

func main() {
	httpAddr := flag.String("http", "127.0.0.1:18081", "HTTP listen address")
	grpcAddr := flag.String("grpc", "127.0.0.1:18082", "gRPC listen address")
	write := flag.String("write", "", "directory to write service.json and descriptor.pb into")
	flag.Parse()

	body := []byte(`{"id":"1","theme":"Fiction"}`)
	go func() {
		log.Fatal(http.ListenAndServe(*httpAddr, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Write(body)
		})))
	}()

	// The demo library, served here instead of in espctl's process so every target
	// (direct, nginx, espctl) talks to the same backend.
	b, err := demo.Start("127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	b.Stop()
	files, err := protodesc.NewFiles(b.Descriptors)
	if err != nil {
		log.Fatal(err)
	}
	d, err := files.FindDescriptorByName(demo.ServiceName)
	if err != nil {
		log.Fatal(err)
	}
	lis, err := net.Listen("tcp", *grpcAddr)
	if err != nil {
		log.Fatal(err)
	}
	s := grpc.NewServer()
	demo.RegisterLibrary(s, d.(protoreflect.ServiceDescriptor))
	if *write != "" {
		svc, err := protojson.Marshal(b.Service)
		check(err)
		check(os.WriteFile(filepath.Join(*write, "service.json"), svc, 0o644))
		fds, err := proto.Marshal(b.Descriptors)
		check(err)
		check(os.WriteFile(filepath.Join(*write, "descriptor.pb"), fds, 0o644))
	}
	fmt.Println("ready")
	log.Fatal(s.Serve(lis))
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
