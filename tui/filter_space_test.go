package tui

import (
	"slices"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/threatdeck/threatdeck/model"
)

// Space types a space in every filter: the Threats text filter, a
// select's and a multi-select's option filter. Before, "rate limit" became
// "ratelimit" and a space in "Payment provider" picked the first match.
func TestFilterSpaceTypesASpace(t *testing.T) {
	withThreats := func(t *testing.T) *model.Model {
		m := fixtureModel(t)
		for _, title := range []string{"No rate limit on login", "Rate of refunds unchecked", "Card data in logs"} {
			if _, err := m.PutThreat(model.Threat{Title: title, Category: model.DenialOfService}, coreNow); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := m.PutElement(model.SurfaceElement{Name: "Payment provider", Kind: model.KindThirdParty}, coreNow); err != nil {
			t.Fatal(err)
		}
		return m
	}
	t.Run("threats text filter", func(t *testing.T) {
		h := newHarness(t, []int{100, 30}, nil)
		h.seed(withThreats(t))
		h.goTo(StepThreats)
		h.press("/")
		h.typeText("rate limit")
		h.wantScreen("No rate limit on login")
		h.dontWantScreen("Rate of refunds", "Card data in logs")
		h.press("space", "o", "n")
		h.wantScreen("No rate limit on login")
	})
	t.Run("threats text filter paste", func(t *testing.T) {
		h := newHarness(t, []int{100, 30}, nil)
		h.seed(withThreats(t))
		h.goTo(StepThreats)
		h.press("/")
		h.typeText("rate")
		h.send(tea.PasteMsg{Content: " limit"})
		h.wantScreen("No rate limit on login")
		h.dontWantScreen("Rate of refunds")
	})
	t.Run("list filter", func(t *testing.T) {
		h := newHarness(t, []int{100, 30}, nil)
		h.seed(withThreats(t))
		h.goTo(StepSurface)
		h.press("/")
		h.typeText("payments db")
		h.wantScreen("Payments DB")
		h.dontWantScreen("Payment provider")
	})
	t.Run("select filter", func(t *testing.T) {
		h := newHarness(t, []int{100, 30}, nil)
		h.seed(withThreats(t))
		h.goTo(StepSurface)
		h.press("a")
		h.typeText("Settlement flow")
		h.press("tab", "tab", "tab", "tab") // kind, description, trust zone, flow from
		h.typeText("Payment providerxy")
		h.press("backspace", "ctrl+h") // both erase, as in every filter
		h.wantScreen("filter: Payment provider")
		h.dontWantScreen("filter: Payment providerx")
		h.press("tab")
		h.typeText("Payments DB")
		h.press("ctrl+s")
		e, ok := h.stored().Element("SE-005")
		if !ok {
			t.Fatalf("element not saved:\n%s", h.screen())
		}
		if e.Source != "SE-004" || e.Target != "SE-002" {
			t.Fatalf("flow %s → %s, want SE-004 → SE-002", e.Source, e.Target)
		}
	})
	t.Run("multi-select filter: space types, enter picks", func(t *testing.T) {
		h := newHarness(t, []int{100, 30}, nil)
		h.seed(withThreats(t))
		h.goTo(StepThreats)
		h.press("a")
		h.typeText("Replayed webhooks")
		for range 8 { // to Attack surface
			h.press("tab")
		}
		h.press("space") // no filter yet: space picks the first option
		h.typeText("Payment provider")
		h.wantScreen("filter: Payment provider", "enter pick")
		h.press("enter") // picks and clears the filter; the form stays open
		h.dontWantScreen("filter:")
		h.typeText("payments db")
		h.press("enter")
		h.press("ctrl+s")
		th, ok := h.stored().Threat("T-004")
		if !ok {
			t.Fatalf("threat not saved:\n%s", h.screen())
		}
		if want := []string{"SE-001", "SE-002", "SE-004"}; !slices.Equal(sorted(th.Surface), want) {
			t.Fatalf("surface %v, want %v", th.Surface, want)
		}
	})
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}
