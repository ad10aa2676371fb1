package tui

import (
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/threatdeck/threatdeck/model"
)

// undoPrefix is what model.Apply puts before the label of a reversal.
const undoPrefix = "Undo: "

// maxUndo bounds the session's undo history.
const maxUndo = 200

// saved records a persisted edit: it goes on the undo stack (unless it was
// an undo) and the page that made it hears about it.
func (a *app) saved(msg savedMsg) tea.Cmd {
	if a.s == nil {
		return nil
	}
	a.settled(msg.Form)
	if msg.Origin == stepPoker || msg.Origin == stepRecord {
		// Votes, rounds and the session record are not undone with u.
		if a.poker != nil {
			a.poker.refresh()
		}
		if msg.Origin == stepPoker {
			a.setStatus(safeLine(msg.Change.Do.Label), true)
		}
		return tea.Batch(a.route(msg, msg.Origin, false), a.replay())
	}
	if !msg.Undo {
		a.undo = append(a.undo, msg.Change)
		if len(a.undo) > maxUndo {
			a.undo = a.undo[len(a.undo)-maxUndo:]
		}
	}
	// Labels start with their verb ("Saved overview", "Added threat T-004"):
	// the status line says them as they are.
	if msg.Undo {
		a.setStatus("Undid “"+safeLine(strings.TrimPrefix(msg.Change.Do.Label, undoPrefix))+"”", true)
	} else {
		a.setStatus(safeLine(msg.Change.Do.Label)+savedHint(msg.Change), true)
	}
	if a.poker != nil {
		a.poker.refresh()
	}
	return tea.Batch(a.route(msg, msg.Origin, false), a.replay())
}

// settled counts a form's save as landed.
func (a *app) settled(form bool) {
	if form && a.s.busy > 0 {
		a.s.busy--
	}
}

// replay delivers the keys held while a form's save was on its way, in
// order, until one of them submits a form again (the rest wait for that).
func (a *app) replay() tea.Cmd {
	var cmds []tea.Cmd
	for len(a.held) > 0 && a.keysFlow() {
		k := a.held[0]
		a.held = a.held[1:]
		cmds = append(cmds, a.key(k))
		if a.s != nil {
			a.s.submitting = false
		}
	}
	return tea.Batch(cmds...)
}

// keysFlow reports whether a key may act now: no form save is on its way,
// and the home screen is not opening a model.
func (a *app) keysFlow() bool {
	if a.s == nil {
		return a.opening == 0
	}
	return a.s.busy == 0
}

// saveFailed puts the model back as it was before a rejected edit and
// tells the page, which keeps what the user typed and shows the error.
func (a *app) saveFailed(msg saveFailedMsg) tea.Cmd {
	if a.s == nil {
		return nil
	}
	a.settled(msg.Form)
	if msg.Applied {
		// The mutator changed the in-memory model; the workbook did not
		// take it, so the screen must not pretend it did.
		a.s.m.Apply(msg.Change.Undo)
		a.s.changed()
		if msg.Undo {
			a.undo = append(a.undo, model.Change{
				Do:   model.Edit{Label: strings.TrimPrefix(msg.Change.Do.Label, undoPrefix), Records: msg.Change.Undo.Records},
				Undo: msg.Change.Do,
			})
		}
		a.setStatus("Not saved: "+msg.Err.Error(), false)
	} else {
		a.setStatus(failedStatus(msg), false)
	}
	if a.poker != nil {
		a.poker.refresh()
	}
	return tea.Batch(a.route(msg, msg.Origin, msg.Applied), a.replay())
}

// route delivers a save result to whoever started the edit: the page of
// its step, or the parking prompt or lot for the frame's own edits. When
// the model changed under the current page (another origin, or a revert),
// the page is told to refresh.
func (a *app) route(msg tea.Msg, origin Step, reverted bool) tea.Cmd {
	var cmds []tea.Cmd
	if origin == stepNone {
		switch {
		case a.park != nil:
			if _, ok := msg.(savedMsg); ok {
				a.park = nil // parked: back to where we were
			} else {
				cmds = append(cmds, a.park.Update(msg))
			}
		case a.lot != nil:
			cmds = append(cmds, a.lot.Update(msg))
		}
	}
	if p := a.page(); p != nil {
		if origin == a.step {
			cmds = append(cmds, p.Update(msg))
		}
		if origin != a.step || reverted {
			cmds = append(cmds, p.Update(modelChangedMsg{}))
		}
	}
	return tea.Batch(cmds...)
}

// undoLast reverts the newest change of this session and commits the
// reversal, so undo survives a restart like any other edit.
func (a *app) undoLast() tea.Cmd {
	if len(a.undo) == 0 {
		a.setStatus("Nothing to undo in this session", true)
		return nil
	}
	last := a.undo[len(a.undo)-1]
	a.undo = a.undo[:len(a.undo)-1]
	ch := a.s.m.Revert(last.Undo, a.opts.now())
	a.setStatus("Undoing: "+safeLine(last.Do.Label)+"…", true)
	cmds := []tea.Cmd{a.s.commitFrom(stepNone, ch, nil, true)}
	if p := a.page(); p != nil {
		cmds = append(cmds, p.Update(modelChangedMsg{}))
	}
	if a.lot != nil {
		cmds = append(cmds, a.lot.Update(modelChangedMsg{}))
	}
	return tea.Batch(cmds...)
}
