package xds

import (
	grpcwebv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/grpc_web/v3"
	routerv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/router/v3"
	"google.golang.org/protobuf/proto"
)

// grpcWebFilter is on when some backend speaks gRPC.
func grpcWebFilter(p *plan) (proto.Message, error) {
	if !p.grpc {
		return nil, nil
	}
	return &grpcwebv3.GrpcWeb{}, nil
}

// routerFilter is always there and always last.
func routerFilter(p *plan) (proto.Message, error) {
	return &routerv3.Router{}, nil
}
