package apikey

import (
	"net/http"
	"testing"
)

func TestSetBackendHeaders(t *testing.T) {
	spoofed := func() http.Header {
		return http.Header{
			"X-Endpoint-Api-Consumer-Type":   {"PROJECT"},
			"X-Endpoint-Api-Consumer-Number": {"666"},
			"X-Endpoint-Api-Project-Id":      {"evil"},
			"Other":                          {"kept"},
		}
	}
	checked := &Consumer{ProjectID: "shop", ProjectNumber: "1001", Checked: true}
	for _, tc := range []struct {
		name string
		c    *Consumer
		o    HeaderOptions
		want http.Header
	}{
		{"no consumer: spoofed copies removed", nil, HeaderOptions{}, http.Header{"Other": {"kept"}}},
		{"unchecked consumer: no headers", &Consumer{ProjectID: "shop", ProjectNumber: "1001"}, HeaderOptions{}, http.Header{"Other": {"kept"}}},
		{"ESPv2 headers", checked, HeaderOptions{}, http.Header{"Other": {"kept"},
			"X-Endpoint-Api-Consumer-Type": {"PROJECT"}, "X-Endpoint-Api-Consumer-Number": {"1001"}}},
		{"ESPv1 project id too", checked, HeaderOptions{ESPv1ProjectID: true}, http.Header{"Other": {"kept"},
			"X-Endpoint-Api-Consumer-Type": {"PROJECT"}, "X-Endpoint-Api-Consumer-Number": {"1001"}, "X-Endpoint-Api-Project-Id": {"shop"}}},
		{"custom prefix", checked, HeaderOptions{Prefix: "x-apigateway-"}, http.Header{"Other": {"kept"},
			"X-Apigateway-Api-Consumer-Type": {"PROJECT"}, "X-Apigateway-Api-Consumer-Number": {"1001"}}},
	} {
		h := spoofed()
		SetBackendHeaders(h, tc.c, tc.o)
		if len(h) != len(tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, h, tc.want)
			continue
		}
		for k, v := range tc.want {
			if got := h.Values(k); len(got) != 1 || got[0] != v[0] {
				t.Errorf("%s: %s = %v, want %v", tc.name, k, got, v)
			}
		}
	}
}

func TestESPv1Reply(t *testing.T) {
	for _, c := range []struct {
		r       *Rejection
		status  int
		code    int
		message string
	}{
		{rejectMissing, 401, 16, "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API."},
		{rejectInvalid, 400, 3, "API key not valid. Please pass a valid API key."},
		{rejectAPITarget, 403, 7, "The API targeted by this request is invalid for the given API key."},
		{rejectIP, 403, 7, "IP address blocked."},
	} {
		s, code, msg := c.r.ESPv1Reply()
		if s != c.status || code != c.code || msg != c.message {
			t.Errorf("%q: %d %d %q", c.r.Message, s, code, msg)
		}
	}
}
