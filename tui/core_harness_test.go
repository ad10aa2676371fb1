package tui

import (
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/threatdeck/threatdeck/model"
	"github.com/threatdeck/threatdeck/store"
)

// coreNow is the fixed time of the core screens' tests.
var coreNow = time.Date(2025, 6, 2, 10, 0, 0, 0, time.UTC)

// coreHarness drives the real root model over a real workbook file, the
// way the program would: messages in, commands run, results fed back.
type coreHarness struct {
	t    testing.TB
	path string
	st   *store.Store
	// wb is what the app sees: the store, or a wrapper that fails writes.
	wb   Workbook
	a    *app
	opts Options
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

// newCoreHarness opens an empty workbook in t.TempDir() and starts the TUI
// at 80×24 (or size), colourless, on a fixed clock. tweak adjusts the
// options before the app is built.
func newCoreHarness(t testing.TB, size []int, tweak func(*Options)) *coreHarness {
	t.Helper()
	h := &coreHarness{t: t, path: filepath.Join(t.TempDir(), "workbook.db")}
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

func (h *coreHarness) openStore() {
	h.t.Helper()
	st, err := store.Open(h.path, store.Options{})
	if err != nil {
		h.t.Fatal(err)
	}
	h.st = st
	h.t.Cleanup(func() { st.Close() })
}

func (h *coreHarness) start(size []int) {
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
func (h *coreHarness) restart(size ...int) {
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
func (h *coreHarness) send(msg tea.Msg) {
	h.t.Helper()
	_, cmd := h.a.Update(msg)
	h.run(cmd)
}

// run executes a command and feeds its messages back until nothing is left.
func (h *coreHarness) run(cmd tea.Cmd) {
	h.t.Helper()
	drain(h.a, cmd, h.send)
}

// drain runs cmd the way the real program would (batches and sequences
// unpacked, depth first) and hands each message it yields to deliver.
// Terminal requests (background colour …) are for the real terminal and are
// dropped; a quit marks the app as quitting. Both test harnesses use it.
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
func (h *coreHarness) press(keys ...string) {
	h.t.Helper()
	pressKeys(h.send, keys...)
}

// typeText types text one key at a time.
func (h *coreHarness) typeText(s string) {
	h.t.Helper()
	typeKeys(h.send, s)
}

// pressKeys sends keys by name through send, for both harnesses.
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
func (h *coreHarness) screen() string { return ansi.Strip(h.a.render()) }

func (h *coreHarness) wantScreen(subs ...string) {
	h.t.Helper()
	s := h.screen()
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			h.t.Fatalf("screen lacks %q:\n%s", sub, s)
		}
	}
}

func (h *coreHarness) dontWantScreen(subs ...string) {
	h.t.Helper()
	s := h.screen()
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			h.t.Fatalf("screen shows %q:\n%s", sub, s)
		}
	}
}

// stored loads the open model back from the workbook file.
func (h *coreHarness) stored() *model.Model {
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
func (h *coreHarness) newModel(title, owner string) {
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
func (h *coreHarness) seed(m *model.Model) {
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
func (h *coreHarness) goTo(s Step) {
	h.t.Helper()
	h.press(itoa(int(s) + 1))
	if h.a.step != s {
		h.t.Fatalf("step is %v, want %v", h.a.step, s)
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
	must := func(_ model.Change, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
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
