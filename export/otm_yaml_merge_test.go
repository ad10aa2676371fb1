package export_test

import (
	"strings"
	"testing"

	"github.com/threatdeck/threatdeck/export"
)

// YAML merge keys are applied, keys set beside them winning.
func TestOTMYAMLMergeKeys(t *testing.T) {
	in := `otmVersion: 0.2.0
project: {name: Merged, id: merged}
x-defaults: &zone
  type: network
  risk: {trustRating: 60}
trustZones:
  - <<: *zone
    id: tz-a
    name: Alpha
  - <<: [*zone]
    id: tz-b
    name: Beta
    type: internet
components:
  - {id: c1, name: API, type: web-service, parent: {trustZone: tz-a}}
`
	m, err := export.Import([]byte(in), "merged.yaml")
	if err != nil {
		t.Fatal(err)
	}
	out, err := export.OTM(m)
	if err != nil {
		t.Fatal(err)
	}
	mustValidate(t, interopSchema(t, "otm/open-threat-model.schema.json"), out)
	types := map[string]string{}
	for _, z := range arr(interopTree(t, out), "trustZones") {
		types[str(z, "id")] = str(z, "type")
		if _, ok := obj(z)["<<"]; ok {
			t.Errorf("zone %s keeps the merge key as a member", str(z, "id"))
		}
	}
	if types["tz-a"] != "network" || types["tz-b"] != "internet" {
		t.Errorf("zone types %v, want tz-a network (merged) and tz-b internet (its own)", types)
	}
	bad := "otmVersion: 0.2.0\nproject: {name: x, id: x}\ntrustZones:\n  - <<: 3\n    id: a\n"
	if _, err := export.Import([]byte(bad), "bad.yaml"); err == nil || !strings.Contains(err.Error(), "merge key") {
		t.Errorf("a merge key of a number: %v", err)
	}
}

// Errors in YAML files say YAML, and formats threatdeck does not read are named.
func TestImportMessagesNameTheFormat(t *testing.T) {
	for _, tc := range []struct{ name, data, format, want string }{
		{"broken OTM YAML", "otmVersion: 0.2.0\nproject: [unclosed\n", "", "is not valid YAML"},
		{"forced OTM YAML without otmVersion line", "  otmVersion: \"0.2.0\"\n  project: [x\n", "otm", "is not valid YAML"},
		{"other YAML", "title: hello\nitems: [1, 2]\n", "", "a YAML file, but not an Open Threat Model"},
		{"CycloneDX", `{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": []}`, "", "CycloneDX"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, _ := export.ParseFormat(tc.format)
			if tc.format == "" {
				f = ""
			}
			_, err := export.ImportAs([]byte(tc.data), "f", f)
			if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "not valid JSON") {
				t.Errorf("error %v, want %q and no \"not valid JSON\"", err, tc.want)
			}
		})
	}
}
