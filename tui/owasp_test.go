package tui

import (
	"slices"
	"strings"
	"testing"

	"github.com/threatdeck/threatdeck/model"
)

func TestOWASPCycleStateAndSwitchEdition(t *testing.T) {
	h := openHarness(t, threatModel(t))
	h.goTo(StepOWASP)
	items := model.OWASPCatalog(model.OWASP2025)
	if len(items) != 10 {
		t.Fatalf("%d items in 2025", len(items))
	}
	h.wantScreen("OWASP Top 10", "0/10 assessed", "A01:2025", items[0].Name)
	// enter gives the item the whole body: every check question shows.
	h.press("enter")
	h.wantScreen(items[0].Questions[0][:25], items[0].Questions[len(items[0].Questions)-1][:25])
	h.press("esc")

	// space cycles through every state and wraps.
	for _, want := range append(model.ItemStates[1:], model.NotAssessed) {
		h.press("space")
		c, _ := h.stored().Check("A01:2025")
		if c.State != want {
			t.Fatalf("state %q, want %q", c.State, want)
		}
	}
	h.press("space") // done
	h.wantScreen("[x] Done", "1/10 assessed")

	// E switches to 2021; the 2025 answer is kept, the cursor keeps its rank.
	h.press("j", "E")
	m := h.stored()
	if m.Edition() != model.OWASP2021 {
		t.Fatalf("edition %s", m.Edition())
	}
	if c, _ := m.Check("A01:2025"); c.State != model.StateDone {
		t.Fatalf("2025 answer lost: %+v", c)
	}
	h.wantScreen("A01:2021", "0/10 assessed")
	h.dontWantBody("A01:2025")
	if got := pageOf[*owaspPage](h).Selected(); got != "A02:2021" {
		t.Fatalf("cursor on %s", got)
	}
	h.press("space")
	if c, _ := h.stored().Check("A02:2021"); c.State != model.StateDone {
		t.Fatalf("2021 item not set: %+v", c)
	}
	h.press("E")
	h.wantScreen("A01:2025", "1/10 assessed")
}

func TestOWASPNoteAndLinkedThreats(t *testing.T) {
	h := openHarness(t, threatModel(t))
	h.goTo(StepOWASP)
	h.press("n")
	h.typeText("Enforced in the gateway")
	h.press("ctrl+s")
	h.wantScreen("Enforced in the gateway")

	// l links threats: pick the first and third options.
	h.press("l")
	h.wantScreen("Linked threats", "T-001 Session fixation")
	h.press("space", "down", "down", "space", "ctrl+s")
	c, _ := h.stored().Check("A01:2025")
	if c.Note != "Enforced in the gateway" || !slices.Equal(c.Threats, []string{"T-001", "T-003"}) {
		t.Fatalf("item %+v", c)
	}
	h.wantScreen("Linked threats (2): T-001 Session fixation, T-003 Bulk export leak")

	// e edits all three at once; esc leaves it untouched.
	h.press("e")
	h.wantScreen("State", "Note", "Linked threats")
	h.press("esc")
	if c2, _ := h.stored().Check("A01:2025"); !slices.Equal(c2.Threats, c.Threats) {
		t.Fatal("esc changed the item")
	}
}

func TestOWASPSelectFromMissing(t *testing.T) {
	h := openHarness(t, threatModel(t))
	h.goTo(StepOWASP)
	p := pageOf[*owaspPage](h)
	p.Select("A05:2025")
	if got := p.Selected(); got != "A05:2025" {
		t.Fatalf("selected %s", got)
	}
	h.wantScreen("A05:2025 " + model.OWASPCatalog(model.OWASP2025)[4].Name)
}

func TestOWASPGolden(t *testing.T) {
	runScrGoldens(t, []scrGolden{
		{"List", []string{"7"}},
		{"Detail", []string{"7", "enter"}},
		{"Edition2021", []string{"7", "E"}},
	})
}

// A threat's own OWASP tags show on the OWASP step, as in the report: the
// Threats column counts it and the detail names it.
func TestOWASPShowsThreatsOwnTags(t *testing.T) {
	m := threatModel(t)
	th, _ := m.Threat("T-003")
	th.OWASP = []string{"A01:2025"}
	if _, err := m.PutThreat(th, scrNow); err != nil {
		t.Fatal(err)
	}
	h := openHarness(t, m, 120, 40)
	h.goTo(StepOWASP)
	row := ""
	for _, l := range strings.Split(h.body(), "\n") {
		if strings.Contains(l, "A01:2025") && strings.Contains(l, "Broken Access Control") {
			row = l
		}
	}
	if !strings.Contains(strings.Join(strings.Fields(row), " "), "Not assessed 1 ") {
		t.Errorf("A01 row %q does not count the tagged threat", row)
	}
	h.wantScreen("Linked threats (1): T-003 Bulk export leak")
	want := m.OWASPLinks()["A01:2025"]
	if !slices.Equal(want, []string{"T-003"}) {
		t.Errorf("OWASPLinks = %v", want)
	}
}
