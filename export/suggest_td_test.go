package export_test

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/threatdeck/threatdeck/export"
	"github.com/threatdeck/threatdeck/model"
	"github.com/threatdeck/threatdeck/store"
)

// The Threat Dragon demo model (testdata/interop/threat-dragon, from the
// OWASP Threat Dragon project) is a three-tier design: processes, data
// stores, an external browser, many data flows and trust boundaries. These
// tests run the suggestions on it as imported, which is the issue's "imported
// Threat Dragon demo".

var tdNow = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

func importTDDemo(t *testing.T) *model.Model {
	t.Helper()
	m, err := export.Import(interopFile(t, "threat-dragon/v2-threat-model.json"), "v2-threat-model.json")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func suggestionIDs(ss []model.Suggestion) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = s.Threat.ID
	}
	return out
}

// TestSuggestOnThreatDragonDemo: every suggestion fits its elements under
// STRIDE-per-element and their profiles, every element that takes a threat is linked, the
// demo's kinds are all reached, and no element outside the threat's kinds is.
func TestSuggestOnThreatDragonDemo(t *testing.T) {
	m := importTDDemo(t)
	got := model.Suggest(m)
	if len(got) < 30 {
		t.Fatalf("%d suggestions for the demo", len(got))
	}
	kinds := map[model.ElementKind]bool{}
	for _, s := range got {
		lt := s.Threat
		var want []string
		for _, e := range m.Surface {
			if lt.Fits(e) {
				want = append(want, e.ID)
			}
		}
		if !slices.Equal(s.Elements, want) {
			t.Errorf("%s linked to %v, want %v", lt.ID, s.Elements, want)
		}
		for _, id := range s.Elements {
			e, _ := m.Element(id)
			kinds[e.Kind] = true
			if !slices.Contains(lt.AppliesTo, e.Kind) || !model.KindAllows(e.Kind, lt.Category) {
				t.Errorf("%s (%s, for %v) suggested for %s, a %s", lt.ID, lt.Category, lt.AppliesTo, e.Name, e.Kind)
			}
		}
		if len(s.Assets) != 0 {
			t.Errorf("%s links assets %v; the demo has none", lt.ID, s.Assets)
		}
		if strings.ContainsAny(s.Why, "\n\x1b") || !strings.Contains(s.Why, lt.Category.Label()+" threat to ") {
			t.Errorf("%s: why %q", lt.ID, s.Why)
		}
	}
	for _, k := range []model.ElementKind{model.KindProcess, model.KindDataStore, model.KindDataFlow, model.KindExternalEntity} {
		if !kinds[k] {
			t.Errorf("no suggestion reaches the demo's %s elements", k)
		}
	}
	if kinds[model.KindTrustBoundary] {
		t.Error("a trust boundary was linked to a threat")
	}
}

// TestSuggestOnThreatDragonDemoRaisedBySensitiveData: the demo with an
// asset named for its database, restricted, gets the tampering and
// disclosure suggestions on that database raised and linked to the asset;
// suggestions that do not concern it do not move.
func TestSuggestOnThreatDragonDemoRaisedBySensitiveData(t *testing.T) {
	m := importTDDemo(t)
	before := map[string]model.Suggestion{}
	for _, s := range model.Suggest(m) {
		before[s.Threat.ID] = s
	}
	if _, err := m.PutAsset(model.Asset{Name: "Database contents", Sensitivity: model.Restricted}, tdNow); err != nil {
		t.Fatal(err)
	}
	asset := m.Assets[len(m.Assets)-1].ID
	ti := 0
	for _, s := range model.Suggest(m) {
		b := before[s.Threat.ID]
		onDB := slices.Contains(s.Elements, "SE-002")
		linked := slices.Equal(s.Assets, []string{asset})
		switch {
		case onDB && !linked:
			t.Errorf("%s concerns the database but links %v", s.Threat.ID, s.Assets)
		case linked && (s.Threat.Category == model.Tampering || s.Threat.Category == model.InformationDisclosure):
			ti++
			if s.Score <= b.Score || !strings.Contains(s.Why, "concerns restricted asset Database contents") {
				t.Errorf("%s not raised: score %d → %d, why %q", s.Threat.ID, b.Score, s.Score, s.Why)
			}
		case !linked:
			if s.Score != b.Score || len(s.Assets) != 0 {
				t.Errorf("%s (%s) moved without concerning the asset: %d → %d, %v", s.Threat.ID, s.Threat.Category, b.Score, s.Score, s.Assets)
			}
		}
	}
	if ti < 5 {
		t.Errorf("only %d tampering and disclosure suggestions on the database", ti)
	}
}

// TestThreatDragonDemoSuggestionsStayGoneThroughTheWorkbook: import the
// demo into a real workbook, accept and dismiss suggestions as the TUI
// does (one committed edit each), reopen the workbook and suggest again.
func TestThreatDragonDemoSuggestionsStayGoneThroughTheWorkbook(t *testing.T) {
	path := filepath.Join(t.TempDir(), "workbook.db")
	s, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	id, err := s.Create(importTDDemo(t))
	if err != nil {
		t.Fatal(err)
	}
	m, err := s.Load(id)
	if err != nil {
		t.Fatal(err)
	}
	first := model.Suggest(m)
	threats := len(m.Threats)
	accept, dismiss := first[:3], first[3:6]
	for _, sg := range accept {
		ch, err := m.Accept(sg, tdNow)
		if err != nil {
			t.Fatalf("accept %s: %v", sg.Threat.ID, err)
		}
		if err := s.Commit(id, ch.Do); err != nil {
			t.Fatal(err)
		}
	}
	for _, sg := range dismiss {
		ch, err := m.Dismiss(sg.Threat.ID, tdNow)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Commit(id, ch.Do); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()

	s, err = store.Open(path, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	m, err = s.Load(id)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Threats) != threats+3 {
		t.Fatalf("%d threats after accepting 3 of the demo's %d", len(m.Threats), threats)
	}
	for _, sg := range accept {
		i := slices.IndexFunc(m.Threats, func(th model.Threat) bool { return th.LibraryID == sg.Threat.ID })
		if i < 0 {
			t.Errorf("accepted %s is not in the reloaded model", sg.Threat.ID)
			continue
		}
		th := m.Threats[i]
		if !slices.Equal(th.Surface, sg.Elements) || len(th.Mitigations) != len(sg.Threat.Mitigations) || th.Mitigations[0].Status != model.MitigationPlanned {
			t.Errorf("accepted %s reloaded as %+v", sg.Threat.ID, th)
		}
	}
	again := suggestionIDs(model.Suggest(m))
	for _, sg := range first[:6] {
		if slices.Contains(again, sg.Threat.ID) {
			t.Errorf("%s came back after reload", sg.Threat.ID)
		}
	}
	if len(again) != len(first)-6 {
		t.Errorf("%d suggestions after reload, want %d", len(again), len(first)-6)
	}
}
