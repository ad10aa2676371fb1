package export_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/threatdeck/threatdeck/export"
)

// TestOTMCorpusRoundTrip imports an OTM file with two trust zones of one
// name, a mitigation required on one component and implemented on
// another, a mitigation no threat uses, a dataflow to an undefined
// component and a component linked to an undefined threat; the export
// keeps every one of them and validates.
func TestOTMCorpusRoundTrip(t *testing.T) {
	m, err := export.Import(corpusFile(t, "otm-features.otm.json"), "otm-features.otm.json")
	if err != nil {
		t.Fatal(err)
	}
	var warnings []string
	for _, p := range m.Parking {
		warnings = append(warnings, p.Text)
	}
	for _, want := range []string{`threat "t-ghost"`, `destination "legacy-api"`} {
		if !slices.ContainsFunc(warnings, func(w string) bool { return strings.Contains(w, want) }) {
			t.Errorf("no warning about %s in the parking lot: %q", want, warnings)
		}
	}
	out, err := export.OTM(m)
	if err != nil {
		t.Fatal(err)
	}
	mustValidate(t, interopSchema(t, "otm/open-threat-model.schema.json"), out)
	tree := interopTree(t, out)

	zones := map[string]map[string]any{}
	for _, z := range arr(tree, "trustZones") {
		zones[str(z, "id")] = obj(z)
	}
	for id, typ := range map[string]string{"tz-eu-private": "network", "tz-us-private": "network", "tz-internet": "internet"} {
		if zones[id] == nil || str(zones[id], "type") != typ {
			t.Errorf("trust zone %s: %v, want type %q", id, zones[id], typ)
		}
	}
	components := map[string]any{}
	for _, c := range arr(tree, "components") {
		components[str(c, "id")] = c
	}
	for id, zone := range map[string]string{"web-eu": "tz-eu-private", "web-us": "tz-us-private", "browser": "tz-internet"} {
		if got := str(obj(components[id], "parent"), "trustZone"); got != zone {
			t.Errorf("%s is in %q, want %q", id, got, zone)
		}
	}
	states := map[string]string{}
	for id, c := range components {
		for _, in := range arr(c, "threats") {
			for _, mu := range arr(in, "mitigations") {
				states[id+"/"+str(mu, "mitigation")] = str(mu, "state")
			}
		}
	}
	if states["web-eu/m-validate"] != "required" || states["web-us/m-validate"] != "implemented" {
		t.Errorf("per-occurrence states %v, want required on web-eu and implemented on web-us", states)
	}
	var mitigations []string
	for _, mo := range arr(tree, "mitigations") {
		mitigations = append(mitigations, str(mo, "id"))
	}
	if !slices.Contains(mitigations, "m-waf") || !slices.Contains(mitigations, "m-validate") {
		t.Errorf("mitigations %v, want m-validate and the unlinked m-waf", mitigations)
	}
	flows := map[string]any{}
	for _, f := range arr(tree, "dataflows") {
		flows[str(f, "id")] = f
	}
	if f := flows["f-loose"]; f == nil || str(f, "destination") != "legacy-api" || str(f, "source") != "web-us" {
		t.Errorf("the dataflow to an undefined component is %v, want it as it was", f)
	}
	if _, ok := components["f-loose"]; ok {
		t.Error("the dataflow became a component")
	}
}
