package export_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/threatdeck/threatdeck/export"
	"github.com/threatdeck/threatdeck/model"
)

// otmCounts counts, from the raw file: trust zones, components and
// dataflows are elements; top-level threats are threats; each distinct
// (threat, mitigation) link on any component or dataflow is a mitigation
// of that threat.
func otmCounts(tree any) (elements, threats, mitigations int) {
	elements = len(arr(tree, "trustZones")) + len(arr(tree, "components")) + len(arr(tree, "dataflows"))
	threats = len(arr(tree, "threats"))
	known := map[string]bool{}
	for _, m := range arr(tree, "mitigations") {
		known[str(m, "id")] = true
	}
	links := map[string]bool{}
	for _, list := range []string{"components", "dataflows"} {
		for _, c := range arr(tree, list) {
			for _, in := range arr(c, "threats") {
				for _, mu := range arr(in, "mitigations") {
					if known[str(mu, "mitigation")] {
						links[str(in, "threat")+"\x00"+str(mu, "mitigation")] = true
					}
				}
			}
		}
	}
	return elements, threats, len(links)
}

func TestOTMSampleImport(t *testing.T) {
	const name = "otm/mobile-cloud.otm.json"
	data := interopFile(t, name)
	tree := interopTree(t, data)
	m, err := export.Import(data, name)
	if err != nil {
		t.Fatal(err)
	}
	elements, threats, mitigations := otmCounts(tree)
	if len(m.Surface) != elements || len(m.Threats) != threats || countMitigations(m) != mitigations {
		t.Errorf("got %d elements, %d threats, %d mitigations; the file holds %d, %d, %d",
			len(m.Surface), len(m.Threats), countMitigations(m), elements, threats, mitigations)
	}
	if m.Overview.Title != str(obj(tree, "project"), "name") {
		t.Errorf("title %q", m.Overview.Title)
	}
	byName := map[string]model.SurfaceElement{}
	for _, e := range m.Surface {
		byName[e.Name] = e
	}
	zoneName := map[string]string{}
	for _, z := range arr(tree, "trustZones") {
		zoneName[str(z, "id")] = str(z, "name")
		if byName[str(z, "name")].Kind != model.KindTrustBoundary {
			t.Errorf("trust zone %s is %s", str(z, "name"), byName[str(z, "name")].Kind)
		}
	}
	idName := map[string]string{}
	for _, c := range arr(tree, "components") {
		idName[str(c, "id")] = str(c, "name")
		if got, want := byName[str(c, "name")].TrustZone, zoneName[str(obj(c, "parent"), "trustZone")]; got != want {
			t.Errorf("component %s in zone %q, want %q", str(c, "name"), got, want)
		}
	}
	for _, f := range arr(tree, "dataflows") {
		e := byName[str(f, "name")]
		src, _ := m.Element(e.Source)
		tgt, _ := m.Element(e.Target)
		if e.Kind != model.KindDataFlow || src.Name != idName[str(f, "source")] || tgt.Name != idName[str(f, "destination")] {
			t.Errorf("dataflow %s: %+v", str(f, "name"), e)
		}
	}
	// Each threat sits on the components that reference it, with its
	// categories and 0–100 ratings mapped.
	for i, raw := range arr(tree, "threats") {
		th := m.Threats[i]
		var on []string
		for _, c := range arr(tree, "components") {
			for _, in := range arr(c, "threats") {
				if str(in, "threat") == str(raw, "id") {
					on = append(on, str(c, "name"))
				}
			}
		}
		var got []string
		for _, id := range th.Surface {
			e, _ := m.Element(id)
			got = append(got, e.Name)
		}
		if !slices.Equal(got, on) {
			t.Errorf("threat %s on %v, want %v", str(raw, "id"), got, on)
		}
		cat, _ := arr(raw, "categories")[0].(string)
		if th.Methodology != "" || th.Category.Label() != strings.Replace(cat, "Privileges", "Privilege", 1) {
			t.Errorf("threat %s category %s/%s, want %q", str(raw, "id"), th.Methodology, th.Category, cat)
		}
		if th.Likelihood != 5 || th.Impact != 5 || th.Status != model.StatusOpen {
			t.Errorf("threat %s: likelihood %d impact %d status %s", str(raw, "id"), th.Likelihood, th.Impact, th.Status)
		}
		for _, mt := range th.Mitigations {
			if mt.Status != model.MitigationPlanned {
				t.Errorf("RECOMMENDED mitigation imported as %s", mt.Status)
			}
		}
	}
	// HTML in descriptions is kept as text.
	if !strings.Contains(m.Threats[0].Mitigations[0].Description, `<a href="https://aka.ms/tmt-th153">`) {
		t.Errorf("mitigation text changed: %q", m.Threats[0].Mitigations[0].Description)
	}
}

// TestOTMRoundTrip: OTM → threatdeck → OTM gives back the file (threatdeck
// adds an empty assets list), and the export validates.
func TestOTMRoundTrip(t *testing.T) {
	schema := interopSchema(t, "otm/open-threat-model.schema.json")
	data := interopFile(t, "otm/mobile-cloud.otm.json")
	m, err := export.Import(data, "mobile-cloud.otm.json")
	if err != nil {
		t.Fatal(err)
	}
	out, err := export.OTM(m)
	if err != nil {
		t.Fatal(err)
	}
	mustValidate(t, schema, out)
	before, after := interopTree(t, data).(map[string]any), interopTree(t, out).(map[string]any)
	if got := arr(after, "assets"); len(got) != 0 {
		t.Errorf("assets %v", got)
	}
	delete(after, "assets")
	if !reflect.DeepEqual(before, after) {
		b, _ := json.MarshalIndent(before, "", " ")
		a, _ := json.MarshalIndent(after, "", " ")
		t.Errorf("round trip changed the document:\n%s", firstDiff(string(b), string(a)))
	}

	// Edits come through in OTM's terms; kept fields stay.
	th := m.Threats[0]
	th.Status = model.StatusMitigated
	th.Likelihood = 2
	th.Mitigations[0].Status = model.MitigationImplemented
	if _, err := m.PutThreat(th, interopNow); err != nil {
		t.Fatal(err)
	}
	out, err = export.OTM(m)
	if err != nil {
		t.Fatal(err)
	}
	mustValidate(t, schema, out)
	after = interopTree(t, out).(map[string]any)
	first := arr(after, "threats")[0]
	if obj(first, "risk")["likelihood"] != json.Number("25") || obj(first, "risk")["impact"] != json.Number("100") {
		t.Errorf("risk %v, want likelihood 25 (rating 2) and the original impact", obj(first, "risk"))
	}
	inst := arr(arr(after, "components")[0], "threats")[0]
	if str(inst, "state") != "mitigated" || str(arr(inst, "mitigations")[0], "state") != "implemented" {
		t.Errorf("instance %v", inst)
	}
	if len(arr(after, "components")[0].(map[string]any)["representations"].([]any)) == 0 {
		t.Error("representations lost")
	}
}

func TestOTMRatingScale(t *testing.T) {
	tests := []struct {
		value string
		want  int
	}{{"0", 1}, {"12", 1}, {"13", 2}, {"25", 2}, {"50", 3}, {"62", 3}, {"63", 4}, {"75", 4}, {"88", 5}, {"100", 5}, {"null", 3}}
	for _, tc := range tests {
		data := fmt.Sprintf(`{"otmVersion": "0.2.0", "project": {"name": "p", "id": "p"}, "threats": [{"id": "t", "name": "T", "categories": ["Spoofing"], "risk": {"likelihood": %s, "impact": %s}}]}`, tc.value, tc.value)
		m, err := export.ImportForeign([]byte(data), "r.otm.json", "", interopNow)
		if err != nil {
			t.Fatalf("%s: %v", tc.value, err)
		}
		if th := m.Threats[0]; th.Likelihood != tc.want || th.Impact != tc.want {
			t.Errorf("%s → %d/%d, want %d", tc.value, th.Likelihood, th.Impact, tc.want)
		}
		// And back: every rating exports to a value that imports to it.
		out, err := export.OTM(m)
		if err != nil {
			t.Fatal(err)
		}
		m2, err := export.ImportForeign(out, "back.otm.json", "", interopNow)
		if err != nil || m2.Threats[0].Likelihood != tc.want {
			t.Errorf("%s: back as %v, %v", tc.value, m2.Threats[0].Likelihood, err)
		}
	}
	for _, bad := range []string{"-1", "101"} {
		data := `{"otmVersion": "0.2.0", "project": {"name": "p", "id": "p"}, "threats": [{"id": "t", "name": "T", "risk": {"likelihood": ` + bad + `, "impact": 1}}]}`
		_, err := export.ImportForeign([]byte(data), "r.otm.json", "", interopNow)
		if err == nil || !strings.Contains(err.Error(), "r.otm.json: $.threats[0].risk.likelihood: is "+bad+"; OTM ratings run from 0 to 100") {
			t.Errorf("%s: %v", bad, err)
		}
	}
}

func TestOTMCategories(t *testing.T) {
	tests := []struct {
		cats        string
		methodology string
		category    model.Stride
	}{
		{`["Elevation of Privileges"]`, "", model.ElevationOfPrivilege},
		{`["Authentication", "Spoofing"]`, "", model.Spoofing},
		{`["DoS"]`, "", model.DenialOfService},
		{`["Linkability"]`, "LINDDUN", "Linkability"},
		{`["Availability"]`, "CIA", "Availability"},
		{`["Supply chain"]`, "OTM", "Supply chain"},
		{`[]`, "OTM", "Unclassified"},
	}
	for _, tc := range tests {
		data := `{"otmVersion": "0.2.0", "project": {"name": "p", "id": "p"}, "threats": [{"id": "t", "name": "T", "categories": ` + tc.cats + `, "risk": {"likelihood": 50, "impact": 50}}]}`
		m, err := export.ImportForeign([]byte(data), "c.otm.json", "", interopNow)
		if err != nil {
			t.Fatal(err)
		}
		if th := m.Threats[0]; th.Methodology != tc.methodology || th.Category != tc.category {
			t.Errorf("%s → %q/%q, want %q/%q", tc.cats, th.Methodology, th.Category, tc.methodology, tc.category)
		}
	}
}

// TestOTMNativeExport writes a model that never saw OTM.
func TestOTMNativeExport(t *testing.T) {
	m := model.Example(interopNow)
	out, err := export.OTM(m)
	if err != nil {
		t.Fatal(err)
	}
	mustValidate(t, interopSchema(t, "otm/open-threat-model.schema.json"), out)
	m2, err := export.Import(out, "example.otm.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(m2.Threats) != len(m.Threats) || len(m2.Assets) != len(m.Assets) {
		t.Errorf("re-import: %d threats, %d assets; want %d, %d", len(m2.Threats), len(m2.Assets), len(m.Threats), len(m.Assets))
	}
	for i, th := range m.Threats {
		th2 := m2.Threats[i]
		if th2.Title != th.Title || th2.Category != th.Category || th2.Likelihood != th.Likelihood || th2.Impact != th.Impact {
			t.Errorf("threat %s came back as %+v", th.ID, th2)
		}
	}
	for i, a := range m.Assets {
		if m2.Assets[i].Sensitivity != a.Sensitivity {
			t.Errorf("asset %s sensitivity %s, want %s", a.Name, m2.Assets[i].Sensitivity, a.Sensitivity)
		}
	}
}
