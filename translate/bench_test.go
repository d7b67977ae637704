package translate

import (
	"fmt"
	"testing"

	"google.golang.org/genproto/googleapis/api/annotations"
	"google.golang.org/genproto/googleapis/api/serviceconfig"
	"google.golang.org/protobuf/types/known/apipb"
	"google.golang.org/protobuf/types/known/typepb"
)

// generatedService builds a service with n methods, each with an HTTP rule (every third with
// an additional binding), a backend rule, a usage rule and a request type with json names.
func generatedService(n int) *serviceconfig.Service {
	s := &serviceconfig.Service{
		Name:    "bench.endpoints.example.cloud.goog",
		Http:    &annotations.Http{},
		Backend: &serviceconfig.Backend{},
		Usage:   &serviceconfig.Usage{},
		Authentication: &serviceconfig.Authentication{
			Providers: []*serviceconfig.AuthProvider{{Id: "p", Issuer: "https://issuer"}},
		},
		Control: &serviceconfig.Control{Environment: "servicecontrol.googleapis.com"},
	}
	api := &apipb.Api{Name: "bench.v1.Bench"}
	for i := range n {
		name := fmt.Sprintf("Method%05d", i)
		sel := api.Name + "." + name
		req := fmt.Sprintf("bench.v1.Request%05d", i)
		api.Methods = append(api.Methods, &apipb.Method{Name: name, RequestTypeUrl: typeURLPrefix + req, ResponseTypeUrl: typeURLPrefix + "bench.v1.Response"})
		s.Types = append(s.Types, &typepb.Type{Name: req, Fields: []*typepb.Field{{Name: "shelf_id", JsonName: "shelfId"}, {Name: "book", JsonName: "book"}}})
		rule := &annotations.HttpRule{Selector: sel, Pattern: &annotations.HttpRule_Get{Get: fmt.Sprintf("/v1/r%d/shelves/{shelf_id}/books/{book}", i)}}
		if i%3 == 0 {
			rule.AdditionalBindings = []*annotations.HttpRule{{Pattern: &annotations.HttpRule_Post{Post: fmt.Sprintf("/v1/r%d/{shelf_id=shelves/*}:create", i)}, Body: "*"}}
		}
		s.Http.Rules = append(s.Http.Rules, rule)
		s.Backend.Rules = append(s.Backend.Rules, &serviceconfig.BackendRule{Selector: sel, Address: fmt.Sprintf("grpcs://backend-%d.example.com", i%10), Deadline: 10})
		s.Usage.Rules = append(s.Usage.Rules, &serviceconfig.UsageRule{Selector: sel, AllowUnregisteredCalls: i%2 == 0})
		if i%5 == 0 {
			s.Authentication.Rules = append(s.Authentication.Rules, &serviceconfig.AuthenticationRule{Selector: sel, Requirements: []*serviceconfig.AuthRequirement{{ProviderId: "p"}}})
		}
	}
	s.Apis = []*apipb.Api{api}
	return s
}

func BenchmarkBuild10000Methods(b *testing.B) {
	s := generatedService(10000)
	opts := Options{Healthz: "/healthz"}
	b.ReportAllocs()
	for b.Loop() {
		cfg, err := Build(s, nil, opts)
		if err != nil {
			b.Fatal(err)
		}
		if len(cfg.Methods) != 10000 {
			b.Fatalf("%d methods", len(cfg.Methods))
		}
	}
}

func TestGeneratedServiceBuilds(t *testing.T) {
	cfg := build(t, generatedService(30), Options{})
	// 30 methods: 30 rules, 10 additional bindings, 30 gRPC paths.
	if len(cfg.Routes) != 70 {
		t.Errorf("%d routes, want 70", len(cfg.Routes))
	}
}
