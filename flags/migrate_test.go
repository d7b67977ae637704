package flags

import "testing"

// espctl run migrates ESPv1 flags while the API config comes from --config: no service flag
// is needed then, and nothing may need a person for a plain port flag.
func TestMigrateServiceFromElsewhere(t *testing.T) {
	r, err := Migrate([]string{"-p", "8080", "-a", "grpc://127.0.0.1:9000"}, MigrateOptions{ServiceFromElsewhere: true})
	if err != nil {
		t.Fatal(err)
	}
	if r.NeedsPerson() {
		t.Errorf("needs a person: %+v", r.Findings)
	}
	r, _ = Migrate([]string{"-p", "8080"}, MigrateOptions{})
	if !r.NeedsPerson() {
		t.Error("without a service source the migration must need a person")
	}
}
