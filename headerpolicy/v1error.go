package headerpolicy

import (
	"net/http"
	"strconv"
	"unicode/utf8"
)

// ESPv1 error causes: the `detail` of the DebugInfo in every ESPv1 error body
// (headers-and-errors.md 1.2, 2.6).
const (
	CauseInternal       = "internal"
	CauseApplication    = "application"
	CauseAuth           = "auth"
	CauseServiceControl = "service_control"
)

// V1Code maps an HTTP status to the google.rpc canonical code as ESPv1 does when it holds an
// HTTP status (headers-and-errors.md 3.2). It differs from Envoy's HTTP -> gRPC table: 400 is
// INVALID_ARGUMENT here, INTERNAL there; 404 NOT_FOUND here, UNIMPLEMENTED there.
func V1Code(httpStatus int) int {
	switch httpStatus {
	case 400:
		return 3 // INVALID_ARGUMENT
	case 401:
		return 16 // UNAUTHENTICATED
	case 403:
		return 7 // PERMISSION_DENIED
	case 404:
		return 5 // NOT_FOUND
	case 409:
		return 10 // ABORTED
	case 416:
		return 11 // OUT_OF_RANGE
	case 429:
		return 8 // RESOURCE_EXHAUSTED
	case 499:
		return 1 // CANCELLED
	case 501:
		return 12 // UNIMPLEMENTED
	case 503:
		return 14 // UNAVAILABLE
	case 504:
		return 4 // DEADLINE_EXCEEDED
	}
	switch {
	case httpStatus >= 200 && httpStatus < 300:
		return 0 // OK
	case httpStatus >= 400 && httpStatus < 500:
		return 9 // FAILED_PRECONDITION
	case httpStatus >= 500 && httpStatus < 600:
		return 13 // INTERNAL
	}
	return 2 // UNKNOWN
}

// V1ErrorBody is ESPv1's error body for --error_format=v1: the google.rpc.Status that ESPv1
// printed with protobuf's JSON printer, pretty (one space per level, a newline after the
// closing brace) and with default values, so `stackEntries` is always `[]`:
//
//	{
//	 "code": 5,
//	 "message": "Method does not exist.",
//	 "details": [
//	  {
//	   "@type": "type.googleapis.com/google.rpc.DebugInfo",
//	   "stackEntries": [],
//	   "detail": "service_control"
//	  }
//	 ]
//	}
//
// code is V1Code(httpStatus); cause is one of the Cause constants. Strings are escaped as
// protobuf's printer escapes them (see appendProtoJSONString).
func V1ErrorBody(httpStatus int, message string, cause string) []byte {
	return V1StatusBody(V1Code(httpStatus), message, cause)
}

// V1StatusBody is V1ErrorBody for a caller that holds the google.rpc code itself (as ESPv1
// did: its HTTP status came from the code), e.g. from jwtauth's or apikey's ESPv1Reply.
func V1StatusBody(rpcCode int, message string, cause string) []byte {
	b := make([]byte, 0, 160+len(message)+len(cause))
	b = append(b, "{\n \"code\": "...)
	b = strconv.AppendInt(b, int64(rpcCode), 10)
	b = append(b, ",\n \"message\": "...)
	b = appendProtoJSONString(b, message)
	b = append(b, ",\n \"details\": [\n  {\n   \"@type\": \"type.googleapis.com/google.rpc.DebugInfo\",\n   \"stackEntries\": [],\n   \"detail\": "...)
	b = appendProtoJSONString(b, cause)
	return append(b, "\n  }\n ]\n}\n"...)
}

// WriteV1Error writes V1ErrorBody with status httpStatus and Content-Type application/json
// (no body for HEAD).
func WriteV1Error(w http.ResponseWriter, r *http.Request, httpStatus int, message, cause string) {
	body := V1ErrorBody(httpStatus, message, cause)
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(httpStatus)
	if r == nil || r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// appendProtoJSONString appends s as a JSON string the way protobuf's C++ JSON printer
// (json_escaping.cc, the version ESPv1 linked) escapes it: `"` and `\`, \b \t \n \f \r, other
// C0 controls, DEL and C1 controls as \u00xx, `<` and `>` as \u003c and \u003e (for HTML
// safety), and Unicode format characters (soft hyphen, bidi marks, U+2028/2029, BOM...) as
// \uxxxx, astral ones as a surrogate pair. Hex digits are lower case. Invalid UTF-8 becomes
// U+FFFD (protobuf refuses to print it; ESPv1 messages never contain any).
func appendProtoJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch r {
		case '"':
			b = append(b, `\"`...)
		case '\\':
			b = append(b, `\\`...)
		case '\b':
			b = append(b, `\b`...)
		case '\t':
			b = append(b, `\t`...)
		case '\n':
			b = append(b, `\n`...)
		case '\f':
			b = append(b, `\f`...)
		case '\r':
			b = append(b, `\r`...)
		default:
			if protoEscapes(r) {
				b = appendUnicodeEscape(b, r)
			} else {
				b = utf8.AppendRune(b, r)
			}
		}
	}
	return append(b, '"')
}

// protoEscapes reports whether protobuf's printer writes r as a \u escape.
func protoEscapes(r rune) bool {
	switch {
	case r < 0x20, r == '<', r == '>', r >= 0x7f && r <= 0x9f:
		return true
	case r == 0xad, r >= 0x600 && r <= 0x603, r == 0x6dd, r == 0x70f, r == 0x17b4, r == 0x17b5:
		return true
	case r >= 0x200b && r <= 0x200f, r >= 0x2028 && r <= 0x202e, r >= 0x2060 && r <= 0x2064, r >= 0x206a && r <= 0x206f:
		return true
	case r == 0xfeff, r >= 0xfff9 && r <= 0xfffb, r == 0xe0001, r >= 0xe0020 && r <= 0xe007f:
		return true
	}
	return false
}

func appendUnicodeEscape(b []byte, r rune) []byte {
	if r > 0xffff {
		r -= 0x10000
		b = appendU16(b, 0xd800+(r>>10))
		return appendU16(b, 0xdc00+(r&0x3ff))
	}
	return appendU16(b, r)
}

func appendU16(b []byte, r rune) []byte {
	const hexDigits = "0123456789abcdef"
	return append(b, '\\', 'u', hexDigits[r>>12&0xf], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf])
}
