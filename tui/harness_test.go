package tui

import (
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/threatdeck/threatdeck/export"
	"github.com/threatdeck/threatdeck/model"
	"github.com/threatdeck/threatdeck/store"
)

// The TUI's tests drive the real root model over a real workbook file in
// t.TempDir(), the way the program would: keys go in through app.Update,
// commands run synchronously (saves reach bbolt before the next key), and
// the screen is read back from app.render. There is one harness; it
// starts either on the welcome screen of an empty workbook (newHarness)
// or with a model already stored and open (openHarness).

// coreNow is the fixed clock of tests started on the welcome screen.
var coreNow = time.Date(2025, 6, 2, 10, 0, 0, 0, time.UTC)

// scrNow is the fixed clock of tests started on an open model.
var scrNow = time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)

// harness is one TUI session on a real workbook file.
type harness struct {
	t    testing.TB
	path string
	st   *store.Store
	// wb is what the app sees: the store, or a wrapper that fails writes.
	wb   Workbook
	a    *app
	opts Options
	// id is the model openHarness stored and opened.
	id string
}

// coreClock is a settable clock for timer tests.
type coreClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *coreClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *coreClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// newHarness opens an empty workbook in t.TempDir() and starts the TUI on
// its welcome screen at 80×24 (or size), colourless, on coreNow. tweak
// adjusts the options before the app is built.
func newHarness(t testing.TB, size []int, tweak func(*Options)) *harness {
	t.Helper()
	h := &harness{t: t, path: filepath.Join(t.TempDir(), "workbook.db")}
	h.openStore()
	h.opts = Options{
		Workbook: h.st,
		Clock:    func() time.Time { return coreNow },
		Location: time.UTC,
		NoColor:  true,
		Example:  model.Example,
		Import: func(path string) (*model.Model, error) {
			if path == "good.json" {
				return model.New("Imported model", "Importer", coreNow)
			}
			return nil, errors.New("not a threat model file")
		},
	}
	if tweak != nil {
		tweak(&h.opts)
	}
	h.start(size)
	return h
}

// openHarness stores m in a fresh workbook and opens it in the TUI at
// 80×24 (or the given size), colourless, on scrNow, with the real report
// renderer and file writer.
func openHarness(t testing.TB, m *model.Model, size ...int) *harness {
	t.Helper()
	h := &harness{t: t, path: filepath.Join(t.TempDir(), "workbook.db")}
	h.openStore()
	id, err := h.st.Create(m)
	if err != nil {
		t.Fatal(err)
	}
	h.id = id
	h.opts = scrOptions(h.st, id)
	h.start(size)
	if h.a.s == nil {
		t.Fatalf("model did not open:\n%s", h.screen())
	}
	return h
}

// scrOptions are openHarness's options (and the screens' goldens').
func scrOptions(st *store.Store, id string) Options {
	return Options{
		Workbook:  st,
		Render:    export.Markdown,
		WriteFile: export.WriteFile,
		Clock:     func() time.Time { return scrNow },
		ModelID:   id,
		NoColor:   true,
	}
}

func (h *harness) openStore() {
	h.t.Helper()
	st, err := store.Open(h.path, store.Options{})
	if err != nil {
		h.t.Fatal(err)
	}
	h.st = st
	h.t.Cleanup(func() { st.Close() })
}

func (h *harness) start(size []int) {
	h.t.Helper()
	if h.wb == nil {
		h.opts.Workbook = h.st
	} else {
		h.opts.Workbook = h.wb
	}
	h.a = newApp(h.opts)
	h.a.timer.every = 0
	w, ht := 80, 24
	if len(size) == 2 {
		w, ht = size[0], size[1]
	}
	h.send(tea.WindowSizeMsg{Width: w, Height: ht})
	h.run(h.a.Init())
}

// restart simulates quitting and starting again on the same file.
func (h *harness) restart(size ...int) {
	h.t.Helper()
	if h.a.s != nil {
		h.a.s.writes.wait()
	}
	if err := h.st.Close(); err != nil {
		h.t.Fatal(err)
	}
	h.openStore()
	h.wb = nil
	h.start(size)
}

// send delivers one message and runs what it sets off.
func (h *harness) send(msg tea.Msg) {
	h.t.Helper()
	_, cmd := h.a.Update(msg)
	h.run(cmd)
}

// run executes a command and feeds its messages back until nothing is left.
func (h *harness) run(cmd tea.Cmd) {
	h.t.Helper()
	drain(h.a, cmd, h.send)
}

// drain runs cmd the way the real program would (batches and sequences
// unpacked, depth first) and hands each message it yields to deliver.
// Terminal requests (background colour …) are for the real terminal and are
// dropped; a quit marks the app as quitting. The live tests' clients use it too.
func drain(a *app, cmd tea.Cmd, deliver func(tea.Msg)) {
	drainWith(a, cmd, deliver, func(c tea.Cmd) { drain(a, c, deliver) })
}

// drainWith is drain with the runner of nested commands given, so a
// harness can hold some back (the live harness parks the event reader).
func drainWith(a *app, cmd tea.Cmd, deliver func(tea.Msg), run func(tea.Cmd)) {
	if cmd == nil {
		return
	}
	msg := cmd()
	switch m := msg.(type) {
	case nil:
		return
	case tea.BatchMsg:
		for _, c := range m {
			run(c)
		}
		return
	case tea.QuitMsg:
		a.quitting = true
		return
	}
	// tea.Sequence's message is an unexported slice of commands.
	if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().Elem() == reflect.TypeFor[tea.Cmd]() {
		for i := range v.Len() {
			run(v.Index(i).Interface().(tea.Cmd))
		}
		return
	}
	name := reflect.TypeOf(msg).String()
	if strings.HasPrefix(name, "tea.") && !strings.HasPrefix(name, "tea.Key") && !strings.HasPrefix(name, "tea.Mouse") &&
		!strings.HasPrefix(name, "tea.Paste") && !strings.HasPrefix(name, "tea.WindowSizeMsg") {
		return
	}
	deliver(msg)
}

// press sends keys by name ("a", "enter", "shift+tab", "ctrl+s", "f5" …).
func (h *harness) press(keys ...string) {
	h.t.Helper()
	pressKeys(h.send, keys...)
}

// typeText types text one key at a time.
func (h *harness) typeText(s string) {
	h.t.Helper()
	typeKeys(h.send, s)
}

// pressKeys sends keys by name through send (the live tests' clients use
// it too).
func pressKeys(send func(tea.Msg), keys ...string) {
	for _, k := range keys {
		send(coreKey(k))
	}
}

// typeKeys types s through send, one key press per character.
func typeKeys(send func(tea.Msg), s string) {
	for _, r := range s {
		send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

func coreKey(k string) tea.KeyPressMsg {
	named := map[string]rune{
		"enter": tea.KeyEnter, "esc": tea.KeyEscape, "tab": tea.KeyTab, "up": tea.KeyUp, "down": tea.KeyDown,
		"left": tea.KeyLeft, "right": tea.KeyRight, "backspace": tea.KeyBackspace, "pgup": tea.KeyPgUp,
		"pgdown": tea.KeyPgDown, "home": tea.KeyHome, "end": tea.KeyEnd, "f5": tea.KeyF5,
	}
	if k == "space" {
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	}
	if k == "shift+tab" {
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	}
	if r, ok := named[k]; ok {
		return tea.KeyPressMsg{Code: r}
	}
	if rest, ok := strings.CutPrefix(k, "ctrl+"); ok {
		return tea.KeyPressMsg{Code: []rune(rest)[0], Mod: tea.ModCtrl}
	}
	r := []rune(k)[0]
	return tea.KeyPressMsg{Code: r, Text: k}
}

// screen is the current frame as plain text.
func (h *harness) screen() string { return ansi.Strip(h.a.render()) }

// wantScreen fails unless every string is in the frame.
func (h *harness) wantScreen(subs ...string) {
	h.t.Helper()
	s := h.screen()
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			h.t.Fatalf("screen lacks %q:\n%s", sub, s)
		}
	}
}

// dontWantScreen fails if any string is in the frame (status line and
// help bar included; dontWantBody looks at the page alone).
func (h *harness) dontWantScreen(subs ...string) {
	h.t.Helper()
	s := h.screen()
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			h.t.Fatalf("screen shows %q:\n%s", sub, s)
		}
	}
}

// body is the current page's drawing, without the frame (so the status
// line and help bar do not count).
func (h *harness) body() string {
	w, ht := h.a.bodySize()
	return ansi.Strip(h.a.page().View(w, ht))
}

// dontWantBody fails if any string is in the page's body.
func (h *harness) dontWantBody(subs ...string) {
	h.t.Helper()
	s := h.body()
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			h.t.Fatalf("page shows %q:\n%s", sub, s)
		}
	}
}

// m is the session's in-memory model.
func (h *harness) m() *model.Model { return h.a.s.m }

// pageOf returns the current page as its concrete type.
func pageOf[P page](h *harness) P {
	h.t.Helper()
	p, ok := h.a.page().(P)
	if !ok {
		h.t.Fatalf("current page is %T", h.a.page())
	}
	return p
}

// stored loads the open model back from the workbook file.
func (h *harness) stored() *model.Model {
	h.t.Helper()
	if h.a.s == nil {
		h.t.Fatal("no model open")
	}
	h.a.s.writes.wait()
	m, err := h.st.Load(h.a.s.m.ID)
	if err != nil {
		h.t.Fatal(err)
	}
	return m
}

// newModel creates a model from the welcome screen and opens it.
func (h *harness) newModel(title, owner string) {
	h.t.Helper()
	h.press("a")
	h.typeText(title)
	h.press("tab")
	h.typeText(owner)
	h.press("enter")
	if h.a.s == nil {
		h.t.Fatalf("model not opened:\n%s", h.screen())
	}
}

// seed stores m in the workbook and opens it, as if chosen from the list.
func (h *harness) seed(m *model.Model) {
	h.t.Helper()
	m.Normalize()
	id, err := h.st.Create(m)
	if err != nil {
		h.t.Fatal(err)
	}
	h.run(func() tea.Msg { return openModel(h.a.opts.Workbook, id) })
	if h.a.s == nil {
		h.t.Fatalf("model not opened:\n%s", h.screen())
	}
}

// goTo shows a step with its number key.
func (h *harness) goTo(s Step) {
	h.t.Helper()
	h.press(itoa(int(s) + 1))
	if h.a.step != s {
		h.t.Fatalf("step is %v, want %v", h.a.step, s)
	}
}

// mustEdit returns a check for a mutator's result that fails the test on
// its error: must(m.PutAsset(…)).
func mustEdit(t testing.TB) func(model.Change, error) {
	return func(_ model.Change, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
}

// fixtureModel is a small model with two of everything the core steps
// edit, built through the mutators like real edits.
func fixtureModel(t testing.TB) *model.Model {
	t.Helper()
	m, err := model.New("Payments API", "Platform team", coreNow)
	if err != nil {
		t.Fatal(err)
	}
	must := mustEdit(t)
	o := m.Overview
	o.Summary = "Takes card payments for the web shop and settles them nightly."
	o.Scope = "The public API, the settlement job and the card vault. Not the shop front end."
	o.Participants = []string{"Alice", "Bob"}
	must(m.PutOverview(o, coreNow))
	must(m.PutAsset(model.Asset{Name: "Card tokens", Description: "Vault references to card numbers", Sensitivity: model.Restricted}, coreNow))
	must(m.PutAsset(model.Asset{Name: "Customer emails", Sensitivity: model.Confidential}, coreNow))
	must(m.PutActor(model.Actor{Name: "Fraudster", Description: "Tests stolen cards", Motivation: "Money", Kind: model.External, Capability: model.Medium, Risk: model.High}, coreNow))
	must(m.PutActor(model.Actor{Name: "Support agent", Kind: model.Insider, Capability: model.Low, Risk: model.Medium}, coreNow))
	must(m.PutElement(model.SurfaceElement{Name: "Public REST API", Kind: model.KindAPI, Description: "JSON over HTTPS", TrustZone: "Internet"}, coreNow))
	must(m.PutElement(model.SurfaceElement{Name: "Payments DB", Kind: model.KindDataStore, TrustZone: "Internal"}, coreNow))
	must(m.PutElement(model.SurfaceElement{Name: "API to DB", Kind: model.KindDataFlow, Source: "SE-001", Target: "SE-002", TrustZone: "Internal"}, coreNow))
	return m
}

// failingWorkbook is a workbook whose writes fail, to check nothing typed
// is lost when the disk says no.
type failingWorkbook struct {
	Workbook
	fail bool
}

var errDiskFull = errors.New("disk full")

func (f *failingWorkbook) Commit(id string, e model.Edit) error {
	if f.fail {
		return errDiskFull
	}
	return f.Workbook.Commit(id, e)
}

// scrModel is a small model whose surface draws suggestions in every
// STRIDE category: an API, a data store, an admin interface, a
// third-party integration and a data flow, with a restricted asset.
func scrModel(t testing.TB) *model.Model {
	t.Helper()
	m, err := model.New("Payments API", "Security Team", scrNow)
	if err != nil {
		t.Fatal(err)
	}
	must := mustEdit(t)
	must(m.PutAsset(model.Asset{Name: "Card data", Description: "PANs and expiry dates", Sensitivity: model.Restricted}, scrNow))
	must(m.PutAsset(model.Asset{Name: "API keys", Description: "Merchant API keys", Sensitivity: model.Confidential}, scrNow))
	must(m.PutActor(model.Actor{Name: "External attackers", Description: "Internet users"}, scrNow))
	must(m.PutElement(model.SurfaceElement{Name: "Payments API", Kind: model.KindAPI, Description: "Public REST API"}, scrNow))
	must(m.PutElement(model.SurfaceElement{Name: "Ledger DB", Kind: model.KindDataStore, Description: "PostgreSQL"}, scrNow))
	must(m.PutElement(model.SurfaceElement{Name: "Admin console", Kind: model.KindAdmin, Description: "Back office"}, scrNow))
	must(m.PutElement(model.SurfaceElement{Name: "Card processor", Kind: model.KindThirdParty, Description: "Acquirer"}, scrNow))
	return m
}

// scrGoldenModel is the fixture the screens' goldens draw: threats of
// every band, one reviewed STRIDE category, assessed OWASP and control
// items, and a team checklist item.
func scrGoldenModel(t testing.TB) *model.Model {
	t.Helper()
	m := threatModel(t)
	must := mustEdit(t)
	must(m.PutStride(model.StrideReview{Category: model.Spoofing, Reviewed: true, Note: "Considered: sessions are short-lived; T-001 covers fixation.",
		Example: "Attacker reuses a session", Mitigation: "Rotate session ids"}, scrNow))
	for id, st := range map[string]model.ItemState{"A01:2025": model.StateDone, "A02:2025": model.StatePartial, "A05:2025": model.StateGap} {
		c, _ := m.Check(id)
		c.State = st
		if id == "A01:2025" {
			c.Note = "Deny by default in the gateway"
			c.Threats = []string{"T-001"}
		}
		must(m.PutCheck(c, scrNow))
	}
	for i, ct := range model.ChecklistCatalog(model.ListControls)[:4] {
		c, _ := m.Check(ct.ID)
		c.State = model.ItemStates[1+i]
		must(m.PutCheck(c, scrNow))
	}
	must(m.PutCheck(model.CheckItem{List: model.ListTesting, Group: "Testing & Validation", Title: "Fuzz the webhook parser"}, scrNow))
	return m
}

// scrGolden is one golden screen: keys typed once the model is open.
type scrGolden struct {
	name string
	keys []string
}

// scrProbe asks the program (through its filter) whether it is idle.
type scrProbe struct{}

// scrCounting counts the edits the workbook has committed, so a golden
// can wait until each one's result has reached the model.
type scrCounting struct {
	Workbook
	commits atomic.Int64
}

func (w *scrCounting) Commit(id string, e model.Edit) error {
	w.commits.Add(1)
	return w.Workbook.Commit(id, e)
}

// scrIdle reports whether the app has finished what the keys set off: the
// model is open, every queued write is done and its result delivered
// (results counts savedMsg/saveFailedMsg seen), and a visible report
// preview is rendered for its width. It runs on the program's goroutine
// (in the filter), so reading the app is safe.
func scrIdle(a *app, wb *scrCounting, results int64) bool {
	if a.s == nil {
		return false
	}
	q := a.s.writes
	q.mu.Lock()
	busy := q.running || len(q.jobs) > 0
	q.mu.Unlock()
	if busy || wb.commits.Load() != results {
		return false
	}
	if rp, ok := a.page().(*reviewPage); ok && rp.gapsShown != rp.gapsSeq {
		return false
	}
	if rp, ok := a.page().(*reviewPage); ok && rp.form == nil && (rp.previewOnly || rp.wide()) {
		return rp.rendering == 0 && rp.renderedFor != nil && rp.shownRev == a.s.rev && rp.renderWidth == rp.previewWidth()
	}
	return true
}

// runScrGoldens draws each screen with the real program (teatest) at
// 80×24 and 120×40, fixed ASCII colour profile and clock, and compares the
// final frame with testdata/<test>/<screen>_<size>.golden. Run with
// -update to rewrite them after a deliberate change, and read the diff.
//
// Readiness is asked of the model itself, not read off the output: the
// renderer writes only the cells that changed, so text on screen need not
// appear in the byte stream in one piece.
func runScrGoldens(t *testing.T, screens []scrGolden) {
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		for _, sc := range screens {
			t.Run(fmt.Sprintf("%s_%dx%d", sc.name, size[0], size[1]), func(t *testing.T) {
				st, err := store.Open(filepath.Join(t.TempDir(), "workbook.db"), store.Options{})
				if err != nil {
					t.Fatal(err)
				}
				defer st.Close()
				id, err := st.Create(scrGoldenModel(t))
				if err != nil {
					t.Fatal(err)
				}
				opts := scrOptions(st, id)
				wb := &scrCounting{Workbook: fixedPathWorkbook{st}}
				opts.Workbook = wb
				opts.Location = time.UTC
				a := newApp(opts)
				a.timer.every = 0
				idle := make(chan bool, 1)
				var results int64
				filter := func(m tea.Model, msg tea.Msg) tea.Msg {
					switch msg.(type) {
					case scrProbe:
						idle <- scrIdle(m.(*app), wb, results)
						return nil
					case savedMsg, saveFailedMsg:
						results++
					}
					return msg
				}
				tm := teatest.NewTestModel(t, a,
					teatest.WithInitialTermSize(size[0], size[1]),
					teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii), tea.WithFilter(filter)))
				waitIdle := func() {
					t.Helper()
					for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); {
						tm.Send(scrProbe{})
						if <-idle {
							return
						}
						time.Sleep(2 * time.Millisecond)
					}
					t.Fatal("the program did not settle within 5s")
				}
				// Keys typed before the model has loaded would go to the
				// home screen.
				waitIdle()
				for _, k := range sc.keys {
					tm.Send(coreKey(k))
				}
				waitIdle()
				requireGoldenFrame(t, tm, size[1])
			})
		}
	}
}
