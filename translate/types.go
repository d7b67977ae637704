package translate

import (
	"fmt"
	"strings"

	"google.golang.org/protobuf/types/known/typepb"

	"github.com/espctl/espctl/httprule"
)

// jsonNames maps, per request message, each top-level field name to its json_name where the
// two differ. It is the only thing ESPv2 reads from `types[]` (config-and-openapi.md A.4).
func (b *builder) jsonNames(requestType string) (map[string]string, error) {
	if b.types == nil {
		b.types = make(map[string]*typepb.Type, len(b.svc.GetTypes()))
		for _, t := range b.svc.GetTypes() {
			if _, dup := b.types[t.GetName()]; !dup {
				b.types[t.GetName()] = t
			}
		}
	}
	if t := b.types[requestType]; t != nil {
		var names map[string]string
		seen := map[string]string{}
		for _, f := range t.GetFields() {
			name, jsonName := f.GetName(), f.GetJsonName()
			if jsonName == "" {
				continue
			}
			if prev, ok := seen[name]; ok && prev != jsonName {
				// Spelling as in ESPv2.
				return nil, fmt.Errorf("for type %s: detected two types with same snake_name (%s) but mistmatching json_name (%s, %s)", requestType, name, prev, jsonName)
			}
			seen[name] = jsonName
			if name != jsonName {
				if names == nil {
					names = map[string]string{}
				}
				names[name] = jsonName
			}
		}
		return names, nil
	}
	return nil, nil // a missing request type only makes ESPv2 log a warning
}

// renameVariables rewrites the first component of each path variable's field path to its
// json_name: `{s_h_e_l_f.i_d}` becomes `SHELF.i_d`, as ESPv2 does before building path
// translation and transcoding.
func renameVariables(t *httprule.Template, names map[string]string) {
	if len(names) == 0 {
		return
	}
	vars := make([]httprule.Variable, len(t.Variables))
	copy(vars, t.Variables)
	for i, v := range vars {
		head, rest, dotted := strings.Cut(v.FieldPath, ".")
		if j, ok := names[head]; ok {
			if dotted {
				vars[i].FieldPath = j + "." + rest
			} else {
				vars[i].FieldPath = j
			}
		}
	}
	t.Variables = vars
}
