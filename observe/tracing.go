package observe

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
)

// DefaultSampleRate is ESPv2's --tracing_sample_rate default.
const DefaultSampleRate = 0.001

// TracingOptions are the --tracing_* flags.
type TracingOptions struct {
	// OTLPEndpoint is --tracing_otlp_endpoint, where spans are exported:
	// `http://host:4318` or `https://...` for OTLP/HTTP (path /v1/traces unless the URL has
	// one), `grpc://host:4317` (plaintext) or `grpcs://host:4317` for OTLP/gRPC; a bare
	// `host:4317` is plaintext gRPC. Empty (and no Exporter) means tracing is off.
	OTLPEndpoint string
	// SampleRate is --tracing_sample_rate: the probability that a request without a sampled
	// incoming context starts a trace (0 to 1). A request whose incoming context is sampled
	// is always traced, as in ESPv2. Use DefaultSampleRate for the flag's default.
	SampleRate float64
	// Disabled is --disable_tracing; it wins over everything else.
	Disabled bool
	// Incoming is --tracing_incoming_context: the formats read from requests, in order (the
	// first one present and valid wins). Empty means ESPv2's default, traceparent then
	// x-cloud-trace-context.
	Incoming []string
	// Outgoing is --tracing_outgoing_context: the formats written to backend requests (all of
	// them). Empty means ESPv2's default, traceparent and x-cloud-trace-context.
	Outgoing []string
	// ServiceName is the service.name resource attribute (default "espctl").
	ServiceName string
	// Exporter, when set, receives the spans instead of an OTLP exporter (tests, or an embedder
	// with its own exporter).
	Exporter sdktrace.SpanExporter
}

// Trace context formats, as ESPv2's flags name them.
const (
	FormatTraceparent     = "traceparent"
	FormatCloudTrace      = "x-cloud-trace-context"
	FormatGRPCTraceBin    = "grpc-trace-bin"
	defaultContextFormats = FormatTraceparent + "," + FormatCloudTrace
)

// Tracing starts spans for requests and carries trace context in and out of the proxy. A nil
// *Tracing, or one built with tracing off, does nothing and costs a nil check per call.
type Tracing struct {
	provider *sdktrace.TracerProvider
	tracer   trace.Tracer
	incoming propagation.TextMapPropagator
	outgoing propagation.TextMapPropagator
}

// instrumentation is the tracer name spans are recorded under.
const instrumentation = "github.com/espctl/espctl"

// NewTracing builds the tracer from the flags. It returns (nil, nil) when tracing is off
// (--disable_tracing, or no endpoint and no exporter); the nil *Tracing is ready to use. It
// fails on a sample rate outside [0, 1], an unknown context format or a bad endpoint.
func NewTracing(opts TracingOptions) (*Tracing, error) {
	if opts.Disabled || (opts.OTLPEndpoint == "" && opts.Exporter == nil) {
		return nil, nil
	}
	if opts.SampleRate < 0 || opts.SampleRate > 1 || opts.SampleRate != opts.SampleRate {
		return nil, fmt.Errorf("--tracing_sample_rate %v: want a number from 0 to 1", opts.SampleRate)
	}
	incoming, err := ParseContextFormats(opts.Incoming)
	if err != nil {
		return nil, fmt.Errorf("--tracing_incoming_context: %w", err)
	}
	outgoing, err := ParseContextFormats(opts.Outgoing)
	if err != nil {
		return nil, fmt.Errorf("--tracing_outgoing_context: %w", err)
	}
	exporter := opts.Exporter
	if exporter == nil {
		exporter, err = newOTLPExporter(opts.OTLPEndpoint)
		if err != nil {
			return nil, fmt.Errorf("--tracing_otlp_endpoint %q: %w", opts.OTLPEndpoint, err)
		}
	}
	name := opts.ServiceName
	if name == "" {
		name = "espctl"
	}
	provider := sdktrace.NewTracerProvider(
		sdktrace.WithBatcher(exporter),
		sdktrace.WithSampler(sdktrace.ParentBased(sdktrace.TraceIDRatioBased(opts.SampleRate))),
		sdktrace.WithResource(resource.NewSchemaless(attribute.String("service.name", name))),
	)
	return &Tracing{
		provider: provider,
		tracer:   provider.Tracer(instrumentation),
		incoming: firstValid(incoming),
		outgoing: propagation.NewCompositeTextMapPropagator(outgoing...),
	}, nil
}

// Enabled reports whether spans are recorded and exported.
func (t *Tracing) Enabled() bool { return t != nil }

// Shutdown exports the spans still buffered and stops the exporter; call it when the proxy
// stops (after draining), with a deadline.
func (t *Tracing) Shutdown(ctx context.Context) error {
	if t == nil {
		return nil
	}
	return t.provider.Shutdown(ctx)
}

// ForceFlush exports the buffered spans now.
func (t *Tracing) ForceFlush(ctx context.Context) error {
	if t == nil {
		return nil
	}
	return t.provider.ForceFlush(ctx)
}

func newOTLPExporter(endpoint string) (sdktrace.SpanExporter, error) {
	ctx := context.Background()
	if !strings.Contains(endpoint, "://") {
		if _, _, err := net.SplitHostPort(endpoint); err != nil {
			return nil, errors.New("want http://host:port, https://, grpc:// or grpcs://, or host:port")
		}
		return otlptracegrpc.New(ctx, otlptracegrpc.WithEndpoint(endpoint), otlptracegrpc.WithInsecure())
	}
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" {
		return nil, errors.New("not a URL with a host")
	}
	switch u.Scheme {
	case "http", "https":
		opts := []otlptracehttp.Option{otlptracehttp.WithEndpoint(u.Host)}
		if u.Scheme == "http" {
			opts = append(opts, otlptracehttp.WithInsecure())
		}
		if u.Path != "" && u.Path != "/" {
			opts = append(opts, otlptracehttp.WithURLPath(u.Path))
		}
		return otlptracehttp.New(ctx, opts...)
	case "grpc", "grpcs":
		opts := []otlptracegrpc.Option{otlptracegrpc.WithEndpoint(u.Host)}
		if u.Scheme == "grpc" {
			opts = append(opts, otlptracegrpc.WithInsecure())
		}
		return otlptracegrpc.New(ctx, opts...)
	}
	return nil, fmt.Errorf("scheme %q: want http, https, grpc or grpcs", u.Scheme)
}

// noopSpan is what the helpers return when tracing is off.
var noopSpan trace.Span = noop.Span{}
