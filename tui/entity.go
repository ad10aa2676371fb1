package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/threatdeck/threatdeck/model"
)

// entityKind describes one editable list of the model (assets, actors,
// attack surface) for entityPage: how to draw its rows and details, build
// its form, and save or delete a record.
type entityKind struct {
	step  Step
	noun  string // "asset"
	intro string // one line on what the list is for
	cols  []column
	empty string
	// rows lists the records as list rows.
	rows func(m *model.Model) []listItem
	// detail describes one record for the side/bottom pane.
	detail func(s *session, id string, width int) string
	// form builds the add (id "") or edit form.
	form func(s *session, id string) *form
	// save applies the form to the model through a mutator.
	save func(s *session, id string, f *form) (model.Change, error)
	// remove deletes a record through a mutator.
	remove func(s *session, id string) (model.Change, error)
	// name is a record's display name, for the delete question.
	name func(m *model.Model, id string) string
	// warn, when set, adds a consequence to the delete question
	// ("linked to 3 threats").
	warn func(m *model.Model, id string) string
}

// entityPage is a list with a detail pane, an add/edit form and delete with
// confirmation; Assets, Actors and Attack surface are all one of these.
type entityPage struct {
	s       *session
	k       entityKind
	ls      *list
	form    *form
	editing string // id the open form edits; "" adds
	confirm *confirm
}

func newEntityPage(s *session, k entityKind) *entityPage {
	p := &entityPage{s: s, k: k, ls: newList(s, k.cols, k.empty)}
	p.refresh()
	return p
}

func (p *entityPage) refresh() { p.ls.setItems(p.k.rows(p.s.m)) }

func (p *entityPage) Selected() string { return p.ls.Selected() }
func (p *entityPage) Select(id string) { p.ls.Select(id) }

// Capturing is true while the form, the delete question or the filter has
// focus.
func (p *entityPage) Capturing() bool {
	return p.form != nil || p.confirm != nil || p.ls.Capturing()
}

// Edit opens the form of record id (after a jump).
func (p *entityPage) Edit(id string) tea.Cmd {
	p.ls.Select(id)
	if p.ls.Selected() == id {
		p.openForm(id)
	}
	return nil
}

func (p *entityPage) openForm(id string) {
	p.editing = id
	p.form = p.k.form(p.s, id)
}

func (p *entityPage) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case shownMsg, modelChangedMsg:
		p.refresh()
		if p.form != nil && p.editing != "" && p.k.name(p.s.m, p.editing) == "" {
			// The record went away under the form (undo of its creation).
			p.form = nil
		}
		return nil
	case savedMsg:
		p.form = nil
		p.refresh()
		if id := newRecordID(msg.Change, recordKind(p.k.step)); id != "" && p.editing == "" {
			p.ls.Select(id)
		}
		return nil
	case saveFailedMsg:
		if p.form != nil {
			p.form.setError(msg.Err)
		}
		p.refresh()
		return nil
	}
	if p.form != nil {
		return runForm(&p.form, msg, func() tea.Cmd { return p.s.apply(p.k.save(p.s, p.editing, p.form)) })
	}
	if p.confirm != nil {
		if id, yes, done := answer(&p.confirm, msg); done && yes {
			return p.s.apply(p.k.remove(p.s, id))
		}
		return nil
	}
	if p.ls.Update(msg) {
		return nil
	}
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	lk := p.s.keys.List
	id := p.ls.Selected()
	switch {
	case key.Matches(k, lk.Add):
		p.openForm("")
	case key.Matches(k, lk.Edit) && id != "", key.Matches(k, lk.Open) && id != "":
		p.openForm(id)
	case key.Matches(k, lk.Delete) && id != "":
		q := "Delete " + p.k.noun + " " + id + " “" + truncate(p.k.name(p.s.m, id), 40) + "”?"
		if p.k.warn != nil {
			if w := p.k.warn(p.s.m, id); w != "" {
				q += " " + w
			}
		}
		p.confirm = newConfirm(p.s, q, id)
	}
	return nil
}

// View shows the list beside (wide) or above (narrow) the selected
// record's details; an open form takes the whole body.
func (p *entityPage) View(width, height int) string {
	st := p.s.styles
	if p.form != nil {
		return p.form.View(min(width, 110), height)
	}
	intro := st.Muted.Render(wrap(p.k.intro, width))
	bottom := ""
	if p.confirm != nil {
		bottom = p.confirm.View(width)
	}
	avail := height - lipgloss.Height(intro) - 1
	if bottom != "" {
		avail -= lipgloss.Height(bottom) + 1
	}
	var main string
	p.ls.top = lipgloss.Height(intro) + 1 // intro, a blank line
	id := p.ls.Selected()
	switch {
	case id == "":
		main = p.ls.Render(width, avail)
	case width >= 110:
		// The detail is key: value lines that need little room; wide
		// terminals give the rest to the list's names.
		dw := max(36, min(width*3/10, 60))
		lw := width - dw - 3
		left := p.ls.Render(lw, avail)
		right := p.k.detail(p.s, id, dw)
		main = lipgloss.JoinHorizontal(lipgloss.Top, fit(left, lw, avail), paneDivider(p.s, avail), fit(right, dw, avail))
	default:
		detail := p.k.detail(p.s, id, width)
		// The detail gets what it needs up to half the space; the list
		// keeps at least a few rows.
		dh := min(lipgloss.Height(detail), max(3, avail/2))
		lh := avail - dh - 1
		rule := "─"
		if p.s.accessible || st.Theme.NoColor {
			rule = "-"
		}
		main = fit(p.ls.Render(width, lh), width, lh) + "\n" + st.Muted.Render(strings.Repeat(rule, width)) + "\n" + fit(detail, width, dh)
	}
	out := intro + "\n\n" + main
	if bottom != "" {
		out += "\n\n" + bottom
	}
	return out
}

func (p *entityPage) ShortHelp() []key.Binding {
	switch {
	case p.form != nil:
		return p.form.help()
	case p.confirm != nil:
		return p.confirm.help()
	case p.ls.Capturing():
		return p.ls.help()
	}
	return p.s.keys.ListHelp()
}

func (p *entityPage) FullHelp() [][]key.Binding {
	if h, ok := focusFullHelp(p.confirm, p.form, p.ls); ok {
		return h
	}
	return append(p.s.keys.ListFullHelp(), []key.Binding{p.ls.clearKey()})
}

// detailLines lays out "Label: value" lines for a detail pane, wrapping
// long values under their label. Values must be safe already.
func detailLines(st Styles, width int, title string, pairs ...[2]string) string {
	var b strings.Builder
	b.WriteString(st.Bold.Render(truncate(title, width)) + "\n")
	for _, kv := range pairs {
		if kv[1] == "" {
			continue
		}
		if strings.Contains(kv[1], "\n") || lipgloss.Width(kv[0])+2+lipgloss.Width(kv[1]) > width {
			b.WriteString(st.FieldLabel.Render(kv[0]+":") + "\n" + st.Text.Render(wrap(kv[1], width)) + "\n")
			continue
		}
		b.WriteString(st.FieldLabel.Render(kv[0]+":") + " " + st.Text.Render(kv[1]) + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}
