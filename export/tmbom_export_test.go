package export_test

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/threatdeck/threatdeck/export"
	"github.com/threatdeck/threatdeck/model"
)

// tmbomView is what a TM-BOM round trip must keep of a model, by name
// rather than by id (ids are issued afresh on import).
func tmbomView(m *model.Model) []string {
	name := map[string]string{}
	for _, e := range m.Surface {
		name[e.ID] = e.Name
	}
	for _, a := range m.Actors {
		name[a.ID] = a.Name
	}
	names := func(ids []string) string {
		var out []string
		for _, id := range ids {
			out = append(out, name[id])
		}
		return strings.Join(out, ",")
	}
	var out []string
	for _, e := range m.Surface {
		out = append(out, fmt.Sprintf("element %q %s zone=%q %s→%s desc=%q", e.Name, e.Kind, e.TrustZone, name[e.Source], name[e.Target], e.Description))
	}
	for _, a := range m.Assets {
		out = append(out, fmt.Sprintf("asset %q %s desc=%q", a.Name, a.Sensitivity, a.Description))
	}
	for _, a := range m.Actors {
		out = append(out, fmt.Sprintf("actor %q %s %s %s %q", a.Name, a.Kind, a.Capability, a.Risk, a.Motivation))
	}
	for _, t := range m.Threats {
		var mits []string
		for _, mt := range t.Mitigations {
			mits = append(mits, mt.Description+"="+string(mt.Status))
		}
		out = append(out, fmt.Sprintf("threat %q %s/%s %d×%d surface=%s actors=%s mitigations=%q desc=%q", t.Title, t.Methodology, t.Category,
			t.Likelihood, t.Impact, names(t.Surface), names(t.Actors), mits, t.Description))
	}
	for _, c := range m.Checklist(model.ListControls) {
		if c.Group == "TM-BOM controls" {
			out = append(out, fmt.Sprintf("control %q %s", c.Title, c.State))
		}
	}
	out = append(out, "title "+m.Overview.Title, "summary "+m.Overview.Summary, "scope "+m.Overview.Scope)
	return out
}

// TM-BOM import, export and import again gives the same model; the
// export validates against the TM-BOM schema, and a second export is the
// same document.
func TestTMBOMExportRoundTrip(t *testing.T) {
	schema := tmbomSchema(t)
	const name = "tm-bom/huskyai.tmbom.json"
	first, err := export.Import(interopFile(t, name), name)
	if err != nil {
		t.Fatal(err)
	}
	out, err := export.TMBOM(first)
	if err != nil {
		t.Fatal(err)
	}
	mustValidate(t, schema, out)
	second, err := export.Import(out, "again.tmbom.json")
	if err != nil {
		t.Fatalf("TM-BOM import rejects the export: %v", err)
	}
	a, b := tmbomView(first), tmbomView(second)
	if !slices.Equal(a, b) {
		for i := range max(len(a), len(b)) {
			var x, y string
			if i < len(a) {
				x = a[i]
			}
			if i < len(b) {
				y = b[i]
			}
			if x != y {
				t.Errorf("round trip changed\n  %s\nto\n  %s", x, y)
			}
		}
	}
	again, err := export.TMBOM(second)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, again) {
		t.Error("exporting the re-imported model gives another document")
	}
	if r, ok := export.Renderer("tm-bom"); !ok || r == nil {
		t.Error(`export.Renderer("tm-bom") is not registered`)
	}
}

// A model made in threatdeck exports valid TM-BOM, and import reads its
// threats, ratings, mitigations, assets and actors back; trust-zone names
// come back as trust-zone elements of their own.
func TestTMBOMExportNativeModels(t *testing.T) {
	schema := tmbomSchema(t)
	hostile := &model.Model{Overview: model.Overview{Title: "<b>x</b> | \"q\""}}
	for i, s := range []string{"", "---", "Ünïcödé", "a/b", "ALL CAPS", "ALL CAPS", "\x1b[31m"} {
		id := model.FormatID(model.PrefixSurface, i+1)
		hostile.Surface = append(hostile.Surface, model.SurfaceElement{ID: id, Name: s, Kind: model.ElementKinds[i%len(model.ElementKinds)], TrustZone: s})
		hostile.Threats = append(hostile.Threats, model.Threat{ID: model.FormatID(model.PrefixThreat, i+1), Title: s, Surface: []string{id},
			Likelihood: i % 7, Impact: 9 - i, Mitigations: []model.Mitigation{{ID: "M-" + id, Description: s}}})
	}
	hostile.Normalize()
	for name, m := range map[string]*model.Model{"example": model.Example(model.ExampleDate), "hostile": hostile} {
		t.Run(name, func(t *testing.T) {
			out, err := export.TMBOM(m)
			if err != nil {
				t.Fatal(err)
			}
			mustValidate(t, schema, out)
			back, err := export.Import(out, name+".tmbom.json")
			if err != nil {
				t.Fatalf("import rejects the export: %v", err)
			}
			if len(back.Threats) != len(m.Threats) || len(back.Assets) != len(m.Assets) {
				t.Fatalf("%d threats, %d assets back for %d, %d", len(back.Threats), len(back.Assets), len(m.Threats), len(m.Assets))
			}
			for i, th := range m.Threats {
				got := back.Threats[i]
				if strings.TrimSpace(got.Title) != orID(model.CleanLine(th.Title), th.ID) || got.Risk() != th.Risk() || len(got.Mitigations) != len(th.Mitigations) {
					t.Errorf("threat %s came back as %q %d×%d with %d mitigations", th.ID, got.Title, got.Likelihood, got.Impact, len(got.Mitigations))
				}
			}
			for i, a := range m.Actors {
				if got := back.Actors[i]; got.Name != a.Name || got.Capability != a.Capability && a.Kind != model.Insider || got.Kind != a.Kind || got.Risk != a.Risk {
					t.Errorf("actor %+v came back as %+v", a, got)
				}
			}
			for i, a := range m.Assets {
				if got := back.Assets[i]; got.Name != a.Name || got.Sensitivity != a.Sensitivity {
					t.Errorf("asset %+v came back as %+v", a, got)
				}
			}
		})
	}
}

// tmbomSchema compiles the TM-BOM schema with format assertions on: its
// date-or-datetime is a oneOf that only formats tell apart.
func tmbomSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(interopFile(t, "tm-bom/threat-model.schema.json")))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("file:///tmbom.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("file:///tmbom.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func orID(title, id string) string {
	if strings.TrimSpace(title) == "" {
		return id
	}
	return title
}
