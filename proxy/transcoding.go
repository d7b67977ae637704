package proxy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"

	"github.com/espctl/espctl/httprule"
	"github.com/espctl/espctl/transcode"
	"github.com/espctl/espctl/translate"
)

// transcoder holds a compiled transcode.Method for every route that reaches a gRPC method, so
// a request does no descriptor lookups.
type transcoder map[transcodeKey]*transcode.Method

type transcodeKey struct {
	selector string
	binding  int // index in Method.HTTP, or transcode.GRPCBinding for `POST /<api>/<method>`
}

// newTranscoder compiles the plans of cfg; nil when the config has no descriptors (OpenAPI, or
// gRPC without a descriptor: ESPv2 then passes requests through untranscoded).
func newTranscoder(cfg *translate.Config, opts transcode.Options) (transcoder, error) {
	if cfg.Descriptors == nil || len(cfg.Descriptors.File) == 0 {
		return nil, nil
	}
	// API-key and JWT query parameters are never fields (proxy-behavior.md section 6).
	opts.IgnoreQueryParameters = transcode.IgnoredQueryParameters(cfg, opts.IgnoreQueryParameters)
	files, err := descriptorFiles(cfg.Descriptors)
	if err != nil {
		return nil, err
	}
	tc := transcoder{}
	var errs []error
	for _, m := range cfg.Methods {
		if m.GRPCPath == "" {
			continue
		}
		name := strings.ReplaceAll(strings.TrimPrefix(m.GRPCPath, "/"), "/", ".")
		d, err := files.FindDescriptorByName(protoreflect.FullName(name))
		if err != nil {
			// Not in the descriptors: ESPv2 proxies such a method untranscoded.
			continue
		}
		md, ok := d.(protoreflect.MethodDescriptor)
		if !ok {
			errs = append(errs, fmt.Errorf("method %s: %s is not a method", m.Selector, name))
			continue
		}
		for i, b := range m.HTTP {
			plan, err := transcode.Compile(md, b, opts)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			tc[transcodeKey{m.Selector, i}] = plan
		}
		// ESPv2 also binds every gRPC method to `POST /<api>/<method>` with body "*".
		tmpl := httprule.Template{Raw: m.GRPCPath}
		plan, err := transcode.Compile(md, translate.HTTPBinding{Method: http.MethodPost, Pattern: m.GRPCPath, Template: tmpl, Body: "*"}, opts)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		tc[transcodeKey{m.Selector, transcode.GRPCBinding}] = plan
	}
	return tc, errors.Join(errs...)
}

// descriptorFiles builds a registry from a descriptor set; imports missing from the set (the
// well-known types, google/api/*) are taken from the ones compiled into espctl.
func descriptorFiles(fds *descriptorpb.FileDescriptorSet) (*protoregistry.Files, error) {
	files := new(protoregistry.Files)
	pending := fds.GetFile()
	for len(pending) > 0 {
		var next []*descriptorpb.FileDescriptorProto
		var lastErr error
		for _, fdp := range pending {
			if _, err := files.FindFileByPath(fdp.GetName()); err == nil {
				continue
			}
			fd, err := protodesc.NewFile(fdp, chainResolver{files, protoregistry.GlobalFiles})
			if err != nil {
				lastErr = err
				next = append(next, fdp)
				continue
			}
			if err := files.RegisterFile(fd); err != nil {
				return nil, err
			}
		}
		if len(next) == len(pending) {
			return nil, lastErr
		}
		pending = next
	}
	return files, nil
}

// chainResolver looks a descriptor up in each registry in turn.
type chainResolver []*protoregistry.Files

func (c chainResolver) FindFileByPath(p string) (protoreflect.FileDescriptor, error) {
	for _, f := range c {
		if d, err := f.FindFileByPath(p); err == nil {
			return d, nil
		}
	}
	return nil, protoregistry.NotFound
}

func (c chainResolver) FindDescriptorByName(n protoreflect.FullName) (protoreflect.Descriptor, error) {
	for _, f := range c {
		if d, err := f.FindDescriptorByName(n); err == nil {
			return d, nil
		}
	}
	return nil, protoregistry.NotFound
}

// transcode answers a JSON request with a call to a gRPC backend.
func (ex *exchange) transcode(ms *methodState, m routeMatch, path, rawQuery string) {
	r := ex.r
	key := transcodeKey{m.Route.Selector, m.Route.Binding}
	if m.Route.Kind == "grpc" {
		key.binding = transcode.GRPCBinding
	}
	plan := ex.st.transcoder[key]
	if plan == nil {
		// No plan (a method without descriptor): ESPv2 passes the request through as is.
		ex.forwardHTTP(ms, m, path, rawQuery)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	query := transcode.ParseQuery(rawQuery, ex.h.opts.Transcoding.DisableUnescapePlus)
	msg, err := plan.Request(transcode.Request{
		Bindings:    m.decodedBindings(),
		Query:       query,
		Body:        body,
		ContentType: r.Header.Get("Content-Type"),
	})
	if err != nil {
		if errors.Is(err, transcode.ErrUnknownQueryParameter) {
			// ESPv2 does not transcode such a request: the gRPC server gets the JSON and
			// answers 415. Forwarding it keeps that behaviour byte for byte.
			r.Body = io.NopCloser(bytes.NewReader(body))
			r.ContentLength = int64(len(body))
			ex.forwardHTTP(ms, m, path, rawQuery)
			return
		}
		status, message := transcode.ErrorStatus(err)
		ex.reply(status, message)
		return
	}
	ex.callGRPC(ms, plan, msg)
}

// callGRPC sends one request message to the backend and writes the JSON response (one object,
// or an array for server streaming).
func (ex *exchange) callGRPC(ms *methodState, plan *transcode.Method, msg []byte) {
	r, t := ex.r, ms.target
	ctx := r.Context()
	var cancel context.CancelFunc
	deadlineSet := !ms.streaming
	if deadlineSet {
		ctx, cancel = context.WithTimeout(ctx, t.deadline)
	} else {
		ctx, cancel = context.WithCancel(ctx)
	}
	defer cancel()

	// What http.NewRequestWithContext(ctx, "POST", url, bytes.NewReader(frame)) builds, without
	// parsing a URL and allocating a header map only to replace them.
	frame := appendGRPCFrame(nil, msg)
	ex.upURL = url.URL{Scheme: t.scheme, Host: t.hostport, Opaque: plan.GRPCPath()}
	tmpl := http.Request{
		Method:        http.MethodPost,
		URL:           &ex.upURL,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        make(http.Header, len(r.Header)+2),
		Body:          io.NopCloser(bytes.NewReader(frame)),
		ContentLength: int64(len(frame)),
		GetBody: func() (io.ReadCloser, error) {
			return io.NopCloser(bytes.NewReader(frame)), nil
		},
	}
	out := tmpl.WithContext(ctx)
	// Request headers travel as gRPC metadata, as Envoy's transcoder forwards them.
	for k, v := range r.Header {
		out.Header[k] = v
	}
	removeHopByHop(out.Header)
	out.Header.Del("Content-Length")
	out.Header.Del("Accept-Encoding")
	out.Header.Set("Content-Type", transcode.GRPCContentType)
	out.Header.Set("Te", "trailers")
	if !t.local {
		out.Host = t.hostname
	} else {
		out.Host = r.Host
	}
	if _, ok := out.Header["User-Agent"]; !ok {
		out.Header["User-Agent"] = nil
	}
	resp := ex.send(ctx, t, out, deadlineSet)
	if resp == nil {
		return
	}
	defer ex.received(resp)
	if resp.StatusCode != http.StatusOK {
		// Not a gRPC server answer; pass it on as it is.
		copyResponse(ex.w, resp, false)
		return
	}
	writeTranscodedResponse(ctx, ex, plan, resp, deadlineSet)
}

// grpcStatus reads grpc-status and grpc-message from the trailers, or from the headers of a
// trailers-only response.
func grpcStatus(resp *http.Response) (int, string, string, bool) {
	get := func(k string) string {
		if v := resp.Trailer.Get(k); v != "" {
			return v
		}
		return resp.Header.Get(k)
	}
	s := get("Grpc-Status")
	if s == "" {
		return 2, "", "", false
	}
	code, err := strconv.Atoi(s)
	if err != nil {
		code = 2
	}
	msg, _ := url.PathUnescape(get("Grpc-Message"))
	return code, msg, get("Grpc-Status-Details-Bin"), true
}
