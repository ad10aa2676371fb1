package tui

import (
	"errors"
	"os"
	"sync"
	"sync/atomic"

	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"

	"github.com/threatdeck/threatdeck/model"
)

// app is the root Bubble Tea model. It owns the frame (header, step tabs,
// status line, help bar), the home screen, the facilitation tools (timer,
// parking lot, presenter mode) and undo, and routes everything else to the
// current step's page. Handlers live in update.go, drawing in view.go.
type app struct {
	opts   Options
	keys   KeyMap
	styles Styles
	dark   bool
	// noColor is NO_COLOR or Options.NoColor.
	noColor bool

	width, height int

	// home is the welcome screen / model list, shown while no model is open.
	home *home
	// s is the opened model's session; nil on the home screen.
	s     *session
	pages map[Step]page
	step  Step

	help      help.Model
	helpCache helpCache
	tabsCache drawnTabs
	showHelp  bool
	status    string
	statusOK  bool // false draws the status as an error

	// undo holds the session's applied changes, newest last.
	undo []model.Change

	park    *parkPrompt
	lot     tool // the parking lot or the history, when open
	timer   sessionTimer
	lastPos model.Position
	posGen  *atomic.Uint64
	// timers are the timers of models left in this run, by model id.
	timers map[string]sessionTimer
	// views are the saved views of pages not shown since the open.
	views map[Step]model.PageView
	// resumed is set once a model was opened: only the first open takes
	// presenter mode from the saved position.
	resumed bool
	// quitting is set once quit is requested, so the last frame is plain.
	quitting bool

	// live is the shared-session state (zero when the workbook is not live).
	live liveState
	// conflict is someone else's edit of the record the open form edits.
	conflict *conflict
	// poker is the risk-poker screen, when open.
	poker *pokerScreen
	// held are keys that arrived while a form's save was on its way; they
	// are replayed, in order, once it settles, so none is lost.
	held []tea.KeyPressMsg
	// opening counts the home screen's opens and creates on their way:
	// keys typed meanwhile ("Enter 2 a" after a new model's title) wait
	// for the model and act there.
	opening int
	// quitAsk is "others are here: end the session for everyone?", asked
	// by q in the hosting TUI.
	quitAsk *confirm
	// record is the session record the facilitator keeps (nil until a
	// session starts: live, the timer or risk poker).
	record *model.SessionRecord
	// preview is drawn while the resumed model loads (see previewFrame).
	preview *previewFrame
	// previewDrawn closes the channel the load behind the preview waits
	// for (afterPreview), once the preview frame has been drawn (View) or
	// is known not to be; it is safe to call more than once, nil when
	// there is no preview.
	previewDrawn func()
	// previewRead is the preview read as Run starts (readEarly), nil when
	// Init's command reads it.
	previewRead <-chan tea.Msg
	// resumeGC turns the collector back on, paused from the preview's
	// read to the load behind it (readEarly); nil when it is not paused,
	// safe to call more than once.
	resumeGC func()
}

// Run starts the TUI and blocks until the user quits.
func Run(opts Options) error {
	if opts.Workbook == nil {
		return errors.New("tui: no workbook")
	}
	a := newApp(opts)
	a.previewRead, a.resumeGC = readEarly(a.opts)
	if a.resumeGC != nil {
		defer a.resumeGC() // the program ended before the load began
	}
	// 120 frames a second, Bubble Tea's most, instead of its 60: a change
	// (the first frame, a key press) waits for the next frame tick, 4 ms on
	// average instead of 8. When nothing changes a tick draws nothing.
	progOpts := []tea.ProgramOption{tea.WithFPS(120)}
	if opts.Input != nil {
		progOpts = append(progOpts, tea.WithInput(opts.Input))
	}
	if opts.Output != nil {
		progOpts = append(progOpts, tea.WithOutput(opts.Output))
	}
	prog := tea.NewProgram(a, progOpts...)
	stop := quitOnHangup(prog)
	final, err := prog.Run()
	stop()
	if fa, ok := final.(*app); ok && fa.s != nil {
		// Every queued edit is on disk before we return.
		fa.s.writes.wait()
	}
	return err
}

// newApp builds the root model; tests drive it directly.
func newApp(opts Options) *app {
	if os.Getenv("ACCESSIBLE") != "" {
		opts.Accessible = true
	}
	a := &app{opts: opts, keys: DefaultKeyMap(), dark: true, noColor: opts.NoColor || noColorEnv(),
		width: 80, height: 24, help: help.New(), posGen: new(atomic.Uint64), statusOK: true}
	a.live = newLiveState(opts.Workbook)
	a.restyle()
	a.home = newHome(a)
	a.timer = newSessionTimer(opts.Timebox)
	return a
}

// restyle rebuilds the styles after a background, presenter or colour
// change and hands them to the open session.
func (a *app) restyle() {
	presenter := a.opts.Presenter
	if a.s != nil {
		presenter = a.s.presenter
	}
	a.styles = NewStyles(NewTheme(ThemeOptions{Dark: a.dark, NoColor: a.noColor, HighContrast: presenter}), a.opts.Accessible || a.noColor)
	a.help.Styles = a.styles.Help
	a.helpCache, a.tabsCache = helpCache{}, drawnTabs{}
	if a.opts.Accessible {
		a.help.ShortSeparator = " | "
		a.help.Ellipsis = "..."
	}
	if a.s != nil {
		a.s.styles = a.styles
	}
	if a.home != nil {
		a.home.s.styles = a.styles
	}
}

// Init asks for the terminal background and loads where the user was:
// when the workbook previews, a preview of the model first, to draw while
// the whole model loads.
func (a *app) Init() tea.Cmd {
	load := a.home.opens(a.home.load(a.opts.ModelID, true))
	if pv, ok := a.opts.Workbook.(Previewer); ok {
		drawn := make(chan struct{})
		a.previewDrawn = sync.OnceFunc(func() { close(drawn) })
		load = tea.Sequence(previewModel(a.opts.Workbook, pv, a.opts.ModelID, a.previewDrawn, a.previewRead), afterPreview(drawn, a.resumeGC, load))
	}
	return tea.Batch(tea.RequestBackgroundColor, load, a.listen(), a.announce())
}

// page returns the current step's page, building it on first use.
func (a *app) page() page {
	return a.pageFor(a.step)
}

func (a *app) pageFor(st Step) page {
	if a.s == nil {
		return nil
	}
	if p, ok := a.pages[st]; ok {
		return p
	}
	if !st.Valid() || walk[st].build == nil {
		return nil
	}
	p := walk[st].build(a.s)
	a.pages[st] = p
	return p
}

// open makes m the session's model and shows it at pos.
func (a *app) open(m *model.Model, pos model.Position) tea.Cmd {
	a.leaveTimer()
	// Presenter mode stays as it is while models change; a start resumes
	// it from where the user left.
	was := a.presenter()
	presenter := was || (a.s == nil && !a.resumed && pos.Presenter)
	a.resumed = true
	a.s = newSession(a.opts, m, a.styles, a.keys)
	a.s.presenter = presenter
	a.s.width, a.s.height = a.width, a.height
	a.s.user = a.user()
	a.s.gate = a.gate
	a.s.live = a.isLive()
	a.conflict, a.poker, a.record = nil, nil, nil
	a.pages = map[Step]page{}
	a.undo = nil
	a.park, a.lot = nil, nil
	// The form that created or imported this model is done with: ctrl+o
	// must show the list, not that form still "Saving…".
	a.home.form = nil
	a.status, a.statusOK = "Opened "+safeLine(m.Overview.Title), true
	if presenter != was {
		a.restyle()
	}
	timer := a.openTimer(m, pos)
	a.restoreViews(pos)
	step, ok := ParseStep(pos.Step)
	if !ok || pos.ModelID != m.ID {
		step, pos.Item = StepOverview, ""
	}
	if a.isLive() && a.facilitator() {
		a.startRecord()
	}
	// Keys held for a save of the model we left act here.
	return tea.Batch(a.show(step, pos.Item), timer, a.follow(), a.attend(), a.replay())
}

// show switches to step and selects item there ("" keeps the cursor).
func (a *app) show(st Step, item string) tea.Cmd {
	a.timer.switchStep(st, a.opts.now())
	a.step = st
	a.s.step = st
	p := a.page()
	if p == nil {
		return a.remember()
	}
	cmd := p.Update(shownMsg{})
	if item != "" {
		p.Select(item)
	}
	a.restoreView(st, p, item)
	return tea.Batch(cmd, a.remember(), a.saveRecord(false))
}

// closeModel returns to the model list.
func (a *app) closeModel() tea.Cmd {
	if a.s != nil {
		// The record's write starts when queued; waiting lands it.
		_ = a.saveRecord(true)
		a.savePosition()
		a.s.writes.wait()
		a.leaveTimer()
		a.opts.Presenter = a.s.presenter
	}
	a.s, a.pages, a.undo, a.park, a.lot = nil, nil, nil, nil, nil
	a.conflict, a.poker, a.record = nil, nil, nil
	return tea.Batch(a.home.load("", false), a.announce(), a.replay())
}
