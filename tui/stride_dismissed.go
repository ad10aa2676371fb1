package tui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/threatdeck/threatdeck/model"
)

// The STRIDE step's dismissals: x asks for an optional one-line reason
// before dismissing a suggestion; X lists the model's dismissed
// suggestions with their reasons, and r restores one so it is suggested
// again.

// openDismiss asks why a suggestion does not apply; enter with nothing
// typed dismisses it without a reason.
func (p *stridePage) openDismiss(sug model.Suggestion) {
	p.form = newForm(p.s, "Dismiss “"+safeLine(sug.Threat.Title)+"”",
		textField("reason", "Why does it not apply? (optional)").
			withHint("One line for the report's “Considered and dismissed” appendix; enter skips"))
	p.formThreat, p.formReview = "", false
	p.dismissing, p.dismissTitle = sug.Threat.ID, sug.Threat.Title
}

// submitDismiss dismisses the suggestion the form is about.
func (p *stridePage) submitDismiss() tea.Cmd {
	id, title := p.dismissing, p.dismissTitle
	reason := p.form.value("reason")
	ch, err := p.s.m.DismissWithReason(id, reason, p.s.now())
	if err != nil {
		p.form.setError(err)
		return nil
	}
	p.dismissing = ""
	// The label is what the status line and undo show: name the threat.
	ch.Do.Label = "Dismissed “" + safeLine(title) + "”; it will not be suggested again"
	p.stale = true
	defer p.clamp()
	return p.s.apply(ch, nil)
}

// openDismissed shows the list of dismissed suggestions.
func (p *stridePage) openDismissed() {
	p.dismissed = newList(p.s, []column{{Title: "Suggestion", Width: 12}, {Title: "Threat", Min: 16}, {Title: "Reason", Min: 16}, {Title: "Dismissed", Width: 10}},
		"Nothing dismissed. Press x on a suggestion to rule it out.")
	p.refreshDismissed()
}

func (p *stridePage) refreshDismissed() {
	if p.dismissed == nil {
		return
	}
	items := make([]listItem, 0, len(p.s.m.Dismissed))
	for _, id := range p.s.m.Dismissed {
		d, _ := p.s.m.DismissalOf(id)
		title := ""
		if lt, ok := libraryThreat(p.s.library(), id); ok {
			title = lt.Title
		}
		when := ""
		if !d.At.IsZero() {
			when = p.s.opts.local(d.At).Format("2006-01-02")
		}
		reason := d.Reason
		if reason == "" {
			reason = "—"
		}
		items = append(items, newListItem(id, safeLine(id), safeLine(title), safeLine(reason), when))
	}
	p.dismissed.setItems(items)
}

// libraryThreat finds a library threat by id in the session's libraries.
func libraryThreat(libs []model.Library, id string) (model.LibraryThreat, bool) {
	for _, l := range libs {
		for _, t := range l.Threats {
			if t.ID == id {
				return t, true
			}
		}
	}
	return model.LibraryThreat{}, false
}

// updateDismissed handles the dismissed list's keys.
func (p *stridePage) updateDismissed(msg tea.Msg) tea.Cmd {
	if p.dismissed.Update(msg) {
		return nil
	}
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	switch {
	case key.Matches(k, p.s.keys.List.Back), key.Matches(k, p.k.Dismissed):
		p.dismissed = nil
	case key.Matches(k, p.k.Restore):
		id := p.dismissed.Selected()
		if id == "" {
			return nil
		}
		ch, err := p.s.m.Restore(id, p.s.now())
		p.stale = true
		p.refreshDismissed()
		return p.s.apply(ch, err)
	}
	return nil
}

// viewDismissed draws the dismissed list in place of the step's body.
func (p *stridePage) viewDismissed(width, height int) string {
	st := p.s.styles
	head := st.Heading.Render("Dismissed suggestions") + st.Muted.Render("  "+itoa(len(p.s.m.Dismissed))+" ruled out for this model")
	return head + "\n\n" + p.dismissed.Render(width, height-2)
}

// dismissedHelp is the dismissed list's help.
func (p *stridePage) dismissedHelp() []key.Binding {
	if p.dismissed.Capturing() {
		return p.dismissed.help()
	}
	l := p.s.keys.List
	has := p.dismissed.len() > 0
	return []key.Binding{l.Up, l.Down, enabled(p.k.Restore, has), l.Filter, rebind(l.Back, "close list")}
}

// dismissedFullHelp is every key of the dismissed list.
func (p *stridePage) dismissedFullHelp() [][]key.Binding {
	if p.dismissed.Capturing() {
		return p.dismissed.fullHelp()
	}
	l := p.s.keys.List
	return [][]key.Binding{p.dismissedHelp(), {l.PageUp, l.PageDown, l.Home, l.End, rebind(p.k.Dismissed, "close list"), p.dismissed.clearKey()}}
}
