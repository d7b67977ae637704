// Package observe is what `espctl run` shows of itself: Prometheus metrics, OpenTelemetry
// tracing with ESPv2's trace-context formats, and log helpers. The admin listener that serves
// them (with an HTML page of the running config) is the subpackage observe/admin.
//
// Everything here is built to be wired into the proxy with a few calls and to cost nothing
// when it is off. The short way is Observer: Begin at the start of a request, Route after
// routing, BackendStart/BackendDone around the backend call, Finish at the end, LogAttrs for
// the access log. The parts it combines can also be called one by one:
//
//   - Metrics: NewMetrics once; Request once per finished request; AuthFailure,
//     APIKeyRejected, QuotaDenied, BackendError where the proxy decides them; ConfigReload
//     after every load. A nil *Metrics ignores every call.
//   - Tracing: NewTracing once from the --tracing_* flags; StartRequest at the start of a
//     request, StartBackend + InjectOutgoing around the backend call, EndSpan/EndRequest at
//     the end. A nil or disabled *Tracing starts no spans and injects nothing. JWKS fetches and
//     quota calls use the package functions StartJWKSFetch and StartQuotaCall, which find the
//     tracer through the request's context, so those packages need no *Tracing.
//   - Logs: TraceAttrs adds trace_id/span_id to the access-log line; ParseLogLevel reads
//     --log_level.
//
// docs/observability.md is the user-facing description (metric names, flags, the admin page).
package observe
