package model

import (
	"reflect"
	"slices"
	"testing"
)

// TestExampleReplaysThroughMutators proves the example is exactly what the
// mutators would have built: every entity is put into an empty model through
// its mutator (which cleans, validates and checks links) and must come out
// unchanged, and the rebuilt model must equal the example.
func TestExampleReplaysThroughMutators(t *testing.T) {
	ex := Example(ExampleDate)
	now := ExampleDate
	m := &Model{}
	check := func(what string, _ Change, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s does not validate: %v", what, err)
		}
	}
	same := func(what string, got, want any) {
		t.Helper()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s changed when replayed through its mutator:\n got %#v\nwant %#v", what, got, want)
		}
	}

	ch, err := m.PutOverview(ex.Overview, now)
	check("overview", ch, err)
	same("overview", m.Overview, ex.Overview)
	ch, err = m.PutSections(ex.Sections, now)
	check("sections", ch, err)
	same("sections", m.Sections, ex.Sections)
	for _, a := range ex.Assets {
		ch, err := m.PutAsset(a, now)
		check("asset "+a.ID, ch, err)
		got, _ := m.Asset(a.ID)
		same("asset "+a.ID, got, a)
	}
	for _, a := range ex.Actors {
		ch, err := m.PutActor(a, now)
		check("actor "+a.ID, ch, err)
		got, _ := m.Actor(a.ID)
		same("actor "+a.ID, got, a)
	}
	// Flows name other elements, so ends are attached once all exist.
	for _, e := range ex.Surface {
		e.Source, e.Target = "", ""
		ch, err := m.PutElement(e, now)
		check("element "+e.ID, ch, err)
	}
	for _, e := range ex.Surface {
		ch, err := m.PutElement(e, now)
		check("element "+e.ID, ch, err)
		got, _ := m.Element(e.ID)
		same("element "+e.ID, got, e)
	}
	for _, th := range ex.Threats {
		ch, err := m.PutThreat(th, now)
		check("threat "+th.ID, ch, err)
		got, _ := m.Threat(th.ID)
		same("threat "+th.ID, got, th)
	}
	for _, r := range ex.Stride {
		ch, err := m.PutStride(r, now)
		check("STRIDE "+string(r.Category), ch, err)
		same("STRIDE "+string(r.Category), m.StrideReviewFor(r.Category), r)
	}
	for _, c := range ex.Checklists {
		ch, err := m.PutCheck(c, now)
		check("check "+c.ID, ch, err)
		got, _ := m.Check(c.ID)
		same("check "+c.ID, got, c)
	}
	for _, p := range ex.Parking {
		ch, err := m.PutParking(p, now)
		check("parking "+p.ID, ch, err)
	}
	m.Seq = ex.Seq
	m.Normalize()
	if !reflect.DeepEqual(m, ex) {
		t.Errorf("rebuilt model differs from Example")
	}
}

func TestExampleContent(t *testing.T) {
	m := Example(ExampleDate)
	if m.Overview.Title != "Threat Model" || m.Overview.Owner != "Security Team" || !m.Overview.Updated.Equal(ExampleDate) {
		t.Errorf("overview = %+v", m.Overview)
	}
	if m.Edition() != OWASP2021 {
		t.Errorf("edition = %s, want 2021 as in the reference", m.Edition())
	}
	if len(m.Assets) != 4 || len(m.Actors) != 4 || len(m.Threats) != 20 {
		t.Fatalf("%d assets, %d actors, %d threats; want 4, 4, 20", len(m.Assets), len(m.Actors), len(m.Threats))
	}
	insider := m.Actors[2]
	if insider.Kind != Insider || insider.Risk != Low {
		t.Errorf("insider = %+v, want an internal actor with low relative risk", insider)
	}
	for _, a := range slices.Concat(m.Actors[:2], m.Actors[3:]) {
		if a.Risk == Low {
			t.Errorf("actor %s has low risk; only the insider should", a.Name)
		}
	}
	vectors := map[string]int{}
	for _, th := range m.Threats {
		vectors[th.Vector]++
		if len(th.Mitigations) == 0 || len(th.OWASP) == 0 || len(th.Assets) == 0 || len(th.Surface) == 0 || len(th.Actors) == 0 {
			t.Errorf("threat %s %q lacks mitigations, OWASP references or links", th.ID, th.Title)
		}
		if !th.Category.Valid() {
			t.Errorf("threat %s has category %q", th.ID, th.Category)
		}
		for _, o := range th.OWASP {
			if o[len(o)-4:] != "2021" {
				t.Errorf("threat %s refers to %s; the example uses OWASP 2021", th.ID, o)
			}
		}
	}
	want := map[string]int{"Authentication & Authorization": 4, "API Security": 4, "Data Protection": 4, "Client Security": 4, "Infrastructure": 4}
	if !reflect.DeepEqual(vectors, want) {
		t.Errorf("threats per vector = %v, want %v", vectors, want)
	}
	for _, r := range m.Stride {
		if !r.Reviewed || r.Example == "" || r.Mitigation == "" {
			t.Errorf("STRIDE row %s = %+v, want reviewed with example and mitigation", r.Category, r)
		}
	}
	states := map[ItemState]int{}
	for _, c := range m.Checklist(ListControls) {
		states[c.State]++
	}
	if want := map[ItemState]int{StateDone: 12, StatePlanned: 4, StateFuture: 2}; !reflect.DeepEqual(states, want) {
		t.Errorf("control states = %v, want %v", states, want)
	}
	// A finished model, as the reference is: nothing is still open and
	// every section is complete.
	for _, g := range m.Missing() {
		t.Errorf("example still misses: %s", g.Message)
	}
	for _, p := range m.Completion() {
		if !p.Complete() {
			t.Errorf("example section %s is %d%% complete", p.Section, p.Percent())
		}
	}
	if !m.Overview.Updated.Equal(ExampleDate) {
		t.Errorf("example last updated %v, want the reference's %v", m.Overview.Updated, ExampleDate)
	}
}

func TestExampleIsDeterministic(t *testing.T) {
	if a, b := Example(ExampleDate), Example(ExampleDate); !reflect.DeepEqual(a, b) {
		t.Error("two calls build different models")
	}
}

func TestExampleThreatsAreNotSuggestedAgain(t *testing.T) {
	m := Example(ExampleDate)
	for _, th := range m.Threats {
		if _, ok := LibraryThreatByID(th.LibraryID); !ok {
			t.Errorf("%s %q names no library threat (%q)", th.ID, th.Title, th.LibraryID)
		}
	}
	for _, s := range Suggest(m) {
		for _, th := range m.Threats {
			if s.Threat.ID == th.LibraryID {
				t.Errorf("%s suggested although the example has it as %s", s.Threat.ID, th.ID)
			}
		}
	}
}
