package tui

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/threatdeck/threatdeck/export"
	"github.com/threatdeck/threatdeck/model"
)

func TestReviewCompletionAndMissing(t *testing.T) {
	h := openHarness(t, scrModel(t))
	h.goTo(StepReview)
	gaps := h.m().Missing()
	h.wantScreen("Completion "+itoa(h.m().Overall())+"%", "Assets", "100%", "STRIDE", "0%",
		"Still missing ("+itoa(len(gaps))+")", gaps[0].Message)
}

func TestReviewJumpFromMissing(t *testing.T) {
	h := openHarness(t, scrModel(t))
	for _, tc := range []struct {
		sec  model.Section
		id   string
		step Step
	}{
		{model.SecStride, string(model.Tampering), StepStride},
		{model.SecOWASP, "A03:2025", StepOWASP},
		{model.SecChecklists, model.ChecklistCatalog(model.ListCompliance)[1].ID, StepChecklists},
		{model.SecOverview, "", StepOverview},
	} {
		t.Run(tc.step.Name(), func(t *testing.T) {
			h.goTo(StepReview)
			// Walk the cursor to the gap, as a user would.
			i := 0
			for j, g := range h.m().Missing() {
				if g.Section == tc.sec && g.ID == tc.id {
					i = j
					break
				}
			}
			h.press("g")
			for range i {
				h.press("j")
			}
			h.press("enter")
			if h.a.step != tc.step {
				t.Fatalf("on %v, want %v", h.a.step, tc.step)
			}
			if tc.id != "" {
				if got := h.a.page().Selected(); got != tc.id && !(tc.step == StepStride && pageOf[*stridePage](h).category() == model.Tampering) {
					t.Fatalf("selected %q, want %q", got, tc.id)
				}
			}
		})
	}
}

func TestReviewPreview(t *testing.T) {
	h := openHarness(t, scrModel(t))
	h.goTo(StepReview)
	h.press("v")
	h.wantScreen("Report preview", "# Payments API", "Owner:** Security Team")
	p := pageOf[*reviewPage](h)
	first := p.renderSeq
	// Nothing changed: leaving and coming back does not render again.
	h.press("esc", "1", "9", "v")
	if p.renderSeq != first {
		t.Fatalf("rendered again (%d → %d) with an unchanged model", first, p.renderSeq)
	}
	// An edit elsewhere renders again and shows up.
	h.press("esc", "2", "a")
	h.typeText("Ledger backups")
	h.press("ctrl+s", "9", "v")
	if p.renderSeq == first {
		t.Fatal("not rendered after the model changed")
	}
	if all := strings.Join(p.doc.Lines(0, p.doc.Len()), "\n"); !strings.Contains(all, "Ledger backups") {
		t.Fatalf("preview lacks the new asset:\n%s", all)
	}
	// Scrolling moves through the report.
	top := h.body()
	h.press("pgdown")
	if h.body() == top {
		t.Fatal("pgdown did not scroll the preview")
	}
}

// exportTo opens the export form and replaces the path.
func exportTo(h *harness, path string) {
	h.t.Helper()
	h.press("x")
	h.wantScreen("Export the report")
	h.press("ctrl+u")
	h.typeText(path)
	h.press("enter")
}

func TestReviewExport(t *testing.T) {
	h := openHarness(t, threatModel(t))
	h.goTo(StepReview)
	path := filepath.Join(t.TempDir(), "report.md")
	h.press("x")
	h.wantScreen("File *", "./payments-api-threat-model.md")
	h.press("esc")
	exportTo(h, path)
	h.wantScreen("Exported the report to " + path[:20])
	// The path is remembered for the next export.
	h.press("x")
	h.wantScreen(path[:20])
	h.press("esc")
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := export.Markdown(h.stored()); !bytes.Equal(got, want) {
		t.Fatalf("exported file differs from the report:\n%s", got)
	}
	if info, _ := os.Stat(path); info.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", info.Mode())
	}
}

func TestReviewExportConfirmsOverwrite(t *testing.T) {
	h := openHarness(t, threatModel(t))
	h.goTo(StepReview)
	path := filepath.Join(t.TempDir(), "report.md")
	if err := os.WriteFile(path, []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	exportTo(h, path)
	h.wantScreen("report.md exists. Overwrite it?")
	// n goes back to the path, untouched on disk.
	h.press("n")
	h.wantScreen("Export the report")
	if b, _ := os.ReadFile(path); string(b) != "keep me" {
		t.Fatalf("file changed after n: %q", b)
	}
	h.press("enter")
	h.wantScreen("report.md exists. Overwrite it?")
	h.press("y")
	if b, _ := os.ReadFile(path); !strings.Contains(string(b), "Bulk export leak") {
		t.Fatalf("file not overwritten: %q", b)
	}
}

func TestReviewExportUnwritableShowsError(t *testing.T) {
	h := openHarness(t, threatModel(t))
	h.goTo(StepReview)
	dir := t.TempDir()
	for _, tc := range []struct{ name, path, want string }{
		{"missing directory", filepath.Join(dir, "no", "such", "dir", "report.md"), "cannot write"},
		{"a directory", dir, "is a directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h.t = t
			exportTo(h, tc.path)
			// The form stays with the path and the error; nothing is lost.
			h.wantScreen("Export the report", tc.want)
			if got := pageOf[*reviewPage](h).form.value("path"); got != tc.path {
				t.Fatalf("path now %q", got)
			}
			h.press("esc")
		})
	}
}

func TestSlugify(t *testing.T) {
	for in, want := range map[string]string{
		"Payments API":            "payments-api",
		"  Über app / v2 (beta) ": "ber-app-v2-beta",
		"\x1b[31mred\x1b[0m":      "red",
		"":                        "",
	} {
		if got := slugify(in); got != want {
			t.Errorf("slugify(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestReviewGolden(t *testing.T) {
	runScrGoldens(t, []scrGolden{
		// At 120 columns the preview sits beside the summary, and v
		// renders it again at full width.
		{"Summary", []string{"9"}},
		{"Preview", []string{"9", "v"}},
		{"Export", []string{"9", "x"}},
		// The risk map opens on its worst occupied cell.
		{"RiskMap", []string{"9", "m"}},
		{"Sections", []string{"9", "w"}},
	})
}

// A resize re-renders the preview for the new pane, and no preview line
// ever spills past the terminal's edge.
func TestReviewPreviewFollowsResize(t *testing.T) {
	h := openHarness(t, scrModel(t), 80, 24)
	h.goTo(StepReview)
	h.press("v")
	h.wantScreen("Report preview")
	h.send(tea.WindowSizeMsg{Width: 120, Height: 40})
	h.press("esc")
	p := pageOf[*reviewPage](h)
	if p.renderWidth != p.previewWidth() {
		t.Errorf("preview rendered for %d columns, pane wants %d", p.renderWidth, p.previewWidth())
	}
	for i, line := range strings.Split(h.screen(), "\n") {
		if w := ansi.StringWidth(line); w > 120 {
			t.Errorf("line %d is %d columns wide: %q", i, w, line)
		}
	}
}

// A renderer that panics costs the preview, not the session.
func TestReviewPreviewFailureIsShown(t *testing.T) {
	draw := drawPreview
	drawPreview = func([]byte, int, mdStyles, int) *mdDoc { panic("table layout") }
	t.Cleanup(func() { drawPreview = draw })
	h := openHarness(t, scrModel(t))
	h.goTo(StepReview)
	h.press("v")
	h.wantScreen("Preview failed: the report could not be drawn (table layout)")
	h.press("esc", "1")
	if h.a.step != StepOverview {
		t.Errorf("the session did not carry on after the failed preview: on %v", h.a.step)
	}
}
