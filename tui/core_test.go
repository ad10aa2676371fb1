package tui

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/threatdeck/threatdeck/model"
)

func TestWelcomeOffersTheThreeStarts(t *testing.T) {
	h := newHarness(t, nil, nil)
	h.wantScreen("Welcome to threatdeck", "New threat model", "Open the example", "Import a file")

	// Without Example and Import wired, only "new" is offered.
	h2 := newHarness(t, nil, func(o *Options) { o.Example, o.Import = nil, nil })
	h2.wantScreen("New threat model")
	h2.dontWantScreen("Open the example", "Import a file")
}

func TestWelcomeNewModelIsSavedAndOpened(t *testing.T) {
	h := newHarness(t, nil, nil)
	h.press("enter") // first menu entry: new model
	h.wantScreen("New threat model", "Title *")
	h.press("enter") // empty title
	h.wantScreen("Title is required")
	h.typeText("Payments API")
	h.press("tab")
	h.typeText("Alice")
	h.press("enter")
	h.wantScreen("Payments API", "Owner:        Alice", "Overview")
	list, err := h.st.List()
	if err != nil || len(list) != 1 || list[0].Title != "Payments API" || list[0].Owner != "Alice" {
		t.Fatalf("workbook holds %+v, %v", list, err)
	}
}

func TestWelcomeOpensTheExample(t *testing.T) {
	h := newHarness(t, nil, nil)
	h.press("down", "enter")
	if h.a.s == nil {
		t.Fatalf("example not opened:\n%s", h.screen())
	}
	want := model.Example(coreNow).Overview.Title
	h.wantScreen(truncate(want, 30))
	if list, _ := h.st.List(); len(list) != 1 {
		t.Fatalf("example not stored: %+v", list)
	}
}

func TestWelcomeImportErrorKeepsThePath(t *testing.T) {
	h := newHarness(t, nil, nil)
	h.press("down", "down", "enter")
	h.typeText("bad.json")
	h.press("enter")
	h.wantScreen("not a threat model file", "bad.json")
	if h.a.s != nil {
		t.Fatal("a failed import opened a model")
	}
	for range len("bad.json") {
		h.press("backspace")
	}
	h.typeText("good.json")
	h.press("enter")
	h.wantScreen("Imported model")
}

func TestModelListFiltersAndOpens(t *testing.T) {
	h := newHarness(t, nil, nil)
	for _, title := range []string{"Payments API", "Mobile app", "Admin portal"} {
		m, _ := model.New(title, "", coreNow)
		if _, err := h.st.Create(m); err != nil {
			t.Fatal(err)
		}
	}
	h.restart()
	h.wantScreen("Threat models", "Payments API", "Mobile app", "Admin portal")
	h.press("/")
	h.typeText("mob")
	h.wantScreen("Mobile app")
	h.dontWantScreen("Payments API")
	h.press("enter", "enter")
	if h.a.s == nil || h.a.s.m.Overview.Title != "Mobile app" {
		t.Fatalf("opened the wrong model:\n%s", h.screen())
	}
	// ctrl+o goes back to the list.
	h.press("ctrl+o")
	h.wantScreen("Threat models")
}

func TestResumesWhereTheUserStopped(t *testing.T) {
	h := newHarness(t, nil, nil)
	h.seed(fixtureModel(t))
	h.goTo(StepActors)
	h.press("j")
	if got := h.a.page().Selected(); got != "TA-002" {
		t.Fatalf("selected %q", got)
	}
	h.restart()
	if h.a.s == nil || h.a.step != StepActors || h.a.page().Selected() != "TA-002" {
		t.Fatalf("resumed at %v %q:\n%s", h.a.step, h.a.page().Selected(), h.screen())
	}
}

// On the Review step the selection is a gap, remembered by its key.
func TestResumesOnTheSelectedGap(t *testing.T) {
	h := newHarness(t, nil, nil)
	h.seed(fixtureModel(t))
	h.goTo(StepReview)
	h.press("j", "j")
	gaps := h.stored().Missing()
	if len(gaps) < 3 {
		t.Fatalf("the fixture has %d gaps; the test wants three or more", len(gaps))
	}
	want := gaps[2].Key()
	if got := h.a.page().Selected(); got != want {
		t.Fatalf("selected %q, want the third gap %q", got, want)
	}
	h.restart()
	if h.a.s == nil || h.a.step != StepReview || h.a.page().Selected() != want {
		t.Fatalf("resumed at %v %q, want review %q:\n%s", h.a.step, h.a.page().Selected(), want, h.screen())
	}
	h.wantScreen("3/" + itoa(len(gaps)))
}

func TestAssetsAddEditDelete(t *testing.T) {
	h := newHarness(t, nil, nil)
	h.newModel("Shop", "Bob")
	h.goTo(StepAssets)
	h.wantScreen("No assets yet")

	h.press("a")
	h.typeText("Customer data")
	h.press("tab")
	h.typeText("Names and addresses")
	h.press("tab", "down", "down") // sensitivity: internal → confidential → restricted
	h.press("enter")
	h.wantScreen("AS-001", "Customer data", "Restricted", "Added asset AS-001")
	got := h.stored().Assets
	if len(got) != 1 || got[0].Name != "Customer data" || got[0].Description != "Names and addresses" || got[0].Sensitivity != model.Restricted {
		t.Fatalf("stored %+v", got)
	}

	h.press("e")
	h.typeText(" records")
	h.press("ctrl+s")
	if n := h.stored().Assets[0].Name; n != "Customer data records" {
		t.Fatalf("edited name %q", n)
	}

	h.press("d")
	h.wantScreen("Delete asset AS-001")
	h.press("n")
	if len(h.stored().Assets) != 1 {
		t.Fatal("n deleted the asset")
	}
	h.press("d", "y")
	if len(h.stored().Assets) != 0 {
		t.Fatal("y did not delete the asset")
	}
	h.wantScreen("No assets yet")
}

func TestFormShowsValidationBesideTheField(t *testing.T) {
	h := newHarness(t, nil, nil)
	h.seed(fixtureModel(t))
	h.goTo(StepAssets)
	h.press("a", "tab")
	h.typeText("no name given")
	h.press("ctrl+s")
	h.wantScreen("Name is required", "no name given")
	if h.a.page().Capturing() != true {
		t.Fatal("form closed on a validation error")
	}
	if len(h.stored().Assets) != 2 {
		t.Fatal("an invalid asset was stored")
	}
}

func TestWriteFailureKeepsTheTextAndTheModel(t *testing.T) {
	h := newHarness(t, nil, nil)
	h.seed(fixtureModel(t))
	fw := &failingWorkbook{Workbook: h.st, fail: true}
	h.a.s.wb = fw
	h.goTo(StepAssets)
	h.press("a")
	h.typeText("Session cookies")
	h.press("enter")
	h.wantScreen("disk full", "Session cookies", "New asset")
	if len(h.a.s.m.Assets) != 2 {
		t.Fatalf("in-memory model kept the unsaved asset: %+v", h.a.s.m.Assets)
	}
	// The disk recovers: the same form saves.
	fw.fail = false
	h.press("enter")
	h.wantScreen("Added asset")
	if got := h.stored().Assets; len(got) != 3 || got[2].Name != "Session cookies" {
		t.Fatalf("stored %+v", got)
	}
}

func TestUndoRevertsAndPersists(t *testing.T) {
	h := newHarness(t, nil, nil)
	h.seed(fixtureModel(t))
	h.goTo(StepActors)
	h.press("d", "y")
	if len(h.stored().Actors) != 1 {
		t.Fatal("delete not stored")
	}
	h.press("u")
	h.wantScreen("Undid “Deleted actor TA-001”", "Fraudster")
	if got := h.stored().Actors; len(got) != 2 || got[0].Name != "Fraudster" {
		t.Fatalf("undo not stored: %+v", got)
	}
	h.press("u")
	h.wantScreen("Nothing to undo")
}

func TestActorFormSelects(t *testing.T) {
	h := newHarness(t, nil, nil)
	h.seed(fixtureModel(t))
	h.goTo(StepActors)
	h.press("a")
	h.typeText("Nation state")
	h.press("tab", "tab", "tab") // description, motivation, kind
	h.press("down")              // kind: internal
	h.press("tab", "down")       // capability: high
	h.press("tab", "up")         // risk: low
	h.press("enter")
	got, ok := h.stored().Actor("TA-003")
	if !ok || got.Kind != model.Insider || got.Capability != model.High || got.Risk != model.Low {
		t.Fatalf("stored %+v", got)
	}
}

func TestSurfaceFlowEnds(t *testing.T) {
	h := newHarness(t, nil, nil)
	h.seed(fixtureModel(t))
	h.goTo(StepSurface)
	h.wantScreen("SE-001>SE-002")
	h.press("a")
	h.typeText("Webhook")
	h.press("tab")
	h.typeText("dataflow") // filter the kinds
	h.press("tab", "tab", "tab")
	h.press("down")                // from: SE-001
	h.press("tab", "down", "down") // to: SE-002
	h.press("enter")
	got, ok := h.stored().Element("SE-004")
	if !ok || got.Kind != model.KindDataFlow || got.Source != "SE-001" || got.Target != "SE-002" {
		t.Fatalf("stored %+v, %v", got, ok)
	}
	// Deleting an end detaches the flows and says so first.
	h.press("home", "d")
	h.wantScreen("2 data flow(s)")
	h.press("y")
	for _, e := range h.stored().Surface {
		if e.Source == "SE-001" {
			t.Fatalf("flow %s still starts at a deleted element", e.ID)
		}
	}
}

func TestOverviewForm(t *testing.T) {
	h := newHarness(t, []int{120, 40}, nil)
	h.seed(fixtureModel(t))
	h.press("e")
	h.press("tab") // owner
	h.typeText(" (Carol)")
	h.press("tab", "tab", "tab") // summary, scope, participants
	h.typeText(", Dan")
	h.press("tab", "down") // status: in review
	h.press("tab", "down") // edition: 2021
	h.press("enter")
	o := h.stored().Overview
	if o.Owner != "Platform team (Carol)" || len(o.Participants) != 3 || o.Status != model.ReviewInReview || o.Edition != model.OWASP2021 {
		t.Fatalf("stored %+v", o)
	}
	h.wantScreen("In review", "OWASP Top 10 2021", "Alice, Bob, Dan")
}

func TestQInsideATextFieldTypesQ(t *testing.T) {
	h := newHarness(t, nil, nil)
	h.seed(fixtureModel(t))
	h.goTo(StepAssets)
	h.press("a")
	h.typeText("quiet queue")
	if h.a.quitting {
		t.Fatal("q in a text field quit")
	}
	h.press("enter")
	if got := h.stored().Assets[2].Name; got != "quiet queue" {
		t.Fatalf("stored %q", got)
	}
	// The filter captures too.
	h.press("/")
	h.typeText("q")
	if h.a.quitting {
		t.Fatal("q in the filter quit")
	}
	h.press("esc", "q")
	if !h.a.quitting {
		t.Fatal("q on the list did not quit")
	}
}

func TestParkingLot(t *testing.T) {
	h := newHarness(t, nil, nil)
	h.seed(fixtureModel(t))
	h.goTo(StepSurface)
	h.press("p")
	h.typeText("Do we log refunds?")
	h.press("enter")
	if h.a.step != StepSurface || h.a.park != nil {
		t.Fatal("parking left the screen or stayed open")
	}
	h.wantScreen("1 parked", "Added parking-lot item P-001")
	if p := h.stored().Parking; len(p) != 1 || p[0].Text != "Do we log refunds?" {
		t.Fatalf("stored %+v", p)
	}

	h.press("L")
	h.wantScreen("Parking lot", "P-001", "Do we log refunds?")
	h.press("space")
	if !h.stored().Parking[0].Resolved {
		t.Fatal("space did not resolve")
	}
	h.press("space", "t")
	h.wantScreen("Turn P-001 into a threat")
	h.press("tab", "down", "down") // category: repudiation
	h.press("enter")
	if h.a.step != StepThreats || h.a.lot != nil {
		t.Fatalf("not on the new threat: step %v", h.a.step)
	}
	m := h.stored()
	th, ok := m.Threat("T-001")
	if !ok || th.Title != "Do we log refunds?" || th.Category != model.Repudiation || !m.Parking[0].Resolved {
		t.Fatalf("threat %+v, parking %+v", th, m.Parking)
	}
	// One undo takes back both halves.
	h.press("esc", "u")
	m = h.stored()
	if len(m.Threats) != 0 || m.Parking[0].Resolved {
		t.Fatalf("undo left threats %d, resolved %v", len(m.Threats), m.Parking[0].Resolved)
	}
}

func TestSizeGuard(t *testing.T) {
	h := newHarness(t, []int{79, 30}, nil)
	h.seed(fixtureModel(t))
	h.wantScreen("at least 80×24", "79×30")
	h.press("2")
	if h.a.step != StepOverview {
		t.Fatal("keys reach the screen while it is too small")
	}
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	h.dontWantScreen("at least 80×24")
	h.send(tea.WindowSizeMsg{Width: 100, Height: 20})
	h.wantScreen("100×20")
	h.press("q")
	if !h.a.quitting {
		t.Fatal("q does not quit the size message")
	}
}

// Every frame fills the terminal exactly: no line wider than it, no more
// lines than it has, at every size and on every core screen.
func TestFramesFitEveryTerminalSize(t *testing.T) {
	h := newHarness(t, nil, nil)
	h.seed(fixtureModel(t))
	sizes := [][2]int{{80, 24}, {81, 25}, {100, 30}, {120, 40}, {200, 60}}
	for _, st := range []Step{StepOverview, StepAssets, StepActors, StepSurface} {
		h.goTo(st)
		for _, sz := range sizes {
			h.send(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
			for _, presenter := range []bool{false, true} {
				if h.a.presenter() != presenter {
					h.press("f5")
				}
				lines := strings.Split(h.a.render(), "\n")
				if len(lines) != sz[1] {
					t.Errorf("%v at %dx%d presenter=%v: %d lines", st, sz[0], sz[1], presenter, len(lines))
				}
				for i, l := range lines {
					if w := ansi.StringWidth(l); w > sz[0] {
						t.Errorf("%v at %dx%d: line %d is %d wide: %q", st, sz[0], sz[1], i, w, ansi.Strip(l))
					}
				}
			}
		}
	}
}

func TestMouseWheelScrollsTheList(t *testing.T) {
	h := newHarness(t, nil, nil)
	m := fixtureModel(t)
	for i := range 30 {
		if _, err := m.PutAsset(model.Asset{Name: "Asset " + itoa(i)}, coreNow); err != nil {
			t.Fatal(err)
		}
	}
	h.seed(m)
	h.goTo(StepAssets)
	h.send(tea.MouseWheelMsg{Button: tea.MouseWheelDown})
	if got := h.a.page().Selected(); got != "AS-004" {
		t.Fatalf("wheel down selected %q", got)
	}
	h.send(tea.MouseWheelMsg{Button: tea.MouseWheelUp})
	if got := h.a.page().Selected(); got != "AS-001" {
		t.Fatalf("wheel up selected %q", got)
	}
}

func TestPresenterModeHidesHelpClutter(t *testing.T) {
	h := newHarness(t, []int{120, 40}, nil)
	h.seed(fixtureModel(t))
	h.goTo(StepAssets)
	h.wantScreen("d delete", "p park an idea")
	h.press("f5")
	h.wantScreen("Presenter mode on")
	h.dontWantScreen("d delete", "p park an idea")
	if !h.a.styles.Theme.HighContrast {
		t.Fatal("presenter mode is not high contrast")
	}
	h.press("f5")
	h.wantScreen("d delete")
}

func TestTimerTurnsAmberThenRed(t *testing.T) {
	clk := &coreClock{now: coreNow}
	h := newHarness(t, []int{120, 40}, func(o *Options) {
		o.Clock = clk.Now
		o.Timebox = 10 * time.Minute
	})
	h.seed(fixtureModel(t))
	h.press("t")
	if !h.a.timer.running {
		t.Fatal("t did not start the timer")
	}
	for _, c := range []struct {
		after time.Duration
		level timerLevel
		shows string
	}{{5 * time.Minute, timerOK, "step 5:00/10:00"}, {3 * time.Minute, timerAmber, "step 8:00/10:00"}, {2 * time.Minute, timerRed, "step 10:00/10:00"}} {
		clk.Advance(c.after)
		if got := h.a.timer.level(clk.Now()); got != c.level {
			t.Errorf("after %v: level %v, want %v", c.shows, got, c.level)
		}
		h.wantScreen(c.shows)
	}
	h.press("t") // pause
	clk.Advance(time.Hour)
	h.wantScreen("paused 10:00", "step 10:00/10:00")
	h.press("T") // reset the step
	h.wantScreen("step 0:00/10:00")
	// A new step starts its own count.
	h.press("t")
	clk.Advance(time.Minute)
	h.goTo(StepAssets)
	h.wantScreen("running 11:00", "step 0:00/10:00")

	// b cycles this step's own timebox; the others keep the default.
	h.press("b")
	h.wantScreen("Timebox for Assets: 15:00", "step 0:00/15:00")
	for range len(timeboxChoices) - 3 {
		h.press("b")
	}
	h.wantScreen("No timebox for Assets")
	h.dontWantScreen("step 0:00/")
	h.goTo(StepActors)
	h.wantScreen("step 0:00/10:00")
}

// A stored string carrying escape sequences (a workbook written by another
// tool) must never reach the terminal raw, on any core screen.
func TestStoredEscapesNeverReachTheTerminal(t *testing.T) {
	evil := "x\x1b]0;pwned\x07\x1b[2J\x1b[31mred\u202e\x9b1m"
	m := fixtureModel(t)
	m.Overview.Title += evil
	m.Overview.Owner += evil
	m.Overview.Summary += evil
	m.Overview.Participants = append(m.Overview.Participants, evil)
	m.Assets[0].Name += evil
	m.Assets[0].Description += evil
	m.Actors[0].Name += evil
	m.Actors[0].Motivation += evil
	m.Surface[0].Name += evil
	m.Surface[0].TrustZone += evil
	m.Parking = append(m.Parking, model.ParkingItem{ID: "P-001", Text: evil, Created: coreNow})
	wb := &rawWorkbook{m: m}
	h := newHarness(t, []int{120, 40}, func(o *Options) { o.Workbook = wb; o.ModelID = "raw" })
	h.wb = wb
	h.start([]int{120, 40})
	if h.a.s == nil {
		t.Fatalf("model not opened:\n%s", h.screen())
	}
	check := func(where string) {
		t.Helper()
		out := h.a.render()
		for _, bad := range []string{"\x1b]", "\x1b[2J", "\x07", "\u202e", "\x9b", "\x1b[31m"} {
			if strings.Contains(out, bad) {
				t.Fatalf("%s: frame contains %q", where, bad)
			}
		}
	}
	for _, st := range []Step{StepOverview, StepAssets, StepActors, StepSurface} {
		h.goTo(st)
		check(st.String())
		h.press("e")
		check(st.String() + " form")
		h.press("esc")
	}
	h.press("L")
	check("parking lot")
	h.press("esc", "ctrl+o")
	check("model list")
}

// rawWorkbook serves one model exactly as given, bypassing the mutators'
// cleaning, and keeps edits in memory.
type rawWorkbook struct {
	m   *model.Model
	pos model.Position
}

func (w *rawWorkbook) Path() string { return "raw\x1b]0;path\x07.db" }
func (w *rawWorkbook) List() ([]model.Summary, error) {
	s := w.m.Summarize()
	s.ID = "raw"
	return []model.Summary{s}, nil
}
func (w *rawWorkbook) Create(*model.Model) (string, error) { return "", errDiskFull }
func (w *rawWorkbook) Load(string) (*model.Model, error)   { w.m.ID = "raw"; return w.m, nil }
func (w *rawWorkbook) Commit(string, model.Edit) error     { return nil }
func (w *rawWorkbook) Delete(string) error                 { return nil }
func (w *rawWorkbook) Position() (model.Position, error)   { return w.pos, nil }
func (w *rawWorkbook) SetPosition(p model.Position) error {
	w.pos = p
	return nil
}
func (w *rawWorkbook) ModelPosition(string) (model.Position, error) { return w.pos, nil }

func TestPasteIsCleaned(t *testing.T) {
	h := newHarness(t, nil, nil)
	h.seed(fixtureModel(t))
	h.goTo(StepAssets)
	h.press("a")
	h.send(tea.PasteMsg{Content: "Pasted\x1b[2J\x1b]0;t\x07 name\nsecond line"})
	h.press("enter")
	if got := h.stored().Assets[2].Name; got != "Pasted name second line" {
		t.Fatalf("stored %q", got)
	}
}

// A terminal sends a paste's line breaks as CR: a multi-line field keeps
// them as lines, a one-line field makes them spaces, and none is lost.
func TestPastedLineBreaks(t *testing.T) {
	for _, tc := range []struct {
		name, paste, name2, desc string
	}{
		{"cr", "one\rtwo", "one two", "one\ntwo"},
		{"crlf", "one\r\ntwo", "one two", "one\ntwo"},
		{"lf", "one\ntwo", "one two", "one\ntwo"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, nil, nil)
			h.seed(fixtureModel(t))
			h.goTo(StepAssets)
			h.press("a")
			h.send(tea.PasteMsg{Content: tc.paste})
			h.press("tab")
			h.send(tea.PasteMsg{Content: tc.paste})
			h.press("ctrl+s")
			got := h.stored().Assets[2]
			if got.Name != tc.name2 || got.Description != tc.desc {
				t.Fatalf("stored name %q, description %q; want %q, %q", got.Name, got.Description, tc.name2, tc.desc)
			}
		})
	}
}

// NO_COLOR turns colour off but keeps the layout and a visible cursor.
func TestNoColorEnvironment(t *testing.T) {
	t.Setenv("NO_COLOR", "1")
	h := newHarness(t, []int{120, 40}, func(o *Options) { o.NoColor = false })
	h.seed(fixtureModel(t))
	for _, st := range []Step{StepOverview, StepAssets, StepActors, StepSurface} {
		h.goTo(st)
		out := h.a.render()
		if c := colourSGR(out); c != "" {
			t.Fatalf("%v: colour sequence %q with NO_COLOR", st, c)
		}
		if st != StepOverview && !strings.Contains(out, "\x1b[7m") {
			t.Errorf("%v: no reverse video for the selected row", st)
		}
	}
}

// Accessible mode: no alternate screen, no mouse, and no box or
// decorative glyphs a screen reader would spell out.
func TestAccessibleMode(t *testing.T) {
	h := newHarness(t, []int{120, 40}, func(o *Options) { o.Accessible = true })
	h.seed(fixtureModel(t))
	if v := h.a.View(); v.AltScreen || v.MouseMode != tea.MouseModeNone {
		t.Fatalf("alt screen %v, mouse %v", v.AltScreen, v.MouseMode)
	}
	check := func(where string) {
		t.Helper()
		for _, g := range []string{"╭", "│", "─", "›", "✓", "◐", "•", "▶", "⏸"} {
			if strings.Contains(h.screen(), g) {
				t.Fatalf("%s shows %q:\n%s", where, g, h.screen())
			}
		}
	}
	for _, st := range []Step{StepOverview, StepAssets, StepActors, StepSurface} {
		h.goTo(st)
		check(st.String())
		h.press("e")
		check(st.String() + " form")
		h.press("esc")
	}
	h.press("L")
	check("parking lot")
	// Forms put each label on its own line, the value under it.
	h.press("esc", "2", "e")
	h.wantScreen("> Name *:\n   Card tokens")
}

var sgrRE = regexp.MustCompile(`\x1b\[([0-9;:]*)m`)

// colourSGR returns the first SGR sequence in s that sets a colour.
func colourSGR(s string) string {
	for _, m := range sgrRE.FindAllStringSubmatch(s, -1) {
		for _, p := range strings.FieldsFunc(m[1], func(r rune) bool { return r == ';' || r == ':' }) {
			n, _ := strconv.Atoi(p)
			if (n >= 30 && n <= 38) || (n >= 40 && n <= 48) || (n >= 90 && n <= 97) || (n >= 100 && n <= 107) {
				return strconv.Quote(m[0])
			}
		}
	}
	return ""
}
