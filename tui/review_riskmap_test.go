package tui

import (
	"strings"
	"testing"

	"github.com/threatdeck/threatdeck/model"
)

// m shows the risk map on its worst occupied cell; the arrows move the
// selection and the cell's open threats are listed; m goes back.
func TestReviewRiskMapSelectsCells(t *testing.T) {
	h := openHarness(t, threatModel(t), 80, 24)
	h.goTo(StepReview)
	h.press("m")
	h.wantScreen("Risk map", "Likelihood 4 × impact 3 = 12 High · 1 open", "T-003 Bulk export leak")
	// The mitigated 5×5 threat is not open: the critical corner is empty.
	h.press("k", "l", "l")
	h.wantScreen("Likelihood 5 × impact 5 = 25 Critical · 0 open", "No open threat here.")
	// Down to 2×2, where the low session-fixation threat sits.
	h.press("j", "j", "j", "h", "h", "h")
	h.wantScreen("Likelihood 2 × impact 2 = 4 Low · 1 open", "T-001 Session fixation")
	h.dontWantBody("T-003 Bulk export leak")
	// The map follows the model: accepting T-001 takes it off the map.
	th, _ := h.m().Threat("T-001")
	th.Status = model.StatusAccepted
	h.run(h.a.s.apply(h.a.s.m.PutThreat(th, scrNow)))
	h.wantScreen("Likelihood 2 × impact 2 = 4 Low · 0 open")
	h.press("m")
	h.wantScreen("Still missing")
	h.dontWantBody("Risk map")
	// enter on a cell opens its first threat on the Threats step.
	h.press("m", "k", "k", "l")
	h.wantScreen("Likelihood 4 × impact 3 = 12 High · 1 open")
	h.press("enter")
	if h.a.step != StepThreats || pageOf[*threatsPage](h).Selected() != "T-003" {
		t.Errorf("enter went to %s on %q", h.a.step, h.a.pageFor(h.a.step).Selected())
	}
	for _, l := range strings.Split(h.screen(), "\n") {
		if len([]rune(l)) > 80 {
			t.Errorf("line wider than 80: %q", l)
		}
	}
}

// w edits the report's three written sections in one form; they count in
// completion, and their gaps open the form on the section.
func TestReviewWritesReportSections(t *testing.T) {
	h := openHarness(t, threatModel(t), 80, 24)
	h.goTo(StepReview)
	h.wantScreen("Report       0%")
	h.press("w")
	h.wantScreen("Report sections", "Incident Response", "Who is called")
	h.typeText("Page the on-call lead.")
	h.press("tab")
	h.typeText("- [Runbook](./runbook.md)")
	h.press("ctrl+s")
	m := h.stored()
	if m.Sections.IncidentResponse != "Page the on-call lead." || m.Sections.RelatedDocs != "- [Runbook](./runbook.md)" || m.Sections.References != "" {
		t.Fatalf("sections = %+v", m.Sections)
	}
	h.wantScreen("Report      66%")
	// One report gap is left, References; enter on it opens the form there.
	p := pageOf[*reviewPage](h)
	var left []string
	for _, g := range p.gaps {
		if g.Section == model.SecReport {
			left = append(left, g.Message)
			p.Select(g.Key())
		}
	}
	if len(left) != 1 || left[0] != "References has not been written" {
		t.Fatalf("report gaps %q", left)
	}
	h.press("enter")
	h.wantScreen("Report sections", "Standards and guides")
	h.typeText("- OWASP ASVS")
	h.press("ctrl+s")
	if got := h.stored().Sections.References; got != "- OWASP ASVS" {
		t.Fatalf("references = %q", got)
	}
	h.wantScreen("Report     100%")
}

// At every width the map shows all five impact columns, the selected
// cell, and no line wider than the terminal.
func TestReviewRiskMapFitsEveryWidth(t *testing.T) {
	for _, w := range []int{80, 90, 110, 120, 140, 200} {
		h := openHarness(t, threatModel(t), w, 30)
		h.goTo(StepReview)
		h.press("m")
		h.wantScreen("[H 1]", "T-003 Bulk export leak")
		for i, l := range strings.Split(h.screen(), "\n") {
			// The selected cell's row ends in its fifth column, C ·.
			if j := strings.Index(l, "[H 1]"); j >= 0 {
				if f := strings.Fields(l[j:]); len(f) < 6 || f[4] != "C" || f[5] != "·" {
					t.Errorf("%d columns: the row is cut: %q", w, l)
				}
			}
			if n := len([]rune(l)); n > w {
				t.Errorf("%d columns: line %d is %d wide: %q", w, i, n, l)
			}
		}
	}
}
