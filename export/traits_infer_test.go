package export_test

import (
	"slices"
	"testing"

	"github.com/threatdeck/threatdeck/export"
	"github.com/threatdeck/threatdeck/model"
)

func elementNamed(t *testing.T, m *model.Model, name string) model.SurfaceElement {
	t.Helper()
	for _, e := range m.Surface {
		if e.Name == name {
			return e
		}
	}
	t.Fatalf("no element %q", name)
	return model.SurfaceElement{}
}

// TestThreatDragonPropertiesBecomeTraits: outOfScope, storesCredentials
// and isPublicNetwork of the demo's cells reach the elements, and an
// out-of-scope element is never suggested anything.
func TestThreatDragonPropertiesBecomeTraits(t *testing.T) {
	m := importTDDemo(t)
	tests := []struct {
		name     string
		traits   []model.Trait
		exposure model.Exposure
	}{
		{"Web Application Config", []model.Trait{model.TraitOutOfScope, model.TraitSecrets}, ""},
		{"Worker Config", []model.Trait{model.TraitSecrets}, ""},
		{"Web Response", nil, model.ExposureInternet},
		{"Read web app config", []model.Trait{model.TraitOutOfScope}, ""},
		{"Database", nil, ""},
	}
	for _, tc := range tests {
		e := elementNamed(t, m, tc.name)
		if !slices.Equal(e.Traits, tc.traits) || e.Exposure != tc.exposure {
			t.Errorf("%s: traits %v, exposure %q; want %v, %q", tc.name, e.Traits, e.Exposure, tc.traits, tc.exposure)
		}
	}
	out := []string{elementNamed(t, m, "Web Application Config").ID, elementNamed(t, m, "Read web app config").ID}
	for _, s := range model.Suggest(m) {
		for _, id := range s.Elements {
			if slices.Contains(out, id) {
				t.Errorf("%s suggested for out-of-scope %s", s.Threat.ID, id)
			}
		}
	}
	// A web application process is internet-facing and serves people.
	doc := []byte(`{"summary":{"title":"W"},"detail":{"diagrams":[{"cells":[{"id":"a","shape":"process","data":{"type":"tm.Process","name":"Shop","isWebApplication":true}}]}]}}`)
	w, err := export.Import(doc, "web.json")
	if err != nil {
		t.Fatal(err)
	}
	if e := w.Surface[0]; !slices.Equal(e.Traits, []model.Trait{model.TraitSessions, model.TraitBrowser}) && !slices.Equal(e.Traits, []model.Trait{model.TraitBrowser, model.TraitSessions}) ||
		e.Exposure != model.ExposureInternet || e.Callers != model.CallersBoth {
		t.Errorf("web application imported as %+v", e)
	}
}

// TestOTMTypesBecomeTraits: OTM component types name the technology.
func TestOTMTypesBecomeTraits(t *testing.T) {
	m, err := export.Import(interopFile(t, "otm/mobile-cloud.otm.json"), "mobile-cloud.otm.json")
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]model.Trait{
		"Accounting PostgreSQL": model.TraitSQL,
		"Mobile Client":         model.TraitMobile,
		"Azure File Storage":    model.TraitCloud,
	} {
		if e := elementNamed(t, m, name); !slices.Contains(e.Traits, want) {
			t.Errorf("%s (%s): traits %v lack %s", name, e.Kind, e.Traits, want)
		}
	}
	if e := elementNamed(t, m, "Public API v2"); slices.Contains(e.Traits, model.TraitBrowser) {
		t.Errorf("a web service is not a browser front end: %v", e.Traits)
	}
}

// TestJSONKeepsTraitsExposureCallers: the threatdeck JSON format carries
// the profile fields both ways, and a file without them still imports.
func TestJSONKeepsTraitsExposureCallers(t *testing.T) {
	m, err := model.New("Profiles", "tests", tdNow)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []model.SurfaceElement{
		{Name: "Upload API", Kind: model.KindAPI, Traits: []model.Trait{model.TraitUploads, model.TraitArchives}, Exposure: model.ExposureInternet, Callers: model.CallersPeople},
		{Name: "Nightly job", Kind: model.KindProcess, Callers: model.CallersNone},
		{Name: "Plain", Kind: model.KindDataStore},
	} {
		if _, err := m.PutElement(e, tdNow); err != nil {
			t.Fatal(err)
		}
	}
	data, err := export.JSON(m)
	if err != nil {
		t.Fatal(err)
	}
	back, err := export.Import(data, "profiles.json")
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range m.Surface {
		b := back.Surface[i]
		if !slices.Equal(b.Traits, e.Traits) || b.Exposure != e.Exposure || b.Callers != e.Callers {
			t.Errorf("%s came back as %+v, was %+v", e.Name, b, e)
		}
	}
	if _, err := export.Import([]byte(`{"schema":"threatdeck/1","model":{"overview":{"title":"Old"},"surface":[{"id":"SE-001","name":"API","kind":"api"}]}}`), "old.json"); err != nil {
		t.Errorf("a file without profile fields: %v", err)
	}
	if _, err := export.Import([]byte(`{"schema":"threatdeck/1","model":{"overview":{"title":"Bad"},"surface":[{"id":"SE-001","name":"API","kind":"api","traits":["telepathy"]}]}}`), "bad.json"); err == nil {
		t.Error("an unknown trait was accepted")
	}
}
