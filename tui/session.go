package tui

import (
	"errors"
	"slices"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/threatdeck/threatdeck/model"
)

// session is what every page of an opened model shares with the root: the
// model, the look, the keys and the way to save. Pages hold the pointer;
// the root updates styles and sizes in place so every page sees them.
type session struct {
	wb     Workbook
	opts   Options
	m      *model.Model
	styles Styles
	keys   KeyMap
	// width and height are the terminal size; pages get their body size
	// in View.
	width, height int
	accessible    bool
	presenter     bool
	// step is the step currently shown; apply tags edits with it so the
	// result goes back to the page that started them.
	step   Step
	writes *writeQueue
	// user is who this session's edits are attributed to.
	user string
	// gate refuses an edit this session may not make (an observer, a
	// live session that ended); nil allows all.
	gate func(model.Change) error
	// submitting is set by a form's submit until the save it starts picks
	// it up; busy counts form saves on their way, while which the root
	// holds keys back (see app.held).
	submitting bool
	busy       int
	// live is set in a live session.
	live bool

	// rev counts in-memory changes of m, so derived data (completion)
	// is computed once per change rather than once per frame.
	rev       uint64
	progRev   uint64
	progress  []model.Progress
	progValid bool
	// progRuns counts the times completion was worked out: app.Update
	// does it after each message, so View only reads it.
	progRuns int
	// treated is each threat's treated state as the cached completion
	// counted it.
	treated []bool
	// revs says, for the latest changes, which threats each touched, so
	// a page can update its index for the few rows a live edit changed
	// instead of rebuilding it (see threatsChangedSince).
	revs []revChange
}

// revChange is what one in-memory change touched: the ids of the threats
// it put or deleted, when known.
type revChange struct {
	rev     uint64
	threats []string
	known   bool
	// progress is set when a record other than a threat may move the
	// completion figures.
	progress bool
}

// maxRevLog bounds session.revs; a page further behind rebuilds.
const maxRevLog = 64

// changed records that s.m changed in memory (an edit, an undo, a revert)
// in a way not worth describing: whatever derives from it is rebuilt.
func (s *session) changed() { s.logChange(nil, false, true) }

// changedBy records that edit e was applied to s.m: its records are all
// it changed, so a page can update only the threats among them.
func (s *session) changedBy(e model.Edit) {
	var ids []string
	progress := false
	for _, r := range e.Records {
		if r.Kind == model.RecThreat {
			ids = append(ids, r.ID)
		}
		progress = progress || (r.Kind != model.RecThreat && r.Kind.CountsToCompletion())
	}
	s.logChange(ids, true, progress)
}

func (s *session) logChange(threats []string, known, progress bool) {
	s.rev++
	if len(s.revs) == maxRevLog {
		s.revs = slices.Delete(s.revs, 0, 1)
	}
	s.revs = append(s.revs, revChange{rev: s.rev, threats: threats, known: known, progress: progress})
}

// threatsChangedSince lists the threats changed after revision from, and
// whether that list is complete; false means "rebuild": a change of
// unknown extent, a log that no longer reaches back to from, or no change
// recorded at all (then whoever asks was told of a change the revision
// does not show, and must not trust it).
func (s *session) threatsChangedSince(from uint64) ([]string, bool) {
	if from >= s.rev || len(s.revs) == 0 || s.revs[0].rev > from+1 {
		return nil, false
	}
	var ids []string
	for _, c := range s.revs {
		if c.rev <= from {
			continue
		}
		if !c.known {
			return nil, false
		}
		ids = append(ids, c.threats...)
	}
	return ids, true
}

// completion is m.Completion(), cached until the model changes: with
// 10,000 threats it is too slow to recompute for every frame.
//
// Live edits keep it cheap too: through records it does not count (a
// vote, the session record the facilitator keeps writing) it is kept, and
// for edited threats only their own treated state is looked at again.
func (s *session) completion() []model.Progress {
	if s.progValid && s.progRev != s.rev {
		s.progRuns++
		if ids, other := s.progressChangedSince(s.progRev); !other && s.retreat(ids) {
			s.progRev = s.rev
		}
	}
	if !s.progValid || s.progRev != s.rev {
		s.progRuns++
		s.progress = s.m.Completion()
		s.treated = s.treated[:0]
		for i := range s.m.Threats {
			s.treated = append(s.treated, s.m.Threats[i].Treated())
		}
		s.progRev, s.progValid = s.rev, true
	}
	return s.progress
}

// retreat updates the cached Threats figure for the threats with ids,
// which changed in place; false when one is gone or the count moved (then
// the whole completion is measured again).
func (s *session) retreat(ids []string) bool {
	if len(ids) == 0 {
		return true
	}
	if len(s.treated) != len(s.m.Threats) {
		return false
	}
	at := make([]int, len(ids))
	for k, id := range ids {
		if at[k] = s.m.ThreatIndex(id); at[k] < 0 {
			return false
		}
	}
	ps := slices.Clone(s.progress)
	for k := range ps {
		if ps[k].Section != model.SecThreats {
			continue
		}
		for _, i := range at {
			if now := s.m.Threats[i].Treated(); now != s.treated[i] {
				s.treated[i] = now
				ps[k].Done += btoi(now) - btoi(!now)
			}
		}
	}
	s.progress = ps
	return true
}

// progressChangedSince lists the threats changed after revision from,
// and whether anything else completion counts may have changed (true
// when the log cannot tell).
func (s *session) progressChangedSince(from uint64) (threats []string, other bool) {
	if len(s.revs) == 0 || s.revs[0].rev > from+1 {
		return nil, true
	}
	for _, c := range s.revs {
		if c.rev <= from {
			continue
		}
		if !c.known || c.progress {
			return nil, true
		}
		threats = append(threats, c.threats...)
	}
	return threats, false
}

// overall is m.Overall() from the cached completion.
func (s *session) overall() int {
	ps := s.completion()
	if len(ps) == 0 {
		return 0
	}
	sum := 0
	for _, p := range ps {
		sum += p.Percent()
	}
	return sum / len(ps)
}

func newSession(opts Options, m *model.Model, st Styles, keys KeyMap) *session {
	return &session{wb: opts.Workbook, opts: opts, m: m, styles: st, keys: keys,
		accessible: opts.Accessible, presenter: opts.Presenter, writes: newWriteQueue()}
}

// now is the session clock (fixed in tests).
func (s *session) now() time.Time { return s.opts.now() }

// library is the threat library suggestions come from.
func (s *session) library() []model.Library {
	if len(s.opts.Library) > 0 {
		return s.opts.Library
	}
	return []model.Library{model.BuiltinLibrary()}
}

// Results of session.apply.
type (
	// savedMsg reports that an edit is persisted. Undo marks the commit of
	// an undo, which must not itself be pushed on the undo stack.
	savedMsg struct {
		Origin Step
		Change model.Change
		Undo   bool
		// Form marks the save of a form's submit.
		Form bool
	}
	// saveFailedMsg reports an edit that was rejected (a validation error:
	// nothing changed, Applied is false) or could not be written (the root
	// reverts the in-memory change before the page sees the message).
	saveFailedMsg struct {
		Origin  Step
		Change  model.Change
		Err     error
		Applied bool
		Undo    bool
		Form    bool
	}
)

// apply persists a change a mutator has already made to s.m. Call it with
// the mutator's results directly:
//
//	return p.s.apply(p.s.m.PutAsset(a, p.s.now()))
//
// A mutator error (validation) comes back as a saveFailedMsg with Applied
// false. Otherwise the edit is committed off the UI goroutine, in the order
// apply was called, and comes back as savedMsg or saveFailedMsg.
func (s *session) apply(ch model.Change, err error) tea.Cmd {
	return s.commit(ch, err, false)
}

func (s *session) commit(ch model.Change, err error, undo bool) tea.Cmd {
	return s.commitFrom(s.step, ch, err, undo)
}

// applyTool is apply for the frame's own tools (parking lot).
func (s *session) applyTool(ch model.Change, err error) tea.Cmd {
	return s.commitFrom(stepNone, ch, err, false)
}

// applyFrom is apply with an explicit origin, taking a mutator's results
// directly: s.applyFrom(stepPoker)(s.m.StartPoker(…)).
func (s *session) applyFrom(origin Step) func(model.Change, error) tea.Cmd {
	return func(ch model.Change, err error) tea.Cmd { return s.commitFrom(origin, ch, err, false) }
}

// stepNone is the origin of edits made by the frame's own tools (parking
// lot, undo) rather than by a step's page.
const stepNone Step = -1

// commitFrom is apply with an explicit origin.
func (s *session) commitFrom(origin Step, ch model.Change, err error, undo bool) tea.Cmd {
	form := s.submitting
	s.submitting = false
	if form {
		s.busy++
	}
	if err != nil {
		return func() tea.Msg { return saveFailedMsg{Origin: origin, Err: err, Undo: undo, Form: form} }
	}
	// The mutator's edit is all it changed: a threat edit moves only that
	// threat's row and completion figure, as a live edit does, instead of
	// the whole completion being counted again (half a status toggle on
	// 10,000 threats). The overview record that only moves Updated counts
	// for nothing.
	if about, restore := model.SplitStamp(ch); restore != nil {
		s.changedBy(about.Do)
	} else {
		s.changedBy(ch.Do)
	}
	if s.gate != nil {
		if err := s.gate(ch); err != nil {
			return func() tea.Msg {
				return saveFailedMsg{Origin: origin, Change: ch, Err: err, Applied: true, Undo: undo, Form: form}
			}
		}
	}
	ch = s.stamp(ch)
	if s.live {
		// Send only what the edit is about: the overview record every
		// mutator adds to move Updated would carry our copy of the
		// overview over someone else's overview edit.
		var restore *model.Record
		if ch, restore = model.SplitStamp(ch); restore != nil {
			s.m.Apply(model.Edit{Records: []model.Record{*restore}})
		}
	}
	wb, id := s.wb, s.m.ID
	return s.writes.run(func() tea.Msg {
		if err := wb.Commit(id, ch.Do); err != nil {
			return saveFailedMsg{Origin: origin, Change: ch, Err: err, Applied: true, Undo: undo, Form: form}
		}
		return savedMsg{Origin: origin, Change: ch, Undo: undo, Form: form}
	})
}

// stamp attributes a change to the session's user (model.Stamp) and puts
// the stamped threats in the model too.
func (s *session) stamp(ch model.Change) model.Change {
	ch = model.Stamp(ch, s.user, s.now())
	for _, r := range ch.Do.Records {
		if r.Kind == model.RecThreat && r.Value != nil {
			s.m.Apply(model.Edit{Records: []model.Record{r}})
		}
	}
	return ch
}

// combine joins changes made one after another into one edit, so they are
// saved in one transaction and undone together.
func combine(label string, chs ...model.Change) model.Change {
	c := model.Change{Do: model.Edit{Label: label}, Undo: model.Edit{Label: undoPrefix + label}}
	for _, ch := range chs {
		c.Do.Records = append(c.Do.Records, ch.Do.Records...)
	}
	for i := len(chs) - 1; i >= 0; i-- {
		c.Undo.Records = append(c.Undo.Records, chs[i].Undo.Records...)
	}
	return c
}

// safe prepares stored text for drawing. Text is cleaned where it enters
// the model, but a workbook written by another tool (or an older version)
// must not be able to send escape sequences to the terminal either.
func safe(s string) string { return model.CleanText(s) }

// safeLine is safe for one-line places (list rows, titles): line breaks and
// tabs become spaces.
func safeLine(s string) string { return model.CleanLine(s) }

// jump asks the root to show step with the record id selected.
func (s *session) jump(step Step, id string) tea.Cmd {
	return func() tea.Msg { return jumpMsg{Step: step, ID: id} }
}

// status puts a message on the status line.
func (s *session) status(text string) tea.Cmd {
	return func() tea.Msg { return statusMsg{Text: text} }
}

// fail puts an error on the status line.
func (s *session) fail(err error) tea.Cmd {
	return func() tea.Msg { return statusMsg{Text: err.Error(), Err: true} }
}

type (
	jumpMsg struct {
		Step Step
		ID   string
	}
	statusMsg struct {
		Text string
		Err  bool
	}
)

// fieldErrors returns the per-field messages of a validation error, or nil
// when err is not one (show it as a form-level error instead).
func fieldErrors(err error) model.ValidationError {
	var ve model.ValidationError
	if errors.As(err, &ve) {
		return ve
	}
	return nil
}

// writeQueue runs writes one at a time in submission order on its own
// goroutine. Bubble Tea runs commands concurrently, so without it two quick
// edits of one record could reach the workbook in the wrong order and the
// older value would win. The write starts when it is queued, not when its
// command runs, so an edit is on disk as soon as possible (and even if a
// caller drops the command).
type writeQueue struct {
	mu      sync.Mutex
	jobs    []writeJob
	running bool
}

type writeJob struct {
	do  func() tea.Msg
	out chan tea.Msg
}

func newWriteQueue() *writeQueue { return &writeQueue{} }

// run queues f and returns a command that delivers f's result.
func (q *writeQueue) run(f func() tea.Msg) tea.Cmd {
	out := make(chan tea.Msg, 1)
	q.mu.Lock()
	q.jobs = append(q.jobs, writeJob{f, out})
	if !q.running {
		q.running = true
		go q.loop()
	}
	q.mu.Unlock()
	return func() tea.Msg { return <-out }
}

// loop drains the queue and exits when it is empty, so an idle session
// holds no goroutine.
func (q *writeQueue) loop() {
	for {
		q.mu.Lock()
		if len(q.jobs) == 0 {
			q.running = false
			q.mu.Unlock()
			return
		}
		j := q.jobs[0]
		q.jobs = q.jobs[1:]
		q.mu.Unlock()
		j.out <- j.do()
	}
}

// wait blocks until every queued write has finished (quitting, tests).
func (q *writeQueue) wait() { q.run(func() tea.Msg { return nil })() }

// userName is who this session is, for defaults such as a decision's
// decider: the live participant, else the local user.
func (s *session) userName() string {
	if lv, ok := s.wb.(Live); ok {
		return model.CleanLine(lv.Me().Name)
	}
	return model.CleanLine(s.opts.User)
}
