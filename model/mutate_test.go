package model

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func newTestModel(t *testing.T) *Model {
	t.Helper()
	m, err := New("Payments API", "Security Team", t0)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// must fails the test on a rejected edit: must(t)(m.PutAsset(…)).
func must(t *testing.T) func(Change, error) Change {
	return func(ch Change, err error) Change {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return ch
	}
}

func TestNewSeedsChecklistsAndStride(t *testing.T) {
	m := newTestModel(t)
	if len(m.Stride) != 6 {
		t.Fatalf("want 6 STRIDE rows, got %d", len(m.Stride))
	}
	if m.Edition() != OWASP2025 {
		t.Errorf("default edition %s", m.Edition())
	}
	for _, e := range Editions {
		if got, want := len(OWASPCatalog(e)), 10; got != want && got != 0 { // 0 only while the catalog is a placeholder
			t.Errorf("OWASP %s has %d items", e, got)
		}
	}
	if got, want := len(m.Checklist(ListOWASP)), len(OWASPCatalog(OWASP2025)); got != want {
		t.Errorf("OWASP checklist has %d items, want %d", got, want)
	}
	if _, err := New("  ", "x", t0); err == nil {
		t.Error("New accepted an empty title")
	}
}

func TestPutAssignsIDsAndStamps(t *testing.T) {
	m := newTestModel(t)
	later := t0.Add(time.Hour)
	ch := must(t)(m.PutAsset(Asset{Name: "User \x1b[31mData\x1b[0m", Sensitivity: Confidential}, later))
	a := m.Assets[0]
	if a.ID != "AS-001" || a.Name != "User Data" {
		t.Fatalf("asset = %+v", a)
	}
	if !m.Overview.Updated.Equal(later) {
		t.Errorf("Updated not stamped: %v", m.Overview.Updated)
	}
	kinds := map[RecordKind]bool{}
	for _, r := range ch.Do.Records {
		kinds[r.Kind] = true
	}
	if !kinds[RecAsset] || !kinds[RecSeq] || !kinds[RecOverview] {
		t.Errorf("edit records %v", kinds)
	}
	must(t)(m.PutAsset(Asset{Name: "API Keys"}, later))
	if m.Assets[1].ID != "AS-002" || m.Assets[1].Sensitivity != Internal {
		t.Errorf("second asset %+v", m.Assets[1])
	}
}

func TestUndoRestoresEverything(t *testing.T) {
	m := newTestModel(t)
	must(t)(m.PutAsset(Asset{Name: "DB"}, t0))
	must(t)(m.PutElement(SurfaceElement{Name: "API", Kind: KindAPI}, t0))
	must(t)(m.PutThreat(Threat{Title: "SQLi", Category: Tampering, Assets: []string{"AS-001"}, Surface: []string{"SE-001"}, Likelihood: 4, Impact: 5,
		Mitigations: []Mitigation{{Description: "Parameterised queries"}}}, t0))
	if m.Threats[0].Mitigations[0].ID != "M-001" || m.Threats[0].Mitigations[0].Status != MitigationPlanned {
		t.Fatalf("mitigation %+v", m.Threats[0].Mitigations[0])
	}
	before := slices.Clone(m.Records())

	ch := must(t)(m.DeleteAsset("AS-001", t0.Add(time.Minute)))
	if len(m.Assets) != 0 || len(m.Threats[0].Assets) != 0 {
		t.Fatalf("delete did not cascade: %+v", m.Threats[0].Assets)
	}
	m.Revert(ch.Undo, t0)
	if !reflect.DeepEqual(before, m.Records()) {
		t.Errorf("undo did not restore the model:\nbefore %+v\nafter  %+v", before, m.Records())
	}
	// An undone addition keeps its id reserved.
	ch = must(t)(m.PutAsset(Asset{Name: "Temp"}, t0))
	m.Revert(ch.Undo, t0)
	must(t)(m.PutAsset(Asset{Name: "Next"}, t0))
	if id := m.Assets[len(m.Assets)-1].ID; id != "AS-003" {
		t.Errorf("reused id: %s", id)
	}
}

func TestDeleteCascades(t *testing.T) {
	m := newTestModel(t)
	must(t)(m.PutElement(SurfaceElement{Name: "Web", Kind: KindClient}, t0))
	must(t)(m.PutElement(SurfaceElement{Name: "API", Kind: KindAPI}, t0))
	must(t)(m.PutElement(SurfaceElement{Name: "Web→API", Kind: KindDataFlow, Source: "SE-001", Target: "SE-002"}, t0))
	must(t)(m.PutActor(Actor{Name: "Bots"}, t0))
	must(t)(m.PutThreat(Threat{Title: "Scraping", Category: DenialOfService, Actors: []string{"TA-001"}}, t0))
	var ctl CheckItem
	for _, c := range m.Checklists {
		if c.List == ListControls {
			ctl = c
			break
		}
	}
	if ctl.ID != "" {
		ctl.Threats = []string{"T-001"}
		must(t)(m.PutCheck(ctl, t0))
	}

	must(t)(m.DeleteElement("SE-001", t0))
	if f, _ := m.Element("SE-003"); f.Source != "" || f.Target != "SE-002" {
		t.Errorf("flow not detached: %+v", f)
	}
	must(t)(m.DeleteActor("TA-001", t0))
	if th, _ := m.Threat("T-001"); len(th.Actors) != 0 {
		t.Errorf("actor link kept: %v", th.Actors)
	}
	must(t)(m.DeleteThreat("T-001", t0))
	if ctl.ID != "" {
		if c, _ := m.Check(ctl.ID); len(c.Threats) != 0 {
			t.Errorf("check still links %v", c.Threats)
		}
	}
	var nf ErrNotFound
	if _, err := m.DeleteThreat("T-001", t0); !errors.As(err, &nf) {
		t.Errorf("second delete: %v", err)
	}
}

func TestValidation(t *testing.T) {
	m := newTestModel(t)
	long := strings.Repeat("x", MaxTitle+1)
	huge := strings.Repeat("y", MaxText+1)
	tests := []struct {
		name  string
		err   error
		field string
	}{
		{"empty asset name", second(m.PutAsset(Asset{Name: " \n"}, t0)), "name"},
		{"long asset name", second(m.PutAsset(Asset{Name: long}, t0)), "name"},
		{"huge description", second(m.PutAsset(Asset{Name: "a", Description: huge}, t0)), "description"},
		{"bad sensitivity", second(m.PutAsset(Asset{Name: "a", Sensitivity: "secret"}, t0)), "sensitivity"},
		{"bad category", second(m.PutThreat(Threat{Title: "x", Category: "sneaky"}, t0)), "category"},
		{"likelihood", second(m.PutThreat(Threat{Title: "x", Category: Spoofing, Likelihood: 6}, t0)), "likelihood"},
		{"dangling asset", second(m.PutThreat(Threat{Title: "x", Category: Spoofing, Assets: []string{"AS-404"}}, t0)), "assets"},
		{"bad owasp", second(m.PutThreat(Threat{Title: "x", Category: Spoofing, OWASP: []string{"A11:2021"}}, t0)), "owasp"},
		{"empty mitigation", second(m.PutThreat(Threat{Title: "x", Category: Spoofing, Mitigations: []Mitigation{{}}}, t0)), "mitigation 1"},
		{"flow to nowhere", second(m.PutElement(SurfaceElement{Name: "f", Kind: KindDataFlow, Source: "SE-404"}, t0)), "source"},
		{"bad state", second(m.PutCheck(CheckItem{Title: "x", List: ListControls, State: "maybe"}, t0)), "state"},
		{"empty parking", second(m.PutParking(ParkingItem{Text: "\x1b[0m"}, t0)), "text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ve ValidationError
			if !errors.As(tt.err, &ve) {
				t.Fatalf("want ValidationError, got %v", tt.err)
			}
			if ve.For(tt.field) == "" {
				t.Errorf("no message for %q in %v", tt.field, ve)
			}
		})
	}
	if len(m.Assets)+len(m.Threats)+len(m.Surface)+len(m.Parking) != 0 {
		t.Error("a rejected edit changed the model")
	}
	// Other methodologies keep their own categories.
	must(t)(m.PutThreat(Threat{Title: "Linkability", Methodology: "LINDDUN", Category: "linkability"}, t0))
	if m.Threats[0].Category != "linkability" {
		t.Errorf("category %q", m.Threats[0].Category)
	}
}

func second(_ Change, err error) error { return err }

func TestEditionSwitchKeepsAssessments(t *testing.T) {
	m := newTestModel(t)
	items := m.Checklist(ListOWASP)
	if len(items) == 0 {
		t.Fatal("the model has no OWASP checklist: the catalog did not load")
	}
	it := items[0]
	it.State = StateDone
	must(t)(m.PutCheck(it, t0))
	must(t)(m.SetEdition(OWASP2021, t0))
	if got := m.Checklist(ListOWASP)[0].ID; !strings.HasSuffix(got, ":2021") {
		t.Errorf("edition 2021 shows %s", got)
	}
	must(t)(m.SetEdition(OWASP2025, t0))
	if m.Checklist(ListOWASP)[0].State != StateDone {
		t.Error("assessment lost across edition switch")
	}
}

func TestRecordsRoundTrip(t *testing.T) {
	m := newTestModel(t)
	must(t)(m.PutAsset(Asset{Name: "A"}, t0))
	must(t)(m.PutParking(ParkingItem{Text: "Ask about SSO"}, t0))
	must(t)(m.Dismiss("TDL-S-001", t0))
	m.SetExtension("threat-dragon", []byte(`{"x":1}`), t0)
	n := &Model{}
	for _, r := range m.Records() {
		n.AppendRecord(r.Kind, r.ID, r.Value)
	}
	n.Sort()
	n.Normalize()
	if !reflect.DeepEqual(m.Records(), n.Records()) {
		t.Errorf("records differ after rebuild")
	}
}
