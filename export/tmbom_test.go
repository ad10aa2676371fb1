package export_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/threatdeck/threatdeck/export"
	"github.com/threatdeck/threatdeck/model"
)

// tmbomCounts counts, from the raw file: trust zones, trust boundaries,
// actors, components, data stores and data flows are elements; threats
// are threats; each control is a mitigation of every known threat it
// addresses; a control addressing none is a custom control.
func tmbomCounts(tree any) (elements, threats, mitigations, controls int) {
	for _, list := range []string{"trust_zones", "trust_boundaries", "actors", "components", "data_stores", "data_flows"} {
		elements += len(arr(tree, list))
	}
	known := map[string]bool{}
	for _, t := range arr(tree, "threats") {
		known[str(t, "symbolic_name")] = true
	}
	threats = len(known)
	for _, c := range arr(tree, "controls") {
		seen := map[string]bool{}
		for _, t := range arr(c, "threats") {
			if s, _ := t.(string); known[s] && !seen[s] {
				seen[s] = true
				mitigations++
			}
		}
		if len(seen) == 0 {
			controls++
		}
	}
	return
}

func TestTMBOMSampleImport(t *testing.T) {
	const name = "tm-bom/huskyai.tmbom.json"
	data := interopFile(t, name)
	tree := interopTree(t, data)
	m, err := export.Import(data, name)
	if err != nil {
		t.Fatal(err)
	}
	elements, threats, mitigations, controls := tmbomCounts(tree)
	if len(m.Surface) != elements || len(m.Threats) != threats || countMitigations(m) != mitigations {
		t.Errorf("got %d elements, %d threats, %d mitigations; the file holds %d, %d, %d",
			len(m.Surface), len(m.Threats), countMitigations(m), elements, threats, mitigations)
	}
	custom := 0
	for _, c := range m.Checklist(model.ListControls) {
		if c.Group == "TM-BOM controls" {
			custom++
		}
	}
	if custom != controls {
		t.Errorf("%d custom controls, want %d", custom, controls)
	}
	if len(m.Assets) != len(arr(tree, "data_sets")) || len(m.Actors) != len(arr(tree, "threat_personas")) {
		t.Errorf("%d assets, %d actors", len(m.Assets), len(m.Actors))
	}
	if m.Overview.Title != "Husky AI" || !strings.Contains(m.Overview.Scope, "Assumptions:\n- All services within the trust boundary validate tokens via Auth Service (confirmed)") {
		t.Errorf("overview %q / scope %q", m.Overview.Title, m.Overview.Scope)
	}
	// Data flows reference data stores as components now and then; every
	// flow must still find both ends.
	for _, e := range m.Surface {
		if e.Kind == model.KindDataFlow && (e.Source == "" || e.Target == "") {
			t.Errorf("flow %s %q lost an end: %q → %q", e.ID, e.Name, e.Source, e.Target)
		}
	}
	// Risks set ratings: the SSH threats are "possible" × "severe".
	for _, th := range m.Threats {
		if th.Methodology != "TM-BOM" || th.Category == "" {
			t.Errorf("threat %s %s/%q", th.ID, th.Methodology, th.Category)
		}
		if strings.HasPrefix(th.Title, "SSH compromise") && (th.Likelihood != 3 || th.Impact != 5) {
			t.Errorf("%s rated %d×%d, want 3×5", th.Title, th.Likelihood, th.Impact)
		}
		if len(th.Actors) != 1 {
			t.Errorf("threat %s has actors %v, want its persona", th.ID, th.Actors)
		}
	}
	// Control status maps to mitigation status.
	for _, th := range m.Threats {
		for _, mt := range th.Mitigations {
			if strings.HasPrefix(mt.Description, "Ensure appropriate access control and authorization for any Azure Blob storage") && mt.Status != model.MitigationImplemented {
				t.Errorf("active control imported as %s", mt.Status)
			}
		}
	}
	zones := map[string]bool{}
	for _, e := range m.Surface {
		zones[e.TrustZone] = true
	}
	if !zones["Production Trust Zone"] || !zones["Experimental Trust Zone"] {
		t.Errorf("trust zones %v", zones)
	}
	// The threatdeck model exports everywhere else.
	mustValidate(t, interopSchema(t, "otm/open-threat-model.schema.json"), must(export.OTM(m)))
	mustValidate(t, interopSchema(t, "threat-dragon/threat-dragon-v2.schema.json"), must(export.ThreatDragon(m)))
}

func must(data []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return data
}

func TestTMBOMMapping(t *testing.T) {
	data := `{"version": "1.0", "scope": {"title": "S", "description": "scope"},
	 "trust_zones": [{"symbolic_name": "z", "title": "Zone", "description": ""}],
	 "trust_boundaries": [], "actors": [], "data_sets": [
	  {"symbolic_name": "d1", "title": "Cards", "description": "", "placements": [], "data_sensitivity": ["biz", "pci"]},
	  {"symbolic_name": "d2", "title": "Docs", "description": "", "placements": [], "data_sensitivity": ["ip"]}],
	 "components": [{"symbolic_name": "child", "title": "Child", "description": "", "parent_component": "parent"},
	                {"symbolic_name": "parent", "title": "Parent", "description": "", "trust_zone": "z"},
	                {"symbolic_name": "loop", "title": "Loop", "description": "", "parent_component": "loop"}],
	 "data_stores": [], "data_flows": [],
	 "threat_personas": [{"symbolic_name": "p", "title": "Pat", "description": "", "is_person": true, "skill_level": "insider", "access_level": "admin", "malicious_intent": false, "applicability_to_org": "maximal"}],
	 "threats": [{"symbolic_name": "t", "title": "T", "description": "", "threat_persona": "p", "event": "", "sources": [], "components_affected": ["child"]}],
	 "controls": [{"symbolic_name": "c", "title": "Orphan control", "description": "", "threats": ["nope"], "status": "wont_do", "priority": "low"}]}`
	m, err := export.ImportForeign([]byte(data), "m.tmbom.json", "", interopNow)
	if err != nil {
		t.Fatal(err)
	}
	if m.Assets[0].Sensitivity != model.Restricted || m.Assets[1].Sensitivity != model.Confidential {
		t.Errorf("sensitivities %s %s", m.Assets[0].Sensitivity, m.Assets[1].Sensitivity)
	}
	a := m.Actors[0]
	if a.Kind != model.Insider || a.Capability != model.Medium || a.Risk != model.High || !strings.HasPrefix(a.Motivation, "Not malicious") {
		t.Errorf("actor %+v", a)
	}
	child, _ := m.Element("SE-002")
	if child.Name != "Child" || child.TrustZone != "Zone" {
		t.Errorf("child component %+v, want it in its parent's zone", child)
	}
	th := m.Threats[0]
	if th.Category != "Unclassified" || !slices.Equal(th.Surface, []string{"SE-002"}) || th.Likelihood != 3 {
		t.Errorf("threat %+v", th)
	}
	c, ok := m.Check("C-001")
	if !ok || c.Title != "Orphan control" || c.State != model.StateNA || c.List != model.ListControls {
		t.Errorf("unlinked control %+v", c)
	}
}
