package tui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/threatdeck/threatdeck/model"
)

// conflict is someone else's edit of the record this session's form
// edits. The form keeps what was typed until the person chooses: keep
// theirs out (their save then replaces the other edit) or take the new
// version (the form is opened again from it).
type conflict struct {
	by, label string
	kind      model.RecordKind
	id        string
	step      Step
	// refused is set once a save was refused for want of a choice, so the
	// question says why nothing was saved.
	refused bool
}

// prompt is the status-line question.
func (c *conflict) prompt(k ConflictKeys) string {
	what := c.id
	if what == "" {
		what = "the " + string(c.kind)
	}
	lead := ""
	if c.refused {
		lead = "Not saved, choose first: "
	}
	return lead + safeLine(c.by) + " changed " + safeLine(what) + " while you edit it: " +
		k.Keep.Help().Key + " keep mine · " + k.Take.Help().Key + " take theirs"
}

// conflictKey answers the question; ok is false for any other key.
func (a *app) conflictKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	c, k := a.conflict, a.keys.Conflict
	if c == nil {
		return nil, false
	}
	switch {
	case key.Matches(msg, a.keys.Form.Save, a.keys.Form.Submit) && c.step == a.step:
		// Saving now would silently replace the other edit: the person
		// chooses first, and keeping theirs out is then one more key.
		c.refused = true
		return nil, true
	case key.Matches(msg, k.Keep):
		a.conflict = nil
		a.setStatus("Keeping your version: save it (ctrl+s) to replace "+safeLine(c.by)+"'s change", true)
		return nil, true
	case key.Matches(msg, k.Take):
		a.conflict = nil
		if c.step != a.step {
			return nil, true
		}
		if p, ok := a.page().(formReopener); ok {
			a.setStatus("Took "+safeLine(c.by)+"'s version", true)
			p.reopenForm()
			return nil, true
		}
	}
	return nil, false
}

// settleConflict drops the question once the form it was about is gone.
func (a *app) settleConflict() {
	if a.conflict == nil {
		return
	}
	if kind, id, ok := a.formRecord(); !ok || kind != a.conflict.kind || id != a.conflict.id || a.step != a.conflict.step {
		a.conflict = nil
	}
}

func (p *entityPage) formRecord() (model.RecordKind, string, bool) {
	if p.form == nil || p.editing == "" {
		return "", "", false
	}
	return recordKind(p.k.step), p.editing, true
}

func (p *threatsPage) formRecord() (model.RecordKind, string, bool) {
	if p.form == nil || p.formThreat == "" {
		return "", "", false
	}
	return model.RecThreat, p.formThreat, true
}

func (p *overviewPage) formRecord() (model.RecordKind, string, bool) {
	return model.RecOverview, "", p.form != nil
}

// formReopener is implemented by pages that can open their form again
// from the record as it now is ("take theirs").
type formReopener interface{ reopenForm() }

func (p *entityPage) reopenForm() { p.openForm(p.editing) }

func (p *overviewPage) reopenForm() { p.open() }

func (p *threatsPage) reopenForm() {
	t, ok := p.s.m.Threat(p.formThreat)
	if !ok {
		p.form = nil
		return
	}
	if p.formMit >= 0 {
		p.openMitigationForm(t, p.formMit)
		return
	}
	p.openThreatForm(t)
}
