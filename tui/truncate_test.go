package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/threatdeck/threatdeck/model"
)

// lineWith is the first screen line holding sub.
func lineWith(t *testing.T, screen, sub string) string {
	t.Helper()
	for _, l := range strings.Split(screen, "\n") {
		if strings.Contains(l, sub) {
			return l
		}
	}
	t.Fatalf("no line holds %q:\n%s", sub, screen)
	return ""
}

// Text that does not fit is cut with "…" at a grapheme boundary; state
// columns are never cut; the threat detail keeps its status in view at 80
// columns; wide terminals give list names their width.
func TestTextIsCutWithAnEllipsis(t *testing.T) {
	t.Run("checklist state in full at every width", func(t *testing.T) {
		for _, w := range []int{80, 120, 200} {
			h := newHarness(t, []int{w, 30}, nil)
			h.seed(fixtureModel(t))
			h.goTo(StepChecklists)
			for range len(model.ItemStates) - 1 {
				h.press("space")
			}
			h.wantScreen("[-] Not applicable")
		}
	})
	t.Run("threat detail at 80 columns shows the status", func(t *testing.T) {
		m := fixtureModel(t)
		if _, err := m.PutThreat(model.Threat{Title: "Stolen tokens replayed", Category: model.InformationDisclosure, Likelihood: 5, Impact: 5, Status: model.StatusTransferred}, coreNow); err != nil {
			t.Fatal(err)
		}
		h := newHarness(t, []int{80, 24}, nil)
		h.seed(m)
		h.goTo(StepThreats)
		h.press("enter")
		l := lineWith(t, h.screen(), "likelihood 5")
		if !strings.Contains(l, model.StatusTransferred.Label()) {
			t.Errorf("the risk line hides the status: %q", l)
		}
		if ansi.StringWidth(l) > 80 {
			t.Errorf("line wider than the screen: %q", l)
		}
	})
	t.Run("overview participants", func(t *testing.T) {
		m := fixtureModel(t)
		// Family emoji are one grapheme of several runes: a cut must not
		// split one.
		m.Overview.Participants = []string{"Alice Anderson", "Bob Brown", "Carol Clarke", "Dan 👨‍👩‍👧‍👦 Davies", "Erin Evans", "Frank Fischer", "Grace Gupta"}
		for _, w := range []int{80, 120} {
			h := newHarness(t, []int{w, 30}, nil)
			h.seed(m)
			l := strings.TrimRight(lineWith(t, h.screen(), "Participants:"), " ")
			if w == 80 && !strings.HasSuffix(l, "…") {
				t.Errorf("at %d columns the participants are cut without an ellipsis: %q", w, l)
			}
			if strings.ContainsRune(l, '\u200d') && !strings.Contains(l, "👨‍👩‍👧‍👦") {
				t.Errorf("a grapheme was split: %q", l)
			}
		}
	})
	t.Run("suggestion titles", func(t *testing.T) {
		h := newHarness(t, []int{80, 24}, nil)
		h.seed(fixtureModel(t))
		h.goTo(StepStride)
		const title = "Leaked API keys used to impersonate a client or partner"
		l := strings.TrimRight(lineWith(t, h.screen(), "Leaked API keys"), " ")
		if !strings.Contains(l, title) {
			cut := l[strings.Index(l, "Leaked"):]
			if !strings.HasSuffix(cut, "…") || !strings.HasPrefix(title, strings.TrimSuffix(cut, "…")) {
				t.Errorf("suggestion title cut without an ellipsis: %q", l)
			}
		}
	})
	t.Run("surface names at 120 columns", func(t *testing.T) {
		m := fixtureModel(t)
		const name = "Partner settlement webhook" // 26 cells; 17 fitted before
		if _, err := m.PutElement(model.SurfaceElement{Name: name, Kind: model.KindWebhook}, coreNow); err != nil {
			t.Fatal(err)
		}
		h := newHarness(t, []int{120, 40}, nil)
		h.seed(m)
		h.goTo(StepSurface)
		h.wantScreen(name)
	})
}
