package tui

import (
	"reflect"
	"slices"
	"strings"
	"sync/atomic"

	tea "charm.land/bubbletea/v2"

	"github.com/threatdeck/threatdeck/model"
)

// liveState is the app's part in a live session (nil-safe: a session that
// is not live has a zero liveState with wb nil).
type liveState struct {
	wb Live
	me model.Participant
	// presence is everybody's place, from the last EventPresence.
	presence []model.Presence
	// following: a participant's view follows the facilitator's step and
	// selection; f detaches and re-attaches.
	following bool
	// ended is set once the host went away: the screen stays readable
	// (the last state everyone saw) but nothing can be saved.
	ended bool
	// lastSeq is the newest edit applied, so a redelivered one is skipped.
	lastSeq uint64
	// reloading holds edits that arrive while the model is read again, to
	// apply on top of what the read returns.
	reloading bool
	held      []model.Edit
	// announced is the last presence sent; ann carries announcements off
	// the UI goroutine, in order, newest only.
	announced model.Presence
	ann       *writeQueue
	annGen    *atomic.Uint64
}

// liveMsg carries the events read from the live session, in host order.
type liveMsg struct {
	events []model.LiveEvent
	closed bool
}

// reloadedMsg is the model read again after an EventEdit with Reload.
type reloadedMsg struct {
	m   *model.Model
	err error
}

// maxLiveBatch bounds how many queued events one liveMsg carries, so a
// burst is applied and drawn once rather than event by event.
const maxLiveBatch = 256

func newLiveState(wb Workbook) liveState {
	l, ok := wb.(Live)
	if !ok {
		return liveState{}
	}
	me := l.Me()
	return liveState{wb: l, me: me, following: me.Role != model.RoleFacilitator, ann: newWriteQueue(), annGen: new(atomic.Uint64)}
}

// isLive reports whether the session is shared with others.
func (a *app) isLive() bool { return a.live.wb != nil }

// user is who this session's edits are attributed to.
func (a *app) user() string {
	if a.isLive() {
		return a.live.me.Name
	}
	return a.opts.User
}

// role is this session's role; a session that is not live facilitates.
func (a *app) role() model.Role {
	if a.isLive() && a.live.me.Role != "" {
		return a.live.me.Role
	}
	return model.RoleFacilitator
}

// facilitator reports whether this session leads (poker, follow).
func (a *app) facilitator() bool { return a.role() == model.RoleFacilitator }

// readOnly reports whether this session may not change the model: an
// observer, or a live session whose host has gone.
func (a *app) readOnly() bool { return a.live.ended || !a.role().CanEdit() }

// listen reads the next events from the live session. It blocks in a
// command, never in Update; the handler asks for the next batch.
func (a *app) listen() tea.Cmd {
	if !a.isLive() || a.live.ended {
		return nil
	}
	return readLive(a.live.wb.Events())
}

func readLive(ch <-chan model.LiveEvent) tea.Cmd { return liveReader{ch}.read }

// liveReader reads one batch of events: it waits for the first, then
// takes what is already queued.
type liveReader struct{ ch <-chan model.LiveEvent }

func (r liveReader) read() tea.Msg {
	ev, ok := <-r.ch
	if !ok {
		return liveMsg{closed: true}
	}
	evs := []model.LiveEvent{ev}
	for len(evs) < maxLiveBatch {
		select {
		case ev, ok := <-r.ch:
			if !ok {
				return liveMsg{events: evs, closed: true}
			}
			evs = append(evs, ev)
		default:
			return liveMsg{events: evs}
		}
	}
	return liveMsg{events: evs}
}

// handleLive applies a batch of events: edits in host order (this
// session's own echoes included, so every session ends in the host's
// order), then redraws once.
func (a *app) handleLive(msg liveMsg) tea.Cmd {
	var cmds []tea.Cmd
	changed, reload, presence := false, false, false
	for _, ev := range msg.events {
		switch ev.Kind {
		case model.EventEdit:
			if a.s == nil || ev.ModelID != a.s.m.ID {
				continue
			}
			if ev.Seq != 0 {
				if ev.Seq <= a.live.lastSeq && !ev.Reload {
					continue // delivered twice
				}
				a.live.lastSeq = max(a.live.lastSeq, ev.Seq)
			}
			if ev.Reload {
				reload = true
				continue
			}
			if ev.Edit == nil {
				continue
			}
			if a.live.reloading || reload {
				a.live.held = append(a.live.held, *ev.Edit)
				continue
			}
			cmds = append(cmds, a.applyRemote(*ev.Edit))
			changed = true
		case model.EventModels:
			if a.s == nil && a.home.form == nil {
				cmds = append(cmds, a.home.load("", false))
			}
		case model.EventPresence:
			a.live.presence = slices.Clone(ev.Presence)
			presence = true
		case model.EventNotice:
			a.setStatus(ev.Text, true)
		case model.EventClosed:
			a.endLive(ev.Text)
		}
	}
	if msg.closed && !a.live.ended {
		a.endLive("")
	}
	if reload && !a.live.reloading && a.s != nil {
		a.live.reloading = true
		wb, id := a.opts.Workbook, a.s.m.ID
		cmds = append(cmds, func() tea.Msg {
			m, err := wb.Load(id)
			if m != nil {
				m.ID = id
			}
			return reloadedMsg{m: m, err: err}
		})
	}
	if changed {
		cmds = append(cmds, a.modelChanged())
	}
	if presence {
		cmds = append(cmds, a.follow(), a.attend())
	}
	return tea.Batch(append(cmds, a.listen())...)
}

// endLive keeps the session readable after the host went: what everyone
// last saw stays on screen to read or copy, nothing more can be saved
// (commits are refused with the reason), and q quits as usual. Quitting
// at once would throw away the screen the room was looking at.
func (a *app) endLive(why string) {
	a.live.ended = true
	// Nobody is here any more; the header must not say otherwise.
	a.live.presence = nil
	// What to do first: a narrow status line cuts the end, not the advice.
	text := "Read-only, q quits: the live session has ended"
	if why = strings.TrimRight(strings.TrimSpace(why), "."); why != "" {
		text += " (" + why + ")"
	}
	a.setStatus(text, false)
}

// reloaded puts the model read again in place, keeping the step and
// selection, and applies the edits that arrived meanwhile.
func (a *app) reloaded(msg reloadedMsg) tea.Cmd {
	a.live.reloading = false
	held := a.live.held
	a.live.held = nil
	if a.s == nil {
		return nil
	}
	if msg.err != nil || msg.m == nil || msg.m.ID != a.s.m.ID {
		if msg.err != nil {
			a.setStatus("Could not read the model again: "+msg.err.Error(), false)
		}
		return nil
	}
	sel := ""
	if p := a.page(); p != nil {
		sel = p.Selected()
	}
	*a.s.m = *msg.m
	for _, e := range held {
		a.s.m.Apply(e)
	}
	a.s.changed() // a new model: nothing derived from the old one holds
	cmd := a.modelChanged()
	if p := a.page(); p != nil && sel != "" {
		p.Select(sel)
	}
	return cmd
}

// applyRemote applies one committed edit. An edit by someone else that
// changes the record this session's open form edits raises the conflict
// question instead of silently replacing what is typed.
func (a *app) applyRemote(e model.Edit) tea.Cmd {
	undo := a.s.m.Apply(e)
	a.s.changedBy(e)
	if e.By == "" || e.By == a.user() {
		return nil
	}
	if !onlyKind(e, model.RecSession) {
		a.setStatus(safeLine(e.By)+": "+safeLine(e.Label), true)
	}
	if kind, id, ok := a.formRecord(); ok && a.conflict == nil && touches(e, undo, kind, id) {
		a.conflict = &conflict{by: e.By, label: e.Label, kind: kind, id: id, step: a.step}
	}
	return a.pokerArrived(e)
}

// touches reports whether edit e (with undo, its old values) changed the
// content of record kind/id. The overview's Updated stamp, which every
// edit moves, does not count.
func touches(e, undo model.Edit, kind model.RecordKind, id string) bool {
	for _, r := range e.Records {
		if r.Kind != kind || r.ID != id {
			continue
		}
		for _, u := range undo.Records {
			if u.Kind == kind && u.ID == id {
				return !sameContent(u.Value, r.Value)
			}
		}
		return true
	}
	return false
}

func sameContent(old, cur any) bool {
	old, cur = plain(old), plain(cur)
	if o, ok := old.(model.Overview); ok {
		if c, ok := cur.(model.Overview); ok {
			o.Updated = c.Updated
			return reflect.DeepEqual(o, c)
		}
	}
	return reflect.DeepEqual(old, cur)
}

// plain is a record value itself rather than a pointer to it (decoded
// records may hold either).
func plain(v any) any {
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer && !rv.IsNil() {
		return rv.Elem().Interface()
	}
	return v
}

// formRecorder is implemented by pages whose open form edits one record.
type formRecorder interface {
	formRecord() (model.RecordKind, string, bool)
}

func (a *app) formRecord() (model.RecordKind, string, bool) {
	if a.s == nil || a.lot != nil || a.park != nil {
		return "", "", false
	}
	if p, ok := a.page().(formRecorder); ok {
		return p.formRecord()
	}
	return "", "", false
}

// modelChanged tells whatever shows the model that it changed.
func (a *app) modelChanged() tea.Cmd {
	cmds := []tea.Cmd{a.refreshPage()}
	if a.lot != nil {
		cmds = append(cmds, a.lot.Update(modelChangedMsg{}))
	}
	if a.poker != nil {
		a.poker.refresh()
	}
	return tea.Batch(cmds...)
}

// facilitatorPresence is where the facilitator is, if they are here.
func (a *app) facilitatorPresence() (model.Presence, bool) {
	for _, p := range a.live.presence {
		if p.Participant.Role == model.RoleFacilitator && p.Participant.Session != a.live.me.Session {
			return p, true
		}
	}
	return model.Presence{}, false
}

// follow moves a following participant to the facilitator's step and
// selection. It waits while a form, prompt or filter has the keyboard, so
// nobody is pulled away mid-sentence; the next move catches up.
func (a *app) follow() tea.Cmd {
	if !a.live.following || a.facilitator() || (a.capturing() && a.poker == nil) {
		return nil
	}
	fp, ok := a.facilitatorPresence()
	if !ok || fp.ModelID == "" {
		return nil
	}
	if a.s == nil || fp.ModelID != a.s.m.ID {
		// The old model's queued writes still land: its queue drains on
		// its own goroutine.
		wb, id := a.opts.Workbook, fp.ModelID
		return func() tea.Msg { return openModel(wb, id) }
	}
	st, ok := ParseStep(fp.Step)
	if !ok {
		return nil
	}
	cur := ""
	if p := a.page(); p != nil {
		cur = p.Selected()
	}
	if st == a.step && (fp.Item == "" || fp.Item == cur) {
		return nil
	}
	a.lot = nil
	return a.show(st, fp.Item)
}

// toggleFollow detaches from or re-attaches to the facilitator.
func (a *app) toggleFollow() tea.Cmd {
	switch {
	case !a.isLive():
		a.setStatus("Follow works in a live session; you are on your own here", true)
		return nil
	case a.facilitator():
		a.setStatus("You are the facilitator: the others follow you", true)
		return nil
	}
	a.live.following = !a.live.following
	if !a.live.following {
		a.setStatus("Detached: you move on your own (f follows the facilitator again)", true)
		return a.announce()
	}
	a.setStatus("Following the facilitator", true)
	return tea.Batch(a.follow(), a.announce())
}

// announce tells the others where this session is when that changed. The
// announcement runs off the UI goroutine; when the user moves faster than
// the host answers, only the newest place is sent.
func (a *app) announce() tea.Cmd {
	if !a.isLive() || a.live.ended {
		return nil
	}
	p := model.Presence{Participant: a.live.me, Following: a.live.following && !a.facilitator()}
	if a.s != nil {
		p.ModelID, p.Step = a.s.m.ID, a.step.Name()
		if pg := a.page(); pg != nil {
			p.Item = pg.Selected()
		}
	}
	if p == a.live.announced {
		return nil
	}
	a.live.announced = p
	p.Since = a.opts.now()
	gen := a.live.annGen.Add(1)
	wb, latest := a.live.wb, a.live.annGen
	return a.live.ann.run(func() tea.Msg {
		if latest.Load() != gen {
			return nil // a newer place is queued behind us
		}
		if err := wb.Announce(p); err != nil {
			return statusMsg{Text: "Could not tell the others where you are: " + err.Error(), Err: true}
		}
		return nil
	})
}

// presenceText is the header's "who is here": everyone else on this
// model with their step, the facilitator marked, a detached participant
// shown as such; people on other models are counted.
func (a *app) presenceText() string {
	if !a.isLive() || len(a.live.presence) == 0 {
		return ""
	}
	g := a.styles.Glyphs
	var here []string
	elsewhere := 0
	people := slices.Clone(a.live.presence)
	// The facilitator first, then by name, whatever order the host keeps.
	slices.SortStableFunc(people, func(x, y model.Presence) int {
		fx, fy := x.Participant.Role == model.RoleFacilitator, y.Participant.Role == model.RoleFacilitator
		if fx != fy {
			if fx {
				return -1
			}
			return 1
		}
		return strings.Compare(strings.ToLower(x.Participant.Name), strings.ToLower(y.Participant.Name))
	})
	for _, p := range people {
		if p.Participant.Session == a.live.me.Session && p.Participant.Name == a.live.me.Name {
			continue
		}
		if a.s == nil || p.ModelID != a.s.m.ID {
			elsewhere++
			continue
		}
		name := safeLine(p.Participant.Name)
		if p.Participant.Role == model.RoleFacilitator {
			name = g.Lead + name
		}
		where := "?"
		if st, ok := ParseStep(p.Step); ok {
			where = st.Short()
		}
		if p.Participant.Role == model.RoleParticipant && !p.Following {
			where += " (own)"
		}
		here = append(here, name+" "+where)
	}
	out := strings.Join(here, ", ")
	if elsewhere > 0 {
		if out != "" {
			out += ", "
		}
		out += "+" + itoa(elsewhere) + " elsewhere"
	}
	if out == "" {
		return ""
	}
	return "with " + out
}

// onlyKind reports whether every record of e is of kind k.
func onlyKind(e model.Edit, k model.RecordKind) bool {
	for _, r := range e.Records {
		if r.Kind != k {
			return false
		}
	}
	return len(e.Records) > 0
}

// othersHere counts the other sessions in the live session (presence
// lists everyone, this session included).
func (a *app) othersHere() int {
	n := 0
	for _, p := range a.live.presence {
		if p.Participant.Session != a.live.me.Session {
			n++
		}
	}
	return n
}
