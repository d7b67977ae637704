package xds

import (
	"fmt"

	transcoderv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/grpc_json_transcoder/v3"
	"google.golang.org/protobuf/proto"
)

// transcoderFilter turns HTTP/JSON into gRPC for gRPC backends; it needs the descriptor set.
func transcoderFilter(p *plan) (proto.Message, error) {
	if !p.transcoding() {
		return nil, nil
	}
	bin, err := proto.MarshalOptions{Deterministic: true}.Marshal(p.cfg.Descriptors)
	if err != nil {
		return nil, fmt.Errorf("encoding descriptors: %w", err)
	}
	t := p.opts.Transcoding
	return &transcoderv3.GrpcJsonTranscoder{
		DescriptorSet: &transcoderv3.GrpcJsonTranscoder_ProtoDescriptorBin{ProtoDescriptorBin: bin},
		Services:      grpcServices(p),
		PrintOptions: &transcoderv3.GrpcJsonTranscoder_PrintOptions{
			AlwaysPrintPrimitiveFields: t.AlwaysPrintPrimitiveFields,
			AlwaysPrintEnumsAsInts:     t.AlwaysPrintEnumsAsInts,
			PreserveProtoFieldNames:    t.PreserveProtoFieldNames,
			StreamNewlineDelimited:     t.StreamNewlineDelimited,
		},
		// gRPC errors become HTTP statuses with a google.rpc.Status JSON body.
		ConvertGrpcStatus:            true,
		IgnoredQueryParameters:       ignoredQueryParameters(p),
		IgnoreUnknownQueryParameters: t.IgnoreUnknownQueryParameters,
		QueryParamUnescapePlus:       !t.DisableUnescapePlus,
		MatchUnregisteredCustomVerb:  t.MatchUnregisteredCustomVerb,
		CaseInsensitiveEnumParsing:   t.CaseInsensitiveEnumParsing,
	}, nil
}

// transcoding reports whether the transcoder is in the chain: a gRPC backend and descriptors.
func (p *plan) transcoding() bool {
	return p.grpc && p.cfg.Descriptors != nil && len(p.cfg.Descriptors.File) > 0
}

// grpcServices are the gRPC APIs the transcoder serves.
func grpcServices(p *plan) []string {
	var out []string
	for _, a := range p.cfg.APIs {
		if a.GRPC {
			out = append(out, a.Name)
		}
	}
	if len(out) == 0 {
		for _, a := range p.cfg.APIs {
			out = append(out, a.Name)
		}
	}
	return out
}

// ignoredQueryParameters are the query parameters that carry credentials rather than request
// fields (proxy-behavior.md section 6), so the transcoder must not reject them as unknown.
func ignoredQueryParameters(p *plan) []string {
	set := map[string]bool{}
	for _, q := range p.opts.Transcoding.IgnoreQueryParameters {
		set[q] = true
	}
	for _, m := range p.cfg.Methods {
		if len(m.APIKey.Locations) == 0 {
			set["key"], set["api_key"] = true, true
		}
		for _, l := range m.APIKey.Locations {
			if l.Query != "" {
				set[l.Query] = true
			}
		}
	}
	for _, prov := range usedProviders(p) {
		if len(prov.Locations) == 0 {
			set["access_token"] = true
		}
		for _, l := range prov.Locations {
			if l.Query != "" {
				set[l.Query] = true
			}
		}
	}
	return sortedKeys(set)
}
