package tui

import "testing"

// A data flow from an element back to itself is refused in the form, with
// the message beside Flow to, and nothing is saved; choosing another end
// saves it.
func TestSurfaceFormRefusesSelfLoop(t *testing.T) {
	h := newHarness(t, []int{100, 30}, nil)
	h.seed(fixtureModel(t))
	h.goTo(StepSurface)
	h.press("a")
	h.typeText("API to itself")
	h.press("tab", "tab", "tab", "tab") // kind, description, trust zone, flow from
	h.typeText("Public REST")
	h.press("tab")
	h.typeText("Public REST")
	h.press("ctrl+s")
	h.wantScreen("Flow to must differ from where the flow comes from")
	// The status line points at the form rather than repeating the field
	// error as "target: …".
	h.wantScreen("Not saved: one field needs fixing (marked in the form)")
	h.dontWantScreen("target: must")
	if _, ok := h.stored().Element("SE-004"); ok {
		t.Fatal("the self-loop was saved")
	}
	for range 11 { // "Public REST" out of the filter
		h.press("backspace")
	}
	h.typeText("Payments DB")
	h.press("ctrl+s")
	e, ok := h.stored().Element("SE-004")
	if !ok || e.Source != "SE-001" || e.Target != "SE-002" {
		t.Fatalf("SE-004 = %+v, %v:\n%s", e, ok, h.screen())
	}
}
