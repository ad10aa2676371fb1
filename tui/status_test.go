package tui

import (
	"testing"

	"github.com/threatdeck/threatdeck/model"
)

// Status lines say what happened once ("Saved overview", "Undid …"), a
// deleted model is named and the question says it cannot be undone, and
// a threat set to mitigated on planned mitigations gets a hint.
func TestStatusLines(t *testing.T) {
	t.Run("saved and undone", func(t *testing.T) {
		h := newHarness(t, []int{100, 30}, nil)
		h.seed(fixtureModel(t))
		h.press("e", "ctrl+s")
		h.wantScreen("Saved overview")
		h.dontWantScreen("Saved: ")
		h.press("u")
		h.wantScreen("Undid “Saved overview”")
		h.dontWantScreen("Undone: Saved")
	})
	t.Run("delete a model", func(t *testing.T) {
		h := newHarness(t, []int{100, 30}, nil)
		h.seed(fixtureModel(t))
		h.press("ctrl+o", "d")
		h.wantScreen("Delete the model “Payments API” and everything in it? This cannot be undone.")
		h.press("y")
		h.wantScreen("Deleted the model “Payments API”")
		if list, err := h.st.List(); err != nil || len(list) != 0 {
			t.Fatalf("models after delete: %v, %v", list, err)
		}
		h.press("u")
		h.wantScreen("Nothing to undo here: a deleted model cannot be brought back")
	})
	t.Run("mitigated on plans", func(t *testing.T) {
		m := fixtureModel(t)
		if _, err := m.PutThreat(model.Threat{Title: "Card testing", Category: model.Spoofing,
			Mitigations: []model.Mitigation{{Description: "Rate limit card checks"}}}, coreNow); err != nil {
			t.Fatal(err)
		}
		h := newHarness(t, []int{100, 30}, nil)
		h.seed(m)
		h.goTo(StepThreats)
		h.press("space") // open → mitigated
		if th, _ := h.stored().Threat("T-001"); th.Status != model.StatusMitigated {
			t.Fatalf("status %q", th.Status)
		}
		h.wantScreen("Saved threat T-001 · none of its mitigations is implemented yet")
		// Once one is implemented, no hint.
		h.press("enter", "space", "space") // the mitigation: planned → in progress → implemented
		h.wantScreen("Saved threat T-001")
		h.dontWantScreen("none of its mitigations")
	})
}
