package tui

import (
	"testing"

	"github.com/threatdeck/threatdeck/model"
)

// After a model is created or imported from the list, ctrl+o shows the
// list again, not the finished form still saving, and keys go to the list.
func TestModelsAfterNewShowsTheList(t *testing.T) {
	tests := []struct {
		name string
		open func(h *harness)
	}{
		{"new", func(h *harness) { h.newModel("Scratch2", "") }},
		{"new after ctrl+o", func(h *harness) {
			h.newModel("Scratch1", "")
			h.press("ctrl+o")
			h.newModel("Scratch2", "")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, []int{80, 24}, nil)
			tt.open(h)
			h.press("ctrl+o")
			h.dontWantScreen("New threat model", "Saving")
			h.wantScreen("Scratch2")
			// enter opens the selected model on the list; the form would
			// have taken it as a submit.
			h.press("enter")
			if h.a.s == nil {
				t.Fatalf("enter did not open a model:\n%s", h.screen())
			}
		})
	}
	t.Run("import", func(t *testing.T) {
		h := newHarness(t, []int{80, 24}, func(o *Options) {
			o.Import = func(string) (*model.Model, error) { return model.New("Imported", "", coreNow) }
		})
		h.press("i")
		h.typeText("/tmp/x.json")
		h.press("enter")
		if h.a.s == nil {
			t.Fatalf("import did not open the model:\n%s", h.screen())
		}
		h.press("ctrl+o")
		h.dontWantScreen("Import a file", "Saving")
		h.wantScreen("Imported")
	})
}

// A model imported in the TUI with a data flow from an element back to
// itself opens, and the status line warns about the flow.
func TestImportWarnsOfSelfLoopsInTheTUI(t *testing.T) {
	h := newHarness(t, []int{120, 40}, func(o *Options) {
		o.Import = func(string) (*model.Model, error) {
			m, err := model.New("Loops", "", coreNow)
			if err != nil {
				return nil, err
			}
			for _, e := range []model.SurfaceElement{
				{Name: "Provider", Kind: model.KindThirdParty},
				{Name: "Provider to itself", Kind: model.KindDataFlow, Source: "SE-001", Target: "SE-001"},
			} {
				if _, err := m.PutElement(e, coreNow); err != nil {
					return nil, err
				}
			}
			return m, nil
		}
	})
	h.press("i")
	h.typeText("/tmp/loops.json")
	h.press("enter")
	if h.a.s == nil {
		t.Fatalf("the import did not open:\n%s", h.screen())
	}
	h.wantScreen("Imported with a warning: data flow SE-002")
	if e, ok := h.stored().Element("SE-002"); !ok || !e.SelfLoop() {
		t.Errorf("SE-002 = %+v", e)
	}
}
