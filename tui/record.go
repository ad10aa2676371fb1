package tui

import (
	"errors"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/threatdeck/threatdeck/model"
)

// stepRecord is the origin of session-record writes: no page asked for
// them, nothing shows "Saved", and u does not undo them.
const stepRecord Step = -3

// Why an edit is refused.
var (
	errObserver  = errors.New("observers can read and park ideas (p), but not change the model")
	errLiveEnded = errors.New("the live session has ended; nothing more can be saved")
)

// gate refuses the edits this session may not make: everything once the
// live session ended; for an observer, all but adding to the parking lot.
func (a *app) gate(ch model.Change) error {
	if a.live.ended {
		return errLiveEnded
	}
	if a.role().CanEdit() {
		return nil
	}
	old := map[string]bool{}
	for _, r := range ch.Undo.Records {
		if r.Value != nil {
			old[string(r.Kind)+" "+r.ID] = true
		}
	}
	for _, r := range ch.Do.Records {
		switch {
		case r.Kind == model.RecSeq, r.Kind == model.RecOverview:
		case r.Kind == model.RecParking && r.Value != nil && !old[string(r.Kind)+" "+r.ID]:
		default:
			return errObserver
		}
	}
	return nil
}

// refuseEdit answers an editing key an observer (or a session whose host
// went) presses with why it does nothing, before a form opens for it.
func (a *app) refuseEdit(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	if !a.readOnly() {
		return nil, false
	}
	l := a.keys.List
	for _, b := range []key.Binding{l.Add, l.Edit, l.Delete, l.Toggle, a.keys.Global.Undo} {
		if key.Matches(msg, b) {
			err := errObserver
			if a.live.ended {
				err = errLiveEnded
			}
			a.setStatus(err.Error(), false)
			return nil, true
		}
	}
	return nil, false
}

// startRecord begins the session record, once per opened model.
func (a *app) startRecord() {
	if a.record != nil || a.s == nil || !a.facilitator() || a.readOnly() {
		return
	}
	now := a.opts.now()
	rec := model.SessionRecord{ID: model.SessionID(now), Facilitator: a.user(), Started: now}
	a.record = &rec
}

// attend brings the session record's attendance up to date with who is
// here (the facilitator's session writes it; others only read).
func (a *app) attend() tea.Cmd {
	if a.record == nil || a.s == nil {
		return nil
	}
	present := []model.Participant{{Name: a.user(), Role: a.role()}}
	for _, p := range a.live.presence {
		if p.ModelID == a.s.m.ID {
			present = append(present, p.Participant)
		}
	}
	next := a.record.Attend(present, a.opts.now())
	if next.SameAs(*a.record) {
		return nil
	}
	*a.record = next
	return a.saveRecord(false)
}

// saveRecord writes the session record with the step times so far; end
// closes it (the model is closed or the program quits).
func (a *app) saveRecord(end bool) tea.Cmd {
	if a.record == nil || a.s == nil || a.readOnly() {
		return nil
	}
	now := a.opts.now()
	rec := *a.record
	rec.Steps = a.timer.stepTimes(now)
	if len(rec.Attendees) == 0 {
		rec = rec.Attend([]model.Participant{{Name: a.user(), Role: a.role()}}, now)
	}
	if end {
		rec.Ended = now
		for i := range rec.Attendees {
			if rec.Attendees[i].Left.IsZero() {
				rec.Attendees[i].Left = now
			}
		}
	}
	old, stored := a.storedRecord(rec.ID)
	if stored && old.SameAs(rec) {
		return nil
	}
	if !stored && !rec.Shared() {
		// One person opening a model is not a session: recording it would
		// change the report (and its diff in git) on every launch.
		*a.record = rec
		return nil
	}
	*a.record = rec
	ch, err := a.s.m.PutSession(rec)
	return a.s.commitFrom(stepRecord, ch, err, false)
}

func (a *app) storedRecord(id string) (model.SessionRecord, bool) {
	for _, r := range a.s.m.Sessions {
		if r.ID == id {
			return r, true
		}
	}
	return model.SessionRecord{}, false
}

// stepTimes is the time the timer counted on each step, in step order.
func (t *sessionTimer) stepTimes(now time.Time) []model.StepTime {
	var out []model.StepTime
	for _, s := range Steps {
		d := t.perStep[s]
		if t.running && s == t.step {
			if x := now.Sub(t.since); x > 0 {
				d += x
			}
		}
		if sec := int64(d / time.Second); sec > 0 {
			out = append(out, model.StepTime{Step: s.Name(), Seconds: sec})
		}
	}
	return out
}
