package export_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/threatdeck/threatdeck/export"
	"github.com/threatdeck/threatdeck/model"
)

var tdSamples = []string{
	"threat-dragon/v2-threat-model.json",
	"threat-dragon/three-tier-web-app.json",
	"threat-dragon/v2-new-model.json",
}

// tdCounts counts, from the raw file, what an import must produce: every
// cell but free-text blocks is an element; their threats are threats; a
// threat with mitigation text has one mitigation.
func tdCounts(t *testing.T, tree any) (elements, threats, mitigations int) {
	t.Helper()
	for _, d := range arr(tree, "detail", "diagrams") {
		for _, c := range arr(d, "cells") {
			if str(obj(c, "data"), "type") == "tm.Text" || str(c, "shape") == "td-text-block" {
				continue
			}
			elements++
			for _, th := range arr(c, "data", "threats") {
				threats++
				if strings.TrimSpace(str(th, "mitigation")) != "" {
					mitigations++
				}
			}
		}
	}
	return
}

func countMitigations(m *model.Model) int {
	n := 0
	for _, t := range m.Threats {
		n += len(t.Mitigations)
	}
	return n
}

// tdExt reads the Threat Dragon data an import keeps with the model.
type tdExt struct {
	Cells map[string]struct {
		Diagram int
		Cell    string
	} `json:"cells"`
	Threats map[string]struct {
		Diagram int
		Cell    string
	} `json:"threats"`
}

func readTDExt(t *testing.T, m *model.Model) tdExt {
	t.Helper()
	var x tdExt
	if err := json.Unmarshal(m.Extensions[export.ToolThreatDragon], &x); err != nil {
		t.Fatalf("threat-dragon extension: %v", err)
	}
	return x
}

func TestThreatDragonSamplesImport(t *testing.T) {
	for _, name := range tdSamples {
		t.Run(name, func(t *testing.T) {
			data := interopFile(t, name)
			tree := interopTree(t, data)
			m, err := export.Import(data, name)
			if err != nil {
				t.Fatal(err)
			}
			elements, threats, mitigations := tdCounts(t, tree)
			if len(m.Surface) != elements || len(m.Threats) != threats || countMitigations(m) != mitigations {
				t.Errorf("got %d elements, %d threats, %d mitigations; the file holds %d, %d, %d",
					len(m.Surface), len(m.Threats), countMitigations(m), elements, threats, mitigations)
			}
			if want := model.CleanLine(str(obj(tree, "summary"), "title")); m.Overview.Title != want {
				t.Errorf("title %q, want %q", m.Overview.Title, want)
			}
			if want := str(obj(tree, "summary"), "owner"); m.Overview.Owner != want {
				t.Errorf("owner %q, want %q", m.Overview.Owner, want)
			}
			if want := str(obj(tree, "summary"), "description"); m.Overview.Summary != want {
				t.Errorf("summary %q, want %q", m.Overview.Summary, want)
			}
			var people []string
			for _, c := range arr(tree, "detail", "contributors") {
				people = append(people, str(c, "name"))
			}
			if r := str(obj(tree, "detail"), "reviewer"); r != "" {
				people = append(people, r+" (reviewer)")
			}
			if !slices.Equal(m.Overview.Participants, people) && len(people)+len(m.Overview.Participants) > 0 {
				t.Errorf("participants %q, want %q", m.Overview.Participants, people)
			}

			// Every element knows its cell; flows end where the file says;
			// every threat sits on its cell's element.
			x := readTDExt(t, m)
			elementOf := map[string]string{}
			for eid, ref := range x.Cells {
				elementOf[fmt.Sprint(ref.Diagram, "/", ref.Cell)] = eid
			}
			for di, d := range arr(tree, "detail", "diagrams") {
				for _, c := range arr(d, "cells") {
					key := fmt.Sprint(di, "/", str(c, "id"))
					eid, ok := elementOf[key]
					if str(obj(c, "data"), "type") == "tm.Text" {
						if ok {
							t.Errorf("text block %s became element %s", key, eid)
						}
						continue
					}
					e, found := m.Element(eid)
					if !ok || !found {
						t.Errorf("cell %s has no element", key)
						continue
					}
					if src := str(obj(c, "source"), "cell"); src != "" && e.Source != elementOf[fmt.Sprint(di, "/", src)] {
						t.Errorf("flow %s source %q, want element of cell %s", e.ID, e.Source, src)
					}
					if tgt := str(obj(c, "target"), "cell"); tgt != "" && e.Target != elementOf[fmt.Sprint(di, "/", tgt)] {
						t.Errorf("flow %s target %q, want element of cell %s", e.ID, e.Target, tgt)
					}
					for _, th := range arr(c, "data", "threats") {
						tm := findThreat(m, str(th, "title"), eid)
						if tm == nil {
							t.Errorf("threat %q of cell %s not imported onto %s", str(th, "title"), key, eid)
						}
					}
				}
			}
			if _, err := export.JSON(m); err != nil {
				t.Errorf("imported model does not export as threatdeck JSON: %v", err)
			}
		})
	}
}

func findThreat(m *model.Model, title, element string) *model.Threat {
	for i, t := range m.Threats {
		if t.Title == model.CleanLine(title) && slices.Contains(t.Surface, element) {
			return &m.Threats[i]
		}
	}
	return nil
}

// tdFile builds a small Threat Dragon model around the given cells.
func tdFile(cells ...string) []byte {
	return []byte(`{"version": "2.3.0",
 "summary": {"title": "Mapping", "owner": "Ana", "description": "A <b>model</b> with *markdown*", "id": 0},
 "detail": {"contributors": [{"name": "Bo"}, {"name": " "}], "reviewer": "Cy", "diagramTop": 1, "threatTop": 9,
  "diagrams": [{"id": 0, "title": "D", "diagramType": "STRIDE", "thumbnail": "x", "version": "2.3.0",
   "cells": [` + strings.Join(cells, ",") + `]}]}}`)
}

func tdThreat(title, typ, modelType, status, severity, mitigation string) string {
	return fmt.Sprintf(`{"id": "id-%s", "title": %q, "type": %q, "modelType": %q, "status": %q, "severity": %q, "mitigation": %q, "description": "d", "score": "4.2", "number": 3}`,
		strings.ReplaceAll(title, " ", "-"), title, typ, modelType, status, severity, mitigation)
}

func TestThreatDragonMapping(t *testing.T) {
	threats := []string{
		tdThreat("stride eop", "Elevation of privilege", "STRIDE", "Open", "Critical", "least privilege"),
		tdThreat("linddun", "Linkability", "LINDDUN", "Mitigated", "High", "pseudonyms"),
		tdThreat("cia", "Confidentiality", "CIA", "NotApplicable", "Low", ""),
		tdThreat("unknown type", "Weird", "STRIDE", "Accepted", "TBD", ""),
		tdThreat("no model type", "Tampering", "", "Transferred", "", ""),
		tdThreat("plot4ai", "Safety", "PLOT4ai", "Open", "Medium", ""),
	}
	data := tdFile(
		`{"id": "box", "shape": "trust-boundary-box", "zIndex": -1, "position": {"x": 0, "y": 0}, "size": {"width": 500, "height": 500}, "attrs": {"label": {"text": "DMZ"}}, "data": {"type": "tm.BoundaryBox", "isTrustBoundary": true, "hasOpenThreats": false}}`,
		`{"id": "pp", "shape": "process", "zIndex": 1, "position": {"x": 100, "y": 100}, "size": {"width": 100, "height": 100}, "data": {"type": "tm.Process", "name": "Web\nApp", "hasOpenThreats": true, "threats": [`+strings.Join(threats, ",")+`]}}`,
		`{"id": "ss", "shape": "store", "zIndex": 2, "position": {"x": 900, "y": 100}, "size": {"width": 160, "height": 80}, "data": {"type": "tm.Store", "name": "DB", "hasOpenThreats": false}}`,
		`{"id": "aa", "shape": "actor", "zIndex": 3, "data": {"type": "tm.Actor", "name": "User", "hasOpenThreats": false}}`,
		`{"id": "ff", "shape": "flow", "zIndex": 10, "source": {"cell": "pp"}, "target": {"cell": "ss"}, "data": {"type": "tm.Flow", "name": "", "hasOpenThreats": false}}`,
		`{"id": "cc", "shape": "trust-boundary-curve", "zIndex": 10, "source": {"x": 1, "y": 2}, "target": {"x": 3, "y": 4}, "data": {"type": "tm.Boundary", "name": "", "hasOpenThreats": false}}`,
		`{"id": "tt", "shape": "td-text-block", "zIndex": 4, "data": {"type": "tm.Text", "name": "note", "hasOpenThreats": false}}`,
	)
	m, err := export.ImportForeign(data, "mapping.json", "", interopNow)
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Overview.Participants; !slices.Equal(got, []string{"Bo", "Cy (reviewer)"}) {
		t.Errorf("participants %q", got)
	}
	if m.Overview.Summary != "A <b>model</b> with *markdown*" {
		t.Errorf("HTML/Markdown must be kept as text, got %q", m.Overview.Summary)
	}
	wantElements := []struct {
		name, zone     string
		kind           model.ElementKind
		source, target string
	}{
		{"DMZ", "", model.KindTrustBoundary, "", ""},
		{"Web App", "DMZ", model.KindProcess, "", ""},
		{"DB", "", model.KindDataStore, "", ""},
		{"User", "", model.KindExternalEntity, "", ""},
		{"Web App → DB", "", model.KindDataFlow, "SE-002", "SE-003"},
		{"Trust boundary 2", "", model.KindTrustBoundary, "", ""},
	}
	if len(m.Surface) != len(wantElements) {
		t.Fatalf("%d elements, want %d: %+v", len(m.Surface), len(wantElements), m.Surface)
	}
	for i, w := range wantElements {
		e := m.Surface[i]
		if e.Name != w.name || e.TrustZone != w.zone || e.Kind != w.kind || e.Source != w.source || e.Target != w.target {
			t.Errorf("element %d = %+v, want %+v", i, e, w)
		}
	}
	wantThreats := []struct {
		title       string
		methodology string
		category    model.Stride
		status      model.ThreatStatus
		band        model.RiskBand
		mitigation  model.MitigationStatus
	}{
		{"stride eop", "", model.ElevationOfPrivilege, model.StatusOpen, model.RiskCritical, model.MitigationPlanned},
		{"linddun", "LINDDUN", "Linkability", model.StatusMitigated, model.RiskHigh, model.MitigationImplemented},
		{"cia", "CIA", "Confidentiality", model.StatusNotApplicable, model.RiskLow, ""},
		{"unknown type", "Threat Dragon", "Weird", model.StatusAccepted, model.RiskMedium, ""},
		{"no model type", "", model.Tampering, model.StatusTransferred, model.RiskMedium, ""},
		{"plot4ai", "PLOT4ai", "Safety", model.StatusOpen, model.RiskMedium, ""},
	}
	if len(m.Threats) != len(wantThreats) {
		t.Fatalf("%d threats, want %d", len(m.Threats), len(wantThreats))
	}
	for i, w := range wantThreats {
		th := m.Threats[i]
		if th.Title != w.title || th.Methodology != w.methodology || th.Category != w.category || th.Status != w.status || th.Band() != w.band {
			t.Errorf("threat %d = %s %q %s/%s %s %s, want %+v", i, th.ID, th.Title, th.Methodology, th.Category, th.Status, th.Band(), w)
		}
		if !slices.Equal(th.Surface, []string{"SE-002"}) {
			t.Errorf("threat %s on %v, want the process", th.ID, th.Surface)
		}
		switch {
		case w.mitigation == "" && len(th.Mitigations) != 0:
			t.Errorf("threat %s has mitigations %+v, want none", th.ID, th.Mitigations)
		case w.mitigation != "" && (len(th.Mitigations) != 1 || th.Mitigations[0].Status != w.mitigation):
			t.Errorf("threat %s mitigations %+v, want one %s", th.ID, th.Mitigations, w.mitigation)
		}
	}

	// What has no home in threatdeck comes back on export: ids, score,
	// number, the original wording of status, severity and type.
	out, err := export.ThreatDragon(m)
	if err != nil {
		t.Fatal(err)
	}
	mustValidate(t, interopSchema(t, "threat-dragon/threat-dragon-v2.schema.json"), out)
	tree := interopTree(t, out)
	cells := arr(tree, "detail", "diagrams")[0].(map[string]any)["cells"].([]any)
	var got []string
	for _, th := range arr(cells[1], "data", "threats") {
		o := th.(map[string]any)
		got = append(got, fmt.Sprintf("%s %v %v %s %s %s %s", o["id"], o["score"], o["number"], o["status"], o["severity"], o["type"], o["modelType"]))
	}
	want := []string{
		"id-stride-eop 4.2 3 Open Critical Elevation of privilege STRIDE",
		"id-linddun 4.2 3 Mitigated High Linkability LINDDUN",
		"id-cia 4.2 3 NotApplicable Low Confidentiality CIA",
		"id-unknown-type 4.2 3 Accepted TBD Weird STRIDE",
		"id-no-model-type 4.2 3 Transferred Medium Tampering STRIDE", // blanks filled in
		"id-plot4ai 4.2 3 Open Medium Safety PLOT4ai",
	}
	if !slices.Equal(got, want) {
		t.Errorf("exported threats:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if name := str(obj(cells[1], "data"), "name"); name != "Web\nApp" {
		t.Errorf("unchanged name lost its original form: %q", name)
	}
	if name := str(obj(cells[4], "data"), "name"); name != "" {
		t.Errorf("a name threatdeck made up was written back: %q", name)
	}
}

// TestThreatDragonRoundTrip: Threat Dragon → threatdeck → Threat Dragon
// gives back the same document: every cell and threat id, geometry, style
// and text.
func TestThreatDragonRoundTrip(t *testing.T) {
	schema := interopSchema(t, "threat-dragon/threat-dragon-v2.schema.json")
	for _, name := range tdSamples {
		t.Run(name, func(t *testing.T) {
			data := interopFile(t, name)
			mustValidate(t, schema, data) // the nullable reading of the schema accepts Threat Dragon's own files
			m, err := export.Import(data, name)
			if err != nil {
				t.Fatal(err)
			}
			out, err := export.ThreatDragon(m)
			if err != nil {
				t.Fatal(err)
			}
			mustValidate(t, schema, out)
			before, after := interopTree(t, data), interopTree(t, out)
			if !reflect.DeepEqual(tdIDs(before), tdIDs(after)) {
				t.Errorf("cell/threat ids or geometry changed:\nbefore %v\nafter  %v", tdIDs(before), tdIDs(after))
			}
			if !reflect.DeepEqual(before, after) {
				b, _ := json.MarshalIndent(before, "", " ")
				a, _ := json.MarshalIndent(after, "", " ")
				t.Errorf("round trip changed the document:\n%s", firstDiff(string(b), string(a)))
			}
			// And through threatdeck's own JSON, as a workbook stores it.
			js, err := export.JSON(m)
			if err != nil {
				t.Fatal(err)
			}
			m2, err := export.ParseJSON(js)
			if err != nil {
				t.Fatal(err)
			}
			out2, err := export.ThreatDragon(m2)
			if err != nil {
				t.Fatal(err)
			}
			if string(out2) != string(out) {
				t.Errorf("export differs after a threatdeck JSON round trip:\n%s", firstDiff(string(out), string(out2)))
			}
		})
	}
}

// tdIDs lists every cell id with its geometry and every threat id.
func tdIDs(tree any) []string {
	var out []string
	for di, d := range arr(tree, "detail", "diagrams") {
		for _, c := range arr(d, "cells") {
			geo, _ := json.Marshal([]any{obj(c, "position"), obj(c, "size"), arr(c, "vertices"), obj(c, "source"), obj(c, "target")})
			out = append(out, fmt.Sprintf("%d cell %s %s", di, str(c, "id"), geo))
			for _, th := range arr(c, "data", "threats") {
				out = append(out, fmt.Sprintf("%d threat %s on %s", di, str(th, "id"), str(c, "id")))
			}
		}
	}
	return out
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			lo := max(0, i-3)
			return fmt.Sprintf("line %d:\n- %s\n+ %s", i+1, strings.Join(al[lo:i+1], "\n- "), strings.Join(bl[lo:min(len(bl), i+1)], "\n+ "))
		}
	}
	return fmt.Sprintf("lengths differ: %d vs %d lines", len(al), len(bl))
}

var uuidLike = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// TestThreatDragonExportAfterEdits: work done in threatdeck shows up in
// Threat Dragon, and everything else stays where it was.
func TestThreatDragonExportAfterEdits(t *testing.T) {
	data := interopFile(t, "threat-dragon/v2-threat-model.json")
	m, err := export.Import(data, "demo.json")
	if err != nil {
		t.Fatal(err)
	}
	x := readTDExt(t, m)
	cellOf := func(eid string) string { return x.Cells[eid].Cell }
	mustChange := func(ch model.Change, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}

	// Edit a threat: new title, mitigated, a second mitigation.
	th, _ := m.Threat("T-001")
	th.Title = "Accessing DB credentials (edited)"
	th.Status = model.StatusMitigated
	th.Mitigations = append(th.Mitigations, model.Mitigation{Description: "Rotate credentials monthly", Status: model.MitigationImplemented})
	mustChange(m.PutThreat(th, interopNow))
	// Delete the browser (an actor with flows to and from it).
	var browser model.SurfaceElement
	for _, e := range m.Surface {
		if e.Name == "Browser" {
			browser = e
		}
	}
	mustChange(m.DeleteElement(browser.ID, interopNow))
	// Add an element, a flow to it, a threat on it, and a threat on nothing.
	mustChange(m.PutElement(model.SurfaceElement{Name: "Payment API", Kind: model.KindThirdParty, TrustZone: "Partners"}, interopNow))
	api := m.Surface[len(m.Surface)-1].ID
	mustChange(m.PutElement(model.SurfaceElement{Name: "Charge", Kind: model.KindDataFlow, Source: "SE-006", Target: api}, interopNow))
	mustChange(m.PutThreat(model.Threat{Title: "Card data leaks", Category: model.InformationDisclosure, Likelihood: 4, Impact: 5, Surface: []string{api}}, interopNow))
	newThreat := m.Threats[len(m.Threats)-1].ID
	mustChange(m.PutThreat(model.Threat{Title: "Insider sells data", Category: model.InformationDisclosure}, interopNow))
	orphan := m.Threats[len(m.Threats)-1].ID

	out, err := export.ThreatDragon(m)
	if err != nil {
		t.Fatal(err)
	}
	mustValidate(t, interopSchema(t, "threat-dragon/threat-dragon-v2.schema.json"), out)
	before, after := interopTree(t, data), interopTree(t, out)

	cells := map[string]map[string]any{}
	threats := map[string]map[string]any{}
	threatCell := map[string]string{}
	for _, c := range arr(after, "detail", "diagrams")[0].(map[string]any)["cells"].([]any) {
		cell := c.(map[string]any)
		cells[str(cell, "id")] = cell
		for _, th := range arr(cell, "data", "threats") {
			threats[str(th, "id")] = th.(map[string]any)
			threatCell[str(th, "id")] = str(cell, "id")
		}
	}
	// Every original cell is there with its geometry, except the deleted one.
	for _, c := range arr(before, "detail", "diagrams")[0].(map[string]any)["cells"].([]any) {
		id := str(c, "id")
		got, ok := cells[id]
		if id == cellOf(browser.ID) {
			if ok {
				t.Errorf("deleted element's cell %s still exported", id)
			}
			continue
		}
		if !ok {
			t.Errorf("cell %s lost", id)
			continue
		}
		if !reflect.DeepEqual(obj(c, "position"), obj(got, "position")) || !reflect.DeepEqual(arr(c, "vertices"), arr(got, "vertices")) {
			t.Errorf("cell %s moved", id)
		}
		// No flow may point at the deleted cell.
		for _, end := range []string{"source", "target"} {
			if str(obj(got, end), "cell") == cellOf(browser.ID) {
				t.Errorf("flow %s still ends at the deleted cell", id)
			}
		}
	}
	// Every original threat id survives (threats outlive a deleted element).
	for _, c := range arr(before, "detail", "diagrams")[0].(map[string]any)["cells"].([]any) {
		for _, th := range arr(c, "data", "threats") {
			if _, ok := threats[str(th, "id")]; !ok {
				t.Errorf("threat %s lost", str(th, "id"))
			}
		}
	}
	// The edited threat carries its new state, on its original cell.
	var edited map[string]any
	for id, th := range threats {
		if th["title"] == "Accessing DB credentials (edited)" {
			edited = th
			if threatCell[id] != cellOf("SE-001") {
				t.Errorf("edited threat moved to cell %s", threatCell[id])
			}
		}
	}
	if edited == nil || edited["status"] != "Mitigated" || !strings.Contains(edited["mitigation"].(string), "Rotate credentials monthly") {
		t.Errorf("edited threat exported as %v", edited)
	}
	// New things get UUID-shaped ids, and the new threat a fresh number.
	var newT, orphanT map[string]any
	for id, th := range threats {
		switch th["title"] {
		case "Card data leaks":
			newT = th
			if !uuidLike.MatchString(id) {
				t.Errorf("new threat id %q is not a UUID", id)
			}
		case "Insider sells data":
			orphanT = th
		}
	}
	if newT == nil || orphanT == nil {
		t.Fatalf("new threats missing: %v / %v (%s, %s)", newT, orphanT, newThreat, orphan)
	}
	if n, _ := newT["number"].(json.Number).Int64(); n <= 0 {
		t.Errorf("new threat number %v", newT["number"])
	}
	if newT["severity"] != "Critical" || newT["type"] != "Information disclosure" || newT["modelType"] != "STRIDE" {
		t.Errorf("new threat %v", newT)
	}
	// Importing the export again gives the edited model's shape.
	m2, err := export.Import(out, "edited.json")
	if err != nil {
		t.Fatal(err)
	}
	// +1: the cell holding threats linked to no element becomes an element.
	if len(m2.Surface) != len(m.Surface)+1 || len(m2.Threats) != len(m.Threats) {
		t.Errorf("re-import: %d elements, %d threats; want %d, %d", len(m2.Surface), len(m2.Threats), len(m.Surface)+1, len(m.Threats))
	}
	for _, e := range m2.Surface {
		if e.Name == "Payment API" && (e.Kind != model.KindThirdParty || e.TrustZone != "") {
			t.Errorf("new element re-imported as %+v (kind kept via threatdeckKind)", e)
		}
	}
}

// TestThreatDragonNativeExport draws a model that never saw Threat Dragon.
func TestThreatDragonNativeExport(t *testing.T) {
	m := model.Example(interopNow)
	out, err := export.ThreatDragon(m)
	if err != nil {
		t.Fatal(err)
	}
	mustValidate(t, interopSchema(t, "threat-dragon/threat-dragon-v2.schema.json"), out)
	again, err := export.ThreatDragon(m)
	if err != nil || string(again) != string(out) {
		t.Errorf("export is not deterministic (err %v)", err)
	}
	m2, err := export.Import(out, "example.td.json")
	if err != nil {
		t.Fatal(err)
	}
	orphans := 0
	for _, th := range m.Threats {
		if len(th.Surface) == 0 {
			orphans = 1
		}
	}
	if len(m2.Surface) != len(m.Surface)+orphans || len(m2.Threats) != len(m.Threats) || countMitigations(m2) > countMitigations(m) {
		t.Errorf("re-import: %d elements, %d threats; want %d, %d", len(m2.Surface), len(m2.Threats), len(m.Surface)+orphans, len(m.Threats))
	}
	kinds := map[string]model.ElementKind{}
	for _, e := range m2.Surface {
		kinds[e.Name] = e.Kind
	}
	for _, e := range m.Surface {
		if kinds[e.Name] != e.Kind {
			t.Errorf("%s came back as %s, want %s", e.Name, kinds[e.Name], e.Kind)
		}
	}
	for _, th := range m.Threats {
		found := false
		for _, th2 := range m2.Threats {
			if th2.Title == th.Title && th2.Category == th.Category && th2.Status == th.Status && th2.Band() == th.Band() {
				found = true
			}
		}
		if !found {
			t.Errorf("threat %s %q did not survive the trip", th.ID, th.Title)
		}
	}
}

func TestThreatDragonImportErrors(t *testing.T) {
	deep := strings.Repeat("[", 70) + strings.Repeat("]", 70)
	tests := []struct {
		name, data, want string
	}{
		{"cell id not a string", string(tdFile(`{"id": 7, "shape": "process"}`)), "$.detail.diagrams[0].cells[0].id: want a string, got a number"},
		{"cell without id", string(tdFile(`{"shape": "process"}`)), "$.detail.diagrams[0].cells[0].id: is missing"},
		{"duplicate cell id", string(tdFile(`{"id": "x", "shape": "process"}`, `{"id": "x", "shape": "store"}`)), `cells[1].id: cell id "x" is used twice`},
		{"threats not a list", string(tdFile(`{"id": "x", "shape": "process", "data": {"type": "tm.Process", "threats": {}}}`)), "$.detail.diagrams[0].cells[0].data.threats: want an array, got an object"},
		{"severity a number", string(tdFile(`{"id": "x", "shape": "process", "data": {"threats": [{"title": "t", "severity": 3}]}}`)), "cells[0].data.threats[0].severity: want a string, got a number"},
		{"cells not a list", `{"summary": {"title": "x"}, "detail": {"diagrams": [{"cells": "no"}]}}`, "$.detail.diagrams[0].cells: want an array, got a string"},
		{"detail missing", `{"summary": {"title": "x"}, "detail": null}`, "$.detail: is missing"},
		{"too deep", `{"summary": {"title": "x"}, "detail": {"diagrams": ` + deep + `}}`, "nested more than 64 levels"},
		{"broken JSON", "{\"summary\": {\"title\": \"x\"},\n \"detail\": {\"diagrams\": [}}", "$.detail.diagrams[0]: not valid JSON at line 2, column 26"},
		{"truncated", `{"summary": {"title": "x"}, "detail": {"diagrams": [`, "truncated"},
		{"trailing data", `{"summary": {"title": "x"}, "detail": {}} {}`, "unexpected data after the JSON document"},
		{"text over the limit", string(tdFile(`{"id": "x", "shape": "process", "data": {"name": "p", "description": "` + strings.Repeat("a", model.MaxText+1) + `"}}`)), "$.detail.diagrams[0].cells[0]: description: is 64 KiB; the limit is 64 KiB"},
		{"version 1", `{"summary": {"title": "x"}, "detail": {"diagrams": [{"diagramJson": "cells"}]}}`, "$.detail.diagrams[0].diagramJson: want a Threat Dragon version 1 diagram: an object with a list of cells, got a string"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := export.ImportForeign([]byte(tc.data), "bad.json", export.FormatThreatDragon, interopNow)
			if tc.name == "version 1" {
				m, err = export.ImportForeign([]byte(tc.data), "bad.json", "", interopNow)
			}
			if err == nil || m != nil {
				t.Fatalf("imported (%v), want an error", m != nil)
			}
			if !strings.HasPrefix(err.Error(), "bad.json: ") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q\nwant it to name the file and contain %q", err, tc.want)
			}
		})
	}
}

func TestImportRefusesHugeFiles(t *testing.T) {
	data := make([]byte, export.MaxImportBytes+1)
	for _, f := range []export.Format{export.FormatThreatDragon, export.FormatOTM, export.FormatTMBOM} {
		_, err := export.ImportForeign(data, "huge.json", f, interopNow)
		if err == nil || !strings.Contains(err.Error(), "is larger than 256 MiB, the most threatdeck imports") {
			t.Errorf("%s: %v", f, err)
		}
	}
}

func TestDetectFormat(t *testing.T) {
	tests := []struct {
		file string
		want export.Format
	}{
		{"threat-dragon/v2-threat-model.json", export.FormatThreatDragon},
		{"threat-dragon/v2-new-model.json", export.FormatThreatDragon},
		{"otm/mobile-cloud.otm.json", export.FormatOTM},
		{"tm-bom/huskyai.tmbom.json", export.FormatTMBOM},
	}
	for _, tc := range tests {
		got, err := export.DetectFormat(interopFile(t, tc.file), tc.file)
		if err != nil || got != tc.want {
			t.Errorf("%s: %q, %v; want %q", tc.file, got, err, tc.want)
		}
	}
	js, err := export.JSON(model.Example(interopNow))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := export.DetectFormat(js, "x.json"); got != export.FormatThreatdeck || err != nil {
		t.Errorf("threatdeck JSON detected as %q, %v", got, err)
	}
	for _, bad := range []string{`[]`, `{"name": "x"}`, `"text"`} {
		if _, err := export.DetectFormat([]byte(bad), "odd.json"); err == nil || !strings.HasPrefix(err.Error(), "odd.json: ") {
			t.Errorf("%s: %v", bad, err)
		}
	}
	// --format forces a format: a Threat Dragon file read as OTM fails
	// with a message saying what is missing.
	_, err = export.ImportAs(interopFile(t, "threat-dragon/v2-threat-model.json"), "demo.json", export.FormatOTM)
	if err == nil || !strings.Contains(err.Error(), "demo.json: $.project: is missing") {
		t.Errorf("forced OTM: %v", err)
	}
	for in, want := range map[string]export.Format{"threatdragon": export.FormatThreatDragon, "OTM": export.FormatOTM, "tmbom": export.FormatTMBOM, "json": export.FormatThreatdeck} {
		if got, err := export.ParseFormat(in); got != want || err != nil {
			t.Errorf("ParseFormat(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := export.ParseFormat("xml"); err == nil {
		t.Error("ParseFormat accepted xml")
	}
}
