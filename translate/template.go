package translate

import (
	"github.com/espctl/espctl/httprule"
)

// parseTemplate parses an HTTP rule path template with the shared parser (ESPv2's grammar;
// errors read `invalid uri template ...` with a column).
func parseTemplate(raw string) (httprule.Template, error) {
	t, err := httprule.Parse(raw)
	if err != nil {
		return httprule.Template{}, err
	}
	return *t, nil
}
