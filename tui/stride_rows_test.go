package tui

import (
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// strideRowsShown counts the suggestions whose row is on screen, and
// checks each is one line no wider than the screen.
func strideRowsShown(t *testing.T, h *harness, width int) int {
	t.Helper()
	screen := h.screen()
	lines := strings.Split(screen, "\n")
	shown := 0
	for _, s := range pageOf[*stridePage](h).suggestions() {
		title := safeLine(s.Threat.Title)
		head := title[:min(24, len(title))]
		for _, l := range lines {
			if !strings.Contains(l, head) || strings.Contains(l, "Dismiss") {
				continue
			}
			if w := ansi.StringWidth(l); w > width {
				t.Errorf("row %q is %d wide", l, w)
			}
			row, _, _ := strings.Cut(strings.ReplaceAll(l, " │ ", " | "), " | ") // the side pane, when wide
			if len(title) > 60 && !strings.Contains(row, title) && !strings.HasSuffix(strings.TrimRight(row, " "), "…") {
				t.Errorf("row %q is cut without an ellipsis", l)
			}
			shown++
			break
		}
	}
	return shown
}

func TestStrideSuggestionsAreOneLineEach(t *testing.T) {
	h := openHarness(t, scrModel(t))
	h.goTo(StepStride)
	h.press("l", "m") // Tampering, every suggestion
	p := pageOf[*stridePage](h)
	sugg := p.suggestions()
	if len(sugg) < 8 {
		t.Fatalf("the fixture has %d tampering suggestions; the test wants eight or more", len(sugg))
	}
	if n := strideRowsShown(t, h, 80); n < 8 {
		t.Fatalf("%d suggestions visible at 80×24, want 8 or more:\n%s", n, h.screen())
	}
	// The why is said once, for the row under the cursor, in the detail pane.
	if n := strings.Count(h.body(), "why: "); n != 1 {
		t.Fatalf("%d whys on screen, want the selected one only:\n%s", n, h.body())
	}
	h.wantScreen("why: " + sugg[0].Why[:20])
	h.press("j")
	h.wantScreen("why: "+sugg[1].Why[:20], sugg[1].Threat.Mitigations[0][:20])

	// Wide: the side pane explains the selected suggestion in full, and
	// every row still takes one line.
	h.send(tea.WindowSizeMsg{Width: 120, Height: 40})
	h.wantScreen("Selected suggestion", "Why: ", "planned mitigations when accepted")
	if n := strideRowsShown(t, h, 120); n != len(sugg) {
		t.Fatalf("%d of %d suggestions visible at 120×40:\n%s", n, len(sugg), h.screen())
	}
	// On a threat of the category the pane describes the threat.
	h.press("y", "esc", "G")
	h.wantScreen("Selected threat", "T-001 · Open")
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	h.dontWantBody("why: ")
}

// Accept and dismiss act on the row under the cursor, as before.
func TestStrideOneLineRowsKeepAcceptAndDismiss(t *testing.T) {
	h := openHarness(t, scrModel(t))
	h.goTo(StepStride)
	h.press("j")
	second := strideCurrent(t, h)
	h.press("x", "enter")
	if !slices.Contains(h.stored().Dismissed, second.Threat.ID) {
		t.Fatalf("x did not dismiss %s", second.Threat.ID)
	}
	first := strideCurrent(t, h)
	h.press("y", "esc")
	if th, ok := h.stored().Threat("T-001"); !ok || th.LibraryID != first.Threat.ID {
		t.Fatalf("y did not accept %s: %+v", first.Threat.ID, th)
	}
}
