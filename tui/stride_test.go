package tui

import (
	"slices"
	"strings"
	"testing"

	"github.com/threatdeck/threatdeck/model"
)

// strideFirst returns the suggestion under the STRIDE cursor.
func strideCurrent(t *testing.T, h *harness) model.Suggestion {
	t.Helper()
	p := pageOf[*stridePage](h)
	sugg := p.suggestions()
	if p.cursor >= len(sugg) {
		t.Fatalf("cursor %d is not on a suggestion (%d)", p.cursor, len(sugg))
	}
	return sugg[p.cursor]
}

func TestStrideShowsCategoryQuestionsAndSuggestions(t *testing.T) {
	h := openHarness(t, scrModel(t))
	h.goTo(StepStride)
	info, ok := model.StrideInfoFor(model.Spoofing)
	if !ok || len(info.Questions) == 0 {
		t.Fatal("no STRIDE catalog entry for spoofing")
	}
	sugg := model.SuggestFor(h.m(), model.Spoofing)
	if len(sugg) == 0 {
		t.Fatal("the fixture should draw spoofing suggestions")
	}
	h.wantScreen("Spoofing protects Authenticity", "not reviewed", "Ask the team",
		info.Questions[0][:30], suggestedHeading(len(sugg)), sugg[0].Threat.Title[:min(40, len(sugg[0].Threat.Title))], "why: ")

	// i shows every question; → moves to the next category.
	h.press("i")
	h.wantScreen(info.Questions[len(info.Questions)-1][:30])
	h.press("l")
	h.wantScreen("Tampering protects Integrity")
	if got := pageOf[*stridePage](h).Selected(); got == string(model.Spoofing) {
		t.Fatalf("selection still on spoofing: %q", got)
	}
}

func TestStrideAcceptLinksTriggersAndPlansMitigations(t *testing.T) {
	h := openHarness(t, scrModel(t))
	h.goTo(StepStride)
	h.press("l") // tampering: raised by the restricted asset, so assets get linked
	sug := strideCurrent(t, h)
	if len(sug.Elements) == 0 || len(sug.Assets) == 0 {
		t.Fatalf("want a suggestion with elements and assets, got %+v", sug)
	}
	h.press("enter")
	// The threat form opens on the accepted threat; esc keeps it as suggested.
	h.wantScreen("Accepted as T-001", "Mitigations (one per line)")
	h.press("esc")

	for name, m := range map[string]*model.Model{"session": h.m(), "workbook": h.stored()} {
		t.Run(name, func(t *testing.T) {
			th, ok := m.Threat("T-001")
			if !ok {
				t.Fatal("accepted threat missing")
			}
			if th.LibraryID != sug.Threat.ID || th.Title != sug.Threat.Title || th.Category != model.Tampering {
				t.Errorf("threat %+v does not come from %s", th, sug.Threat.ID)
			}
			if !slices.Equal(th.Surface, sug.Elements) || !slices.Equal(th.Assets, sug.Assets) {
				t.Errorf("links surface %v assets %v, want %v %v", th.Surface, th.Assets, sug.Elements, sug.Assets)
			}
			if len(th.Mitigations) != len(sug.Threat.Mitigations) || len(th.Mitigations) == 0 {
				t.Fatalf("%d mitigations, want %d", len(th.Mitigations), len(sug.Threat.Mitigations))
			}
			for i, mt := range th.Mitigations {
				if mt.Status != model.MitigationPlanned || mt.Description != sug.Threat.Mitigations[i] {
					t.Errorf("mitigation %d = %+v", i, mt)
				}
			}
			for _, s := range model.Suggest(m) {
				if s.Threat.ID == sug.Threat.ID {
					t.Errorf("accepted %s is suggested again", sug.Threat.ID)
				}
			}
		})
	}
	// Off the suggestion list, onto the category's threats.
	h.press("G")
	h.wantScreen("Tampering threats in the model (1)", "T-001")
	if strings.Count(h.body(), sug.Threat.Title[:min(40, len(sug.Threat.Title))]) != 1 {
		t.Fatalf("accepted title should appear once (as a threat):\n%s", h.body())
	}
}

func TestStrideAcceptThenEditMitigations(t *testing.T) {
	h := openHarness(t, scrModel(t))
	h.goTo(StepStride)
	sug := strideCurrent(t, h)
	h.press("enter")
	// The form opens on the mitigations: add one line, save.
	h.press("ctrl+e")
	h.press("enter")
	h.typeText("Hardware keys for staff")
	h.press("ctrl+s")
	if pageOf[*stridePage](h).form != nil {
		t.Fatalf("form still open:\n%s", h.screen())
	}
	th, _ := h.stored().Threat("T-001")
	if n := len(sug.Threat.Mitigations) + 1; len(th.Mitigations) != n {
		t.Fatalf("%d mitigations, want %d: %+v", len(th.Mitigations), n, th.Mitigations)
	}
	last := th.Mitigations[len(th.Mitigations)-1]
	if !strings.HasSuffix(last.Description, "Hardware keys for staff") || last.Status != model.MitigationPlanned || last.ID == "" {
		t.Fatalf("new mitigation %+v", last)
	}
}

func TestStrideDismissDoesNotComeBack(t *testing.T) {
	h := openHarness(t, scrModel(t))
	h.goTo(StepStride)
	h.press("j")
	sug := strideCurrent(t, h)
	before := len(model.SuggestFor(h.m(), model.Spoofing))
	// Titles may be cut with "…" at 80 columns: look for their start.
	title := sug.Threat.Title[:min(40, len(sug.Threat.Title))]
	h.press("x", "enter") // no reason: enter skips it
	h.dontWantBody(title)
	h.wantScreen(suggestedHeading(before - 1))
	m := h.stored()
	if !slices.Contains(m.Dismissed, sug.Threat.ID) {
		t.Fatalf("dismissal not stored: %v", m.Dismissed)
	}
	for _, s := range model.Suggest(m) {
		if s.Threat.ID == sug.Threat.ID {
			t.Fatal("dismissed suggestion is back after a reload")
		}
	}
	if len(m.Threats) != 0 {
		t.Fatalf("dismiss created threats: %v", m.Threats)
	}
	// u undoes the dismissal: it is suggested again.
	h.press("u")
	h.wantScreen(title)
}

// suggestedHeading is the heading of a category with n suggestions.
func suggestedHeading(n int) string {
	if n > model.DefaultShown {
		return "Suggested threats (top " + itoa(model.DefaultShown) + " of " + itoa(n) + "; m shows all)"
	}
	return "Suggested threats (" + itoa(n) + ")"
}

// TestStrideShowsTopSuggestionsAndAllOnKey: a category shows its
// model.DefaultShown most relevant suggestions; m shows the rest (the
// cursor can reach them), m again the top ones only.
func TestStrideShowsTopSuggestionsAndAllOnKey(t *testing.T) {
	h := openHarness(t, scrModel(t))
	h.goTo(StepStride)
	all := model.SuggestFor(h.m(), model.Spoofing)
	if len(all) <= model.DefaultShown {
		t.Fatalf("the test model has %d spoofing suggestions; want more than %d", len(all), model.DefaultShown)
	}
	page := pageOf[*stridePage](h)
	if got := len(page.suggestions()); got != model.DefaultShown {
		t.Fatalf("%d suggestions shown, want %d", got, model.DefaultShown)
	}
	h.wantScreen(suggestedHeading(len(all)))
	h.press("m")
	h.wantScreen("Suggested threats (" + itoa(len(all)) + ")")
	h.press("G")
	h.press("k") // G goes to the last row; the model's threats follow the suggestions
	for range len(all) {
		h.press("k")
	}
	for range len(all) - 1 {
		h.press("j")
	}
	if got := strideCurrent(t, h); got.Threat.ID != all[len(all)-1].Threat.ID {
		t.Errorf("cursor on %s, want the last suggestion %s", got.Threat.ID, all[len(all)-1].Threat.ID)
	}
	h.press("m")
	if got := len(page.suggestions()); got != model.DefaultShown {
		t.Errorf("%d suggestions shown after m again, want %d", got, model.DefaultShown)
	}
	h.press("g")
	h.wantScreen(suggestedHeading(len(all)))
	if page.cursor >= model.DefaultShown+len(page.threats()) {
		t.Errorf("cursor %d beyond the rows shown", page.cursor)
	}
}

func TestStrideReviewNeedsAReasonWhenNothingApplies(t *testing.T) {
	h := openHarness(t, scrModel(t))
	h.goTo(StepStride)
	h.press("r")
	h.wantScreen("Review Spoofing", "Conclusion")
	h.press("ctrl+s")
	// No threats in the category and no note: the form stays with the reason.
	h.wantScreen("say why none apply")
	if h.m().StrideReviewFor(model.Spoofing).Reviewed {
		t.Fatal("reviewed without a note")
	}
	h.typeText("Considered: none apply because all access is via mTLS")
	h.press("ctrl+s")
	h.wantScreen("reviewed (r)", "Considered: none apply because")
	r := h.stored().StrideReviewFor(model.Spoofing)
	if !r.Reviewed || !strings.HasPrefix(r.Note, "Considered: none apply") {
		t.Fatalf("review not stored: %+v", r)
	}
	if p := h.m().SectionProgress(model.SecStride); p.Done != 1 {
		t.Fatalf("progress %+v", p)
	}
}

func TestStrideSelectJumpsToCategory(t *testing.T) {
	h := openHarness(t, scrModel(t))
	h.goTo(StepStride)
	p := pageOf[*stridePage](h)
	p.Select(string(model.DenialOfService))
	if p.category() != model.DenialOfService {
		t.Fatalf("category %s", p.category())
	}
	h.wantScreen("Denial of Service protects Availability")
}

func TestStrideGolden(t *testing.T) {
	runScrGoldens(t, []scrGolden{
		{"Spoofing", []string{"5"}},
		{"Tampering", []string{"5", "l", "j"}},
		{"Review", []string{"5", "r"}},
	})
}
