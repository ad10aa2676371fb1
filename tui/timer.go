package tui

import (
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/threatdeck/threatdeck/model"
)

// sessionTimer is the facilitator's clock: total session time plus time
// spent on each step, measured only while running, with an optional
// timebox per step that the header shows amber then red.
//
// Each model has its own timer. Within one run of threatdeck it keeps
// going while the user is elsewhere (ctrl+o to the model list and back,
// another model): leaving a model does not stop or reset it. Across a
// quit it is kept in the model's position (model.TimerState): the next
// start shows the same totals and timeboxes, paused, because the time
// threatdeck was closed is nobody's session time; t carries on.
type sessionTimer struct {
	running bool
	since   time.Time
	total   time.Duration
	perStep map[Step]time.Duration
	step    Step
	// timebox is the default budget per step; boxes overrides it for
	// steps the facilitator set with the timebox key (0 = none).
	timebox time.Duration
	boxes   map[Step]time.Duration
	// gen tags tick loops so a pause/start does not leave two running.
	gen int
	// every is the redraw interval while running; zero (tests) means no
	// ticking — the header still shows the right time when redrawn.
	every time.Duration
}

type timerTickMsg struct{ gen int }

// amberAt is the share of a timebox after which the timer warns.
const amberAt = 0.8

func newSessionTimer(timebox time.Duration) sessionTimer {
	return sessionTimer{perStep: map[Step]time.Duration{}, boxes: map[Step]time.Duration{}, timebox: timebox, every: time.Second}
}

func (t *sessionTimer) account(now time.Time) {
	if t.running {
		if d := now.Sub(t.since); d > 0 {
			t.total += d
			t.perStep[t.step] += d
		}
		t.since = now
	}
}

func (t *sessionTimer) tickCmd() tea.Cmd {
	if t.every <= 0 {
		return nil
	}
	gen := t.gen
	return tea.Tick(t.every, func(time.Time) tea.Msg { return timerTickMsg{gen: gen} })
}

// toggle starts or pauses the timer.
func (t *sessionTimer) toggle(now time.Time) tea.Cmd {
	if t.running {
		t.account(now)
		t.running = false
		return nil
	}
	t.running, t.since = true, now
	t.gen++
	return t.tickCmd()
}

// tick only redraws: elapsed adds the running time itself, so the
// counted totals (and the saved position) change only when the user acts.
func (t *sessionTimer) tick(msg timerTickMsg) tea.Cmd {
	if !t.running || msg.gen != t.gen {
		return nil
	}
	return t.tickCmd()
}

func (t *sessionTimer) switchStep(s Step, now time.Time) {
	t.account(now)
	t.step = s
}

func (t *sessionTimer) resetStep(now time.Time) {
	t.account(now)
	t.perStep[t.step] = 0
}

// elapsed is the session total and the current step's time.
func (t *sessionTimer) elapsed(now time.Time) (total, step time.Duration) {
	total, step = t.total, t.perStep[t.step]
	if t.running {
		if d := now.Sub(t.since); d > 0 {
			total += d
			step += d
		}
	}
	return total, step
}

// timerLevel is how close the current step is to its timebox.
type timerLevel int

const (
	timerOK timerLevel = iota
	timerAmber
	timerRed
)

// box is the current step's timebox (0 = none).
func (t *sessionTimer) box() time.Duration {
	if b, ok := t.boxes[t.step]; ok {
		return b
	}
	return t.timebox
}

// timeboxChoices are what the timebox key cycles through.
var timeboxChoices = []time.Duration{0, 5 * time.Minute, 10 * time.Minute, 15 * time.Minute, 20 * time.Minute, 30 * time.Minute, 45 * time.Minute, time.Hour}

// cycleBox moves the current step's timebox to the next choice and
// returns it.
func (t *sessionTimer) cycleBox() time.Duration {
	cur := t.box()
	next := timeboxChoices[0]
	for i, c := range timeboxChoices {
		if c > cur {
			next = c
			break
		}
		if i == len(timeboxChoices)-1 {
			next = timeboxChoices[0]
		}
	}
	t.boxes[t.step] = next
	return next
}

func (t *sessionTimer) level(now time.Time) timerLevel {
	box := t.box()
	if box <= 0 {
		return timerOK
	}
	_, step := t.elapsed(now)
	switch {
	case step >= box:
		return timerRed
	case float64(step) >= amberAt*float64(box):
		return timerAmber
	}
	return timerOK
}

// clock formats a duration as m:ss or h:mm:ss.
func clock(d time.Duration) string {
	d = d.Truncate(time.Second)
	h, m, s := int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60
	if h > 0 {
		return fmt.Sprintf("%d:%02d:%02d", h, m, s)
	}
	return fmt.Sprintf("%d:%02d", m, s)
}

// state is the timer as the position keeps it; nil when it never ran and
// has no timebox of its own.
func (t *sessionTimer) state() *model.TimerState {
	st := &model.TimerState{Running: t.running, Total: t.total}
	if t.running {
		st.Since = t.since
	}
	for s, d := range t.perStep {
		if d > 0 {
			if st.Steps == nil {
				st.Steps = map[string]time.Duration{}
			}
			st.Steps[s.Name()] = d
		}
	}
	for s, d := range t.boxes {
		if st.Boxes == nil {
			st.Boxes = map[string]time.Duration{}
		}
		st.Boxes[s.Name()] = d
	}
	if !st.Running && st.Total == 0 && st.Steps == nil && st.Boxes == nil {
		return nil
	}
	return st
}

// restoredTimer is a timer as saved in a position, paused (see
// sessionTimer); steps this version does not know are dropped.
func restoredTimer(st *model.TimerState, timebox time.Duration) sessionTimer {
	t := newSessionTimer(timebox)
	if st == nil {
		return t
	}
	t.total = st.Total
	for name, d := range st.Steps {
		if s, ok := ParseStep(name); ok {
			t.perStep[s] = d
		}
	}
	for name, d := range st.Boxes {
		if s, ok := ParseStep(name); ok {
			t.boxes[s] = d
		}
	}
	return t
}

// useTimer makes t the running timer of the open model, keeping the tick
// loop's generation moving forward so no old loop ticks it twice; a
// running t gets its loop back.
func (a *app) useTimer(t sessionTimer) tea.Cmd {
	t.gen, t.every = a.timer.gen+1, a.timer.every
	a.timer = t
	if t.running {
		return t.tickCmd()
	}
	return nil
}

// leaveTimer keeps the open model's timer for when the model is opened
// again in this run.
func (a *app) leaveTimer() {
	if a.s == nil {
		return
	}
	if a.timers == nil {
		a.timers = map[string]sessionTimer{}
	}
	a.timers[a.s.m.ID] = a.timer
}

// openTimer is the timer of model m opened at pos: the one it had earlier
// in this run, else the saved one, paused. It says so when a saved timer
// was running at the quit.
func (a *app) openTimer(m *model.Model, pos model.Position) tea.Cmd {
	if t, ok := a.timers[m.ID]; ok {
		delete(a.timers, m.ID)
		return a.useTimer(t)
	}
	t := restoredTimer(pos.Timer, a.opts.Timebox)
	if pos.Timer != nil && pos.Timer.Running {
		a.setStatus("Timer paused at "+clock(t.total)+" since threatdeck closed; t carries on", true)
	}
	return a.useTimer(t)
}
