package proxy

import (
	"net/http"

	"github.com/espctl/espctl/apikey"
	"github.com/espctl/espctl/headerpolicy"
	"github.com/espctl/espctl/jwtauth"
	"github.com/espctl/espctl/translate"
)

// v1Reply is how a rejection reads in ESPv1's error format (--error_format=v1).
type v1Reply interface {
	ESPv1Reply() (status, rpcCode int, message string)
}

// admit runs API management for a routed request, in ESPv2's filter order: JWT
// authentication, then the API key, then the quota. It sets the backend headers (verified
// UserInfo, consumer) and removes client-sent copies of them on every request, so a client
// can never spoof them. It answers the request itself and returns false when one step refuses.
//
// m is nil for routes that are not an operation (health, CORS pass-through): they need no
// credentials, but their spoofed headers are still removed.
func (ex *exchange) admit(m *translate.Method) bool {
	r, opts := ex.r, &ex.h.opts
	res, rej := ex.st.jwt.Authenticate(r, m)
	if rej != nil {
		if rej.WWWAuthenticate != "" {
			ex.w.Header().Set("WWW-Authenticate", rej.WWWAuthenticate)
		}
		ex.obs.AuthFailure(string(rej.Reason))
		ex.refuse(rej.Status, rej.Message, rej, headerpolicy.CauseAuth)
		return false
	}
	ex.st.jwt.SetBackendHeaders(r.Header, res)

	var consumer *apikey.Consumer
	if opts.APIKeys != nil {
		api := ""
		if m != nil {
			api = m.API
		}
		c, rej := opts.APIKeys.Check(r, m, api, ex.clientIP)
		if rej != nil {
			ex.obs.APIKeyRejected(http.StatusText(rej.Status))
			ex.refuse(rej.Status, rej.Message, rej, headerpolicy.CauseServiceControl)
			return false
		}
		consumer = c
	}
	apikey.SetBackendHeaders(r.Header, consumer, opts.ConsumerHeaders)

	if ex.h.limiter != nil && m != nil && consumer != nil {
		if rej := ex.h.limiter.Allow(ex.obs.Context(), consumer.QuotaConsumer(), m); rej != nil {
			ex.obs.QuotaDenied(http.StatusText(rej.Status))
			ex.refuse(rej.Status, rej.Message, rej, headerpolicy.CauseServiceControl)
			return false
		}
	}
	return true
}

// refuse answers a rejection in the configured error format.
func (ex *exchange) refuse(status int, msg string, v1 v1Reply, cause string) {
	if ex.h.opts.ErrorFormatV1 && !isGRPCRequest(ex.r) {
		s, code, m := v1.ESPv1Reply()
		ex.errMsg = msg
		ex.backend = "local"
		ex.w.Header().Set("Content-Type", "application/json")
		ex.w.WriteHeader(s)
		if ex.r.Method != http.MethodHead {
			_, _ = ex.w.Write(headerpolicy.V1StatusBody(code, m, cause))
		}
		return
	}
	ex.reply(status, msg)
}

// newAuthenticator builds the JWT step for one config. With no providers it authenticates
// nothing but still removes spoofed UserInfo headers.
func newAuthenticator(cfg *translate.Config, opts jwtauth.Options) (*jwtauth.Authenticator, error) {
	return jwtauth.New(cfg, opts)
}
