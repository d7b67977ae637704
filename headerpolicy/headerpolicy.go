// Package headerpolicy holds the header rules ESPv2 applies to every request and reply, for
// `espctl run`: what is stripped from client requests, the underscore rule, HSTS, the client
// address and X-Forwarded-For (Envoy's HTTP connection manager with ESPv2's settings), and
// ESPv1's error body for --error_format=v1.
//
// Facts come from /work/shared/reference: headers-and-errors.md 1.2, 2.6, 3.2, 4.2 and 5,
// flags-espv2.md rows 17, 40, 44 and 45, proxy-behavior.md 1, flag-migration.md 2.8.
//
// The proxy calls it in Envoy's order, before any filter runs:
//
//	if err := headerpolicy.CheckUnderscores(r.Header, opts.UnderscoresInHeaders); err != nil {
//		reply(400, headerpolicy.MsgUnderscores) // codec-level: no CORS headers, no auth
//	}
//	client := headerpolicy.Forwarding{UseRemoteAddress: ..., XFFNumTrustedHops: ...}.Apply(r)
//	// StripRequest, client IP, X-Forwarded-For, X-Forwarded-Proto and X-Request-Id in one call
//	...
//	headerpolicy.SetHSTS(w.Header(), opts.EnableStrictTransportSecurity) // forwarded responses
//
// and, with --error_format=v1, writes its own error replies with WriteV1Error instead of the
// ESPv2 `{"code":<HTTP status>,"message":...}` body.
package headerpolicy
