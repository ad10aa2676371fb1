package tui

import (
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/threatdeck/threatdeck/model"
)

// On the OWASP and checklist steps shift+space (and backspace, for
// terminals that send shift+space as a space) cycles a state backward,
// and the help shows it.
func TestItemStateCyclesBack(t *testing.T) {
	shiftSpace := tea.KeyPressMsg{Code: tea.KeySpace, Mod: tea.ModShift}
	backspace := tea.KeyPressMsg{Code: tea.KeyBackspace}
	for _, step := range []Step{StepOWASP, StepChecklists} {
		for _, back := range []tea.KeyPressMsg{shiftSpace, backspace} {
			t.Run(step.String()+"/"+back.String(), func(t *testing.T) {
				h := newHarness(t, []int{120, 40}, nil)
				h.seed(fixtureModel(t))
				h.goTo(step)
				h.press("?")
				h.wantScreen("shift+space/backspace", "state back")
				h.press("?")
				state := func() model.ItemState {
					t.Helper()
					id := h.a.page().Selected()
					for _, c := range h.stored().Checklists {
						if c.ID == id {
							return c.State
						}
					}
					t.Fatalf("no item %q", id)
					return ""
				}
				h.send(back) // not assessed → the last state
				if got := state(); got != model.StateNA {
					t.Fatalf("after one step back: %q, want %q", got, model.StateNA)
				}
				h.press("space", "space") // → not assessed → done
				h.send(back)
				if got := state(); got != model.NotAssessed {
					t.Fatalf("after forward twice and back once: %q, want %q", got, model.NotAssessed)
				}
			})
		}
	}
}
