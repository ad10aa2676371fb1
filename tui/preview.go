package tui

import (
	"runtime/debug"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/threatdeck/threatdeck/model"
)

// previewFrame is what the screen shows while the model it resumes loads:
// a session over the workbook's preview of the model (Previewer), opened
// at the resume position as app.open would, drawn in the app's frame.
// Nothing acts on it: the app is still opening (a.s is nil), so every key
// is held until the whole model is open and then replayed there, and it is
// dropped when the model opens or the load fails. Only the Threats step is
// previewed: its table, the step tabs and the header are all a preview
// holds (Previewer), and the other steps show fields it leaves out.
type previewFrame struct {
	s      *session
	pages  map[Step]page
	step   Step
	status string
	// tabs and help are the frame's caches while it is drawn.
	tabs drawnTabs
	help helpCache
	// clicks are mouse clicks made on it, replayed once the model opens.
	clicks []tea.MouseClickMsg
}

// previewedMsg carries a preview of the model being resumed.
type previewedMsg struct {
	m   *model.Model
	pos model.Position
}

// previewModel reads a preview of the model resuming opens (modelID, else
// the last position's), when the user was on its Threats step; nil when
// there is nothing to preview, and then it calls drawn. Its errors are
// the load's to report: it comes just before the load, which reads the
// same.
// read, when not nil, is the reading already under way (readEarly).
func previewModel(wb Workbook, pv Previewer, modelID string, drawn func(), read <-chan tea.Msg) tea.Cmd {
	return func() tea.Msg {
		var msg tea.Msg
		if read != nil {
			msg = <-read
		} else {
			msg = readPreview(wb, pv, modelID)
		}
		if msg == nil {
			drawn()
			return nil
		}
		return msg
	}
}

// afterPreview runs load once the preview is on screen: drawn by View
// (drawn is closed), then one frame interval, in which the renderer writes
// it out. Started at once, the load's decoders and collector took both
// CPUs from the renderer, and the preview's frame came out little before
// the model's own (BenchmarkStartToFirstFrame's frame-cpu-ms); started
// once the preview was set up in Update, it still overlapped View's
// drawing of a 100,000-threat table. resumeGC, when not nil, turns the
// collector back on just before the load (see readEarly).
func afterPreview(drawn <-chan struct{}, resumeGC func(), load tea.Cmd) tea.Cmd {
	return func() tea.Msg {
		select {
		case <-drawn:
			time.Sleep(frameInterval)
		case <-time.After(time.Second): // not set up (the program is quitting)
		}
		if resumeGC != nil {
			resumeGC()
		}
		return load()
	}
}

// frameInterval is the time between frames at Run's frame rate.
const frameInterval = time.Second / 120

// readEarly starts the preview's reading (readPreview) before the program
// runs, on another CPU while Bubble Tea sets the terminal up, and returns
// where its message arrives, and what turns the collector back on; nil
// and nil when the workbook does not preview. The preview's command takes
// that message instead of reading.
//
// The collector is off from here until the load behind the preview starts
// (afterPreview): what a fresh process makes before its first frame is
// the preview it draws, all of it live, and turned on when the preview's
// read ended the collector marked the whole preview (70 MiB at 100,000
// threats) while the frame was set up and drawn, on both CPUs.
func readEarly(opts Options) (<-chan tea.Msg, func()) {
	pv, ok := opts.Workbook.(Previewer)
	if !ok {
		return nil, nil
	}
	percent := debug.SetGCPercent(-1)
	resume := sync.OnceFunc(func() { debug.SetGCPercent(percent) })
	read := make(chan tea.Msg, 1)
	go func() { read <- readPreview(opts.Workbook, pv, opts.ModelID) }()
	return read, resume
}

// readPreview is previewModel's reading: a previewedMsg, or nil.
func readPreview(wb Workbook, pv Previewer, modelID string) tea.Msg {
	id := modelID
	if id == "" {
		pos, err := wb.Position()
		if err != nil {
			return nil
		}
		id = pos.ModelID
	}
	if id == "" {
		return nil
	}
	pos, err := wb.ModelPosition(id)
	if step, ok := ParseStep(pos.Step); err != nil || !ok || step != StepThreats {
		return nil
	}
	m, err := pv.Preview(id)
	if err != nil {
		return nil
	}
	m.ID, pos.ModelID = id, id
	return previewedMsg{m: m, pos: pos}
}

// showPreview sets up the preview frame, when the app is still opening the
// model on its way and nothing else has been shown.
func (a *app) showPreview(msg previewedMsg) {
	if a.s != nil || a.opening == 0 || a.home.loaded || a.home.form != nil {
		return
	}
	s := newSession(a.opts, msg.m, a.styles, a.keys)
	s.user, s.gate, s.live = a.user(), a.gate, a.isLive()
	s.step = StepThreats
	pv := &previewFrame{s: s, pages: map[Step]page{}, step: StepThreats, status: "Opened " + safeLine(msg.m.Overview.Title)}
	f := walk[StepThreats].build
	if f == nil {
		return
	}
	p := f(s)
	pv.pages[StepThreats] = p
	p.Update(shownMsg{})
	if msg.pos.Item != "" {
		p.Select(msg.pos.Item)
	}
	a.preview = pv
}

// dropPreview ends the preview frame (the model opened, or did not) and
// returns what replays the clicks made on it.
func (a *app) dropPreview() tea.Cmd {
	pv := a.preview
	if pv == nil {
		return nil
	}
	a.preview = nil
	var cmds []tea.Cmd
	for _, c := range pv.clicks {
		cmds = append(cmds, a.click(c))
	}
	return tea.Batch(cmds...)
}

// render draws the preview in a's frame, as a.render draws the model once
// open: a copy of the app with the preview's session in place.
func (pv *previewFrame) render(a *app) string {
	pa := *a
	pa.preview = nil
	pa.s, pa.pages, pa.step = pv.s, pv.pages, pv.step
	pa.timer.step = pv.step
	pa.status, pa.statusOK = pv.status, true
	pa.tabsCache, pa.helpCache = pv.tabs, pv.help
	pv.s.width, pv.s.height, pv.s.styles = a.width, a.height, a.styles
	out := pa.render()
	pv.tabs, pv.help = pa.tabsCache, pa.helpCache
	return out
}
