package headerpolicy

import "net/http"

// ESPv2 texts of the proxy's own routing replies that ESPv1 worded differently
// (headers-and-errors.md 2.1 and 2.6, proxy-behavior.md 15).
const (
	msgV2NotDefined       = "The current request is not defined by this API."
	msgV2InvalidPreflight = "The CORS preflight request is missing one (or more) of the following required headers [Origin, Access-Control-Request-Method] or has an unmatched Origin header."
	msgV2NotAllowedPrefix = "The current request is matched to the defined url template "

	msgV1MethodNotExist = "Method does not exist."
	msgV1NoCORS         = "The service does not allow CORS traffic."
)

// V1RoutingReply turns one of the proxy's own ESPv2 routing replies into ESPv1's, for
// --error_format=v1: unknown path (404) and wrong method (405) were both 404 `Method does not
// exist.` in ESPv1, and an OPTIONS request nothing takes (the CORS 400) was 403 `The service
// does not allow CORS traffic.`, all with cause service_control. Any other reply keeps its
// status and text, with cause internal; JWT and API-key rejections have their own ESPv1Reply
// in jwtauth and apikey.
func V1RoutingReply(status int, message string) (v1Status int, v1Message, cause string) {
	switch {
	case status == http.StatusNotFound && message == msgV2NotDefined,
		status == http.StatusMethodNotAllowed && len(message) > len(msgV2NotAllowedPrefix) && message[:len(msgV2NotAllowedPrefix)] == msgV2NotAllowedPrefix:
		return http.StatusNotFound, msgV1MethodNotExist, CauseServiceControl
	case status == http.StatusBadRequest && message == msgV2InvalidPreflight:
		return http.StatusForbidden, msgV1NoCORS, CauseServiceControl
	}
	return status, message, CauseInternal
}
