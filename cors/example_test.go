package cors_test

import (
	"fmt"
	"net/http/httptest"

	"github.com/espctl/espctl/cors"
)

// The policy of `--cors_preset=basic --cors_allow_origin=https://app.example.com
// --cors_allow_credentials`, answering a preflight.
func Example() {
	opts := cors.Defaults(cors.PresetBasic)
	opts.AllowOrigin = "https://app.example.com"
	opts.AllowCredentials = true
	p, err := cors.New(opts)
	if err != nil {
		panic(err)
	}
	r := httptest.NewRequest("OPTIONS", "/v1/shelves", nil)
	r.Header.Set("Origin", "https://app.example.com")
	r.Header.Set("Access-Control-Request-Method", "POST")
	w := httptest.NewRecorder()
	fmt.Println(p.Preflight(w, r), w.Code)
	fmt.Println(w.Header().Get("Access-Control-Allow-Origin"), w.Header().Get("Access-Control-Allow-Credentials"), w.Header().Get("Access-Control-Max-Age"))
	// Output:
	// true 200
	// https://app.example.com true 1728000
}
