package tui

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/threatdeck/threatdeck/model"
)

// resumeModel is the core fixture with threats to sort and filter.
func resumeModel(t *testing.T) *model.Model {
	t.Helper()
	m := fixtureModel(t)
	for _, th := range []model.Threat{
		{Title: "Rate limit bypass on login", Category: model.Spoofing, Likelihood: 4, Impact: 4, Assets: []string{"AS-001"}},
		{Title: "Card token replay", Category: model.Tampering, Likelihood: 2, Impact: 5, Assets: []string{"AS-001"}},
		{Title: "Email enumeration", Category: model.InformationDisclosure, Likelihood: 3, Impact: 2, Assets: []string{"AS-002"}},
		{Title: "Audit log gaps", Category: model.Repudiation, Likelihood: 1, Impact: 2},
	} {
		if _, err := m.PutThreat(th, coreNow); err != nil {
			t.Fatal(err)
		}
	}
	return m
}

// filterActors types a text filter on the Actors step and keeps it.
func (h *harness) filterActors(q string) {
	h.t.Helper()
	h.goTo(StepActors)
	h.press("/")
	h.typeText(q)
	h.press("enter")
}

// quitAndRestart quits the way q does (every write landed) and starts
// again on the same file.
func (h *harness) quitAndRestart(size ...int) {
	h.t.Helper()
	h.press("q")
	if !h.a.quitting {
		h.t.Fatalf("q did not quit:\n%s", h.screen())
	}
	h.restart(size...)
	if h.a.s == nil {
		h.t.Fatalf("no model resumed:\n%s", h.screen())
	}
}

func TestResumeRestoresThreatsSortFiltersAndDetail(t *testing.T) {
	h := newHarness(t, []int{120, 40}, nil)
	h.seed(resumeModel(t))
	h.goTo(StepThreats)
	h.press("o", "O") // by id, reversed
	h.press("A")      // asset AS-001
	h.press("/")
	h.typeText("card to")
	h.press("enter")
	h.press("enter") // the detail of the one match
	p := h.a.page().(*threatsPage)
	if p.detail != "T-002" {
		t.Fatalf("detail %q:\n%s", p.detail, h.screen())
	}
	want := p.viewState()

	h.quitAndRestart(120, 40)
	if h.a.step != StepThreats {
		t.Fatalf("resumed on %v", h.a.step)
	}
	p = h.a.page().(*threatsPage)
	if got := p.viewState(); !got.Equal(want) {
		t.Fatalf("view %+v, want %+v", got, want)
	}
	if p.idx.sort != sortID || !p.idx.reverse || p.idx.filter.asset != "AS-001" || p.idx.filter.text != "card to" {
		t.Fatalf("index %v %v %+v", p.idx.sort, p.idx.reverse, p.idx.filter)
	}
	h.wantScreen("T-002", "Card token replay")

	// Back to the table: the filters still hold, esc clears them and that
	// is what the next start shows.
	h.press("esc")
	h.wantScreen("1/1 of 4")
	h.press("esc")
	h.quitAndRestart(120, 40)
	p = h.a.page().(*threatsPage)
	if p.detail != "" || p.idx.filter.active() || p.idx.sort != sortID || !p.idx.reverse {
		t.Fatalf("after clearing: detail %q filter %+v sort %v %v", p.detail, p.idx.filter, p.idx.sort, p.idx.reverse)
	}
	h.wantScreen("T-001", "T-004", "/4")
	h.dontWantScreen(" of 4")
}

func TestResumeRestoresListFiltersTabsAndStride(t *testing.T) {
	h := newHarness(t, nil, nil)
	h.seed(resumeModel(t))
	h.filterActors("support agent")
	h.goTo(StepStride)
	h.press("l", "m") // Tampering, every suggestion
	h.goTo(StepChecklists)
	h.press("]")
	tab := h.a.page().(*checklistPage).tab
	if tab != 1 {
		t.Fatalf("tab %d", tab)
	}
	h.quitAndRestart()
	if h.a.step != StepChecklists || h.a.page().(*checklistPage).tab != 1 {
		t.Fatalf("resumed at %v tab %d", h.a.step, h.a.page().(*checklistPage).tab)
	}
	h.goTo(StepActors)
	h.wantScreen("/support agent", "Support agent", "1/1 of 2")
	h.dontWantScreen("Fraudster")
	h.goTo(StepStride)
	sp := h.a.page().(*stridePage)
	if sp.category() != model.Tampering || !sp.allSuggestions {
		t.Fatalf("stride resumed on %v, all %v", sp.category(), sp.allSuggestions)
	}
}

// A jump onto a page whose saved filter hides the target still lands on it.
func TestResumedFilterGivesWayToAJump(t *testing.T) {
	h := newHarness(t, nil, nil)
	h.seed(resumeModel(t))
	h.filterActors("support")
	h.goTo(StepOverview)
	h.quitAndRestart()
	h.run(h.a.s.jump(StepActors, "TA-001"))
	if got := h.a.page().Selected(); got != "TA-001" {
		t.Fatalf("jump landed on %q:\n%s", got, h.screen())
	}
	h.wantScreen("Fraudster")
}

func TestResumeKeepsTimerTimeboxesAndPresenter(t *testing.T) {
	clk := &coreClock{now: coreNow}
	h := newHarness(t, []int{120, 40}, func(o *Options) {
		o.Clock = clk.Now
		o.Timebox = 10 * time.Minute
	})
	h.seed(resumeModel(t))
	h.press("t")
	clk.Advance(3 * time.Minute)
	h.goTo(StepAssets)
	h.press("b") // Assets: 15:00
	clk.Advance(2 * time.Minute)
	h.press("f5")
	if !h.a.presenter() {
		t.Fatal("f5 did not turn presenter mode on")
	}
	h.wantScreen("running 5:00", "step 2:00/15:00")

	h.quitAndRestart(120, 40)
	clk.Advance(time.Hour) // threatdeck was closed: not session time
	if h.a.timer.running {
		t.Fatal("the timer resumed running by itself")
	}
	if !h.a.presenter() || !h.a.styles.Theme.HighContrast {
		t.Fatal("presenter mode was not restored")
	}
	h.wantScreen("Timer paused at 5:00", "paused 5:00", "step 2:00/15:00")
	h.goTo(StepOverview)
	h.wantScreen("paused 5:00", "step 3:00/10:00")
	h.press("t")
	clk.Advance(time.Minute)
	h.wantScreen("running 6:00", "step 4:00/10:00")

	// Presenter off is remembered too.
	h.press("f5")
	h.quitAndRestart(120, 40)
	if h.a.presenter() {
		t.Fatal("presenter mode came back after it was turned off")
	}
	h.wantScreen("paused 6:00")
}

// ctrl+o to the list and back (to the same model, or another first) keeps
// a running timer running, with its count.
func TestModelListAndBackKeepsRunningTimer(t *testing.T) {
	clk := &coreClock{now: coreNow}
	h := newHarness(t, []int{120, 40}, func(o *Options) { o.Clock = clk.Now })
	other, _ := model.New("Other model", "", coreNow)
	if _, err := h.st.Create(other); err != nil {
		t.Fatal(err)
	}
	h.seed(resumeModel(t))
	id := h.a.s.m.ID
	h.filterActors("support")
	h.press("t")
	clk.Advance(2 * time.Minute)
	h.press("ctrl+o")
	h.wantScreen("Threat models", "Other model")
	clk.Advance(time.Minute)
	// Open the other model: its own timer, not running.
	h.press("/")
	h.typeText("other")
	h.press("enter", "enter")
	if h.a.s == nil || h.a.s.m.ID == id || h.a.timer.running {
		t.Fatalf("other model: %v running %v", h.a.s, h.a.timer.running)
	}
	h.wantScreen("paused 0:00")
	h.press("ctrl+o", "esc", "/")
	h.typeText("payments")
	h.press("enter", "enter")
	if h.a.s == nil || h.a.s.m.ID != id {
		t.Fatalf("did not reopen the model:\n%s", h.screen())
	}
	if !h.a.timer.running {
		t.Fatal("reopening through ctrl+o stopped the timer")
	}
	h.wantScreen("running 3:00", "/support", "1/1 of 2")
	// One tick loop: a tick of an old generation does nothing.
	if cmd := h.a.timer.tick(timerTickMsg{gen: h.a.timer.gen - 1}); cmd != nil {
		t.Fatal("an old tick loop still ticks")
	}
}

// Positions stored before views, the timer and presenter mode were kept
// still resume; fields a later version adds are ignored.
func TestResumeReadsOldAndNewerPositions(t *testing.T) {
	h := newHarness(t, nil, nil)
	h.seed(resumeModel(t))
	id := h.a.s.m.ID
	h.a.s.writes.wait()
	for name, raw := range map[string]string{
		"old":   `{"model_id":"` + id + `","step":"threats","item":"T-003"}`,
		"newer": `{"model_id":"` + id + `","step":"threats","item":"T-003","views":{"threats":{"sort":"title","facets":{"status":"open"},"colour":"red"}},"timer":{"total":60000000000,"laps":[1,2]},"zoom":2}`,
	} {
		t.Run(name, func(t *testing.T) {
			var p model.Position
			if err := json.Unmarshal([]byte(raw), &p); err != nil {
				t.Fatal(err)
			}
			if err := h.st.SetPosition(p); err != nil {
				t.Fatal(err)
			}
			h.restart()
			if h.a.step != StepThreats || h.a.page().Selected() != "T-003" {
				t.Fatalf("resumed at %v %q", h.a.step, h.a.page().Selected())
			}
			tp := h.a.page().(*threatsPage)
			if name == "newer" && (tp.idx.sort != sortTitle || tp.idx.filter.status != model.StatusOpen || h.a.timer.total != time.Minute) {
				t.Fatalf("newer position: sort %v filter %+v timer %v", tp.idx.sort, tp.idx.filter, h.a.timer.total)
			}
		})
	}
}
