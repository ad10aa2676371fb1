package tui

import (
	"fmt"
	"path/filepath"
	"strings"
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

// The screens' tests drive the real root model over a real workbook in a
// temporary directory: keys go in through app.Update, commands run
// synchronously (saves reach bbolt before the next key), and the screen
// is read back from app.render.

// scrNow is the fixed clock of the screens' tests.
var scrNow = time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)

// scrHarness is one TUI session on a real workbook.
type scrHarness struct {
	t   testing.TB
	a   *app
	st  *store.Store
	id  string
	dir string
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
	must := func(_ model.Change, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(m.PutAsset(model.Asset{Name: "Card data", Description: "PANs and expiry dates", Sensitivity: model.Restricted}, scrNow))
	must(m.PutAsset(model.Asset{Name: "API keys", Description: "Merchant API keys", Sensitivity: model.Confidential}, scrNow))
	must(m.PutActor(model.Actor{Name: "External attackers", Description: "Internet users"}, scrNow))
	must(m.PutElement(model.SurfaceElement{Name: "Payments API", Kind: model.KindAPI, Description: "Public REST API"}, scrNow))
	must(m.PutElement(model.SurfaceElement{Name: "Ledger DB", Kind: model.KindDataStore, Description: "PostgreSQL"}, scrNow))
	must(m.PutElement(model.SurfaceElement{Name: "Admin console", Kind: model.KindAdmin, Description: "Back office"}, scrNow))
	must(m.PutElement(model.SurfaceElement{Name: "Card processor", Kind: model.KindThirdParty, Description: "Acquirer"}, scrNow))
	return m
}

// newScrHarness stores m in a fresh workbook and opens it in the TUI at
// 80×24 (or the given size), NO_COLOR, fixed clock.
func newScrHarness(t testing.TB, m *model.Model, size ...int) *scrHarness {
	t.Helper()
	dir := t.TempDir()
	st, err := store.Open(filepath.Join(dir, "workbook.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	id, err := st.Create(m)
	if err != nil {
		t.Fatal(err)
	}
	h := &scrHarness{t: t, st: st, id: id, dir: dir}
	h.a = newApp(scrOptions(st, id))
	h.a.timer.every = 0
	w, ht := 80, 24
	if len(size) == 2 {
		w, ht = size[0], size[1]
	}
	h.send(tea.WindowSizeMsg{Width: w, Height: ht})
	h.run(h.a.Init())
	if h.a.s == nil {
		t.Fatalf("model did not open:\n%s", h.screen())
	}
	return h
}

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

// send delivers one message and runs what it sets off.
func (h *scrHarness) send(msg tea.Msg) {
	h.t.Helper()
	_, cmd := h.a.Update(msg)
	h.run(cmd)
}

// run executes a command and feeds its messages back until nothing is left.
func (h *scrHarness) run(cmd tea.Cmd) {
	h.t.Helper()
	drain(h.a, cmd, h.send)
}

// press sends keys by name ("j", "enter", "esc", "space", "ctrl+s" …),
// as the core harness names them.
func (h *scrHarness) press(keys ...string) {
	h.t.Helper()
	pressKeys(h.send, keys...)
}

// typeText types text one character at a time.
func (h *scrHarness) typeText(s string) {
	h.t.Helper()
	typeKeys(h.send, s)
}

// goTo shows a step with its number key.
func (h *scrHarness) goTo(s Step) {
	h.t.Helper()
	h.press(itoa(int(s) + 1))
	if h.a.step != s {
		h.t.Fatalf("step is %v, want %v", h.a.step, s)
	}
}

// screen is the current frame as plain text.
func (h *scrHarness) screen() string { return ansi.Strip(h.a.render()) }

// m is the session's in-memory model.
func (h *scrHarness) m() *model.Model { return h.a.s.m }

// reload reads the model back from the workbook, as a restart would.
func (h *scrHarness) reload() *model.Model {
	h.t.Helper()
	h.a.s.writes.wait()
	m, err := h.st.Load(h.id)
	if err != nil {
		h.t.Fatal(err)
	}
	return m
}

// wantScreen fails unless every string is on screen.
func (h *scrHarness) wantScreen(subs ...string) {
	h.t.Helper()
	s := h.screen()
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			h.t.Fatalf("screen lacks %q:\n%s", sub, s)
		}
	}
}

// body is the current page's drawing, without the frame (so the status
// line does not count).
func (h *scrHarness) body() string {
	w, ht := h.a.bodySize()
	return ansi.Strip(h.a.page().View(w, ht))
}

// dontWantScreen fails if any string is in the page's body.
func (h *scrHarness) dontWantScreen(subs ...string) {
	h.t.Helper()
	s := h.body()
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			h.t.Fatalf("screen shows %q:\n%s", sub, s)
		}
	}
}

// page returns the current page as its concrete type.
func scrPage[P page](h *scrHarness) P {
	h.t.Helper()
	p, ok := h.a.page().(P)
	if !ok {
		h.t.Fatalf("current page is %T", h.a.page())
	}
	return p
}

// scrGoldenModel is the fixture the screens' goldens draw: threats of
// every band, one reviewed STRIDE category, assessed OWASP and control
// items, and a team checklist item.
func scrGoldenModel(t testing.TB) *model.Model {
	t.Helper()
	m := threatModel(t)
	must := func(_ model.Change, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
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
	if rp, ok := a.page().(*reviewPage); ok && rp.form == nil && (rp.previewOnly || rp.wide()) {
		return rp.rendering == 0 && rp.renderedFor != nil && rp.renderWidth == rp.previewWidth()
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
