package tui

import (
	"slices"
	"strings"
	"testing"

	"github.com/threatdeck/threatdeck/model"
)

// TestSurfaceTraitsExposureCallers: at 80×24, a new element gets traits
// picked by typing a filter fast and pressing space, and its exposure and
// callers chosen; they are stored, shown in the detail, and drive the
// suggestions (a scheduled job that exports a spreadsheet meets formula
// injection and no user-facing threat).
func TestSurfaceTraitsExposureCallers(t *testing.T) {
	h := newHarness(t, nil, nil)
	h.seed(fixtureModel(t))
	h.goTo(StepSurface)
	h.press("a")
	h.typeText("Nightly export")
	h.press("tab")
	h.typeText("process")
	h.press("tab")
	h.typeText("Runs every night")
	h.press("tab", "tab", "tab", "tab") // trust zone, flow from, flow to, traits
	h.wantScreen("Traits", "Space picks")
	h.typeText("expor") // filter, typed at once
	h.press("enter")    // picks the filtered option and clears the filter
	h.typeText("sql")
	h.press("enter")
	h.press("tab")                          // exposure: inferred, internet, internal, third party
	h.press("down", "down")                 // internal
	h.press("tab")                          // called by: inferred, people, services, both, none
	h.press("down", "down", "down", "down") // nobody
	h.press("enter")
	var got model.SurfaceElement
	for _, e := range h.stored().Surface {
		if e.Name == "Nightly export" {
			got = e
		}
	}
	if !slices.Equal(got.Traits, []model.Trait{model.TraitExports, model.TraitSQL}) || got.Exposure != model.ExposureInternal || got.Callers != model.CallersNone {
		t.Fatalf("stored %+v\n%s", got, h.screen())
	}
	h.press("end")
	h.wantScreen("Nightly export")
	h.wantScreen("Internal, called by nobody")
	for _, line := range strings.Split(h.screen(), "\n") {
		if w := len([]rune(line)); w > 80 {
			t.Errorf("line %d wide: %q", w, line)
		}
	}

	only := &model.Model{Surface: []model.SurfaceElement{got}}
	var ids []string
	for _, s := range model.Suggest(only) {
		ids = append(ids, s.Threat.ID)
		if slices.Contains(s.Threat.Callers, model.CallersPeople) && !slices.Contains(s.Threat.Callers, model.CallersServices) {
			t.Errorf("%s needs people but was suggested for a job nobody calls", s.Threat.ID)
		}
	}
	if !slices.Contains(ids, "TDL-T-024") {
		t.Errorf("formula injection not suggested for an exporting job: %v", ids)
	}
}
