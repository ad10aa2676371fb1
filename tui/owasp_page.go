package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/threatdeck/threatdeck/model"
)

// owaspPage is the OWASP Top 10 step: the ten items of the model's edition
// with their assessment, and for the item under the cursor its
// description, check questions, note and linked threats. Switching
// edition keeps the other edition's answers (both live in the model).
type owaspPage struct {
	s    *session
	k    ScreenKeys
	list *list
	// detailOnly gives the whole body to the item's detail (enter).
	detailOnly   bool
	detailOffset int

	form   *form
	formID string
	// links is model.OWASPLinks as of the last refresh: an item's threats.
	links map[string][]string
}

func newOWASPPage(s *session) page {
	p := &owaspPage{s: s, k: DefaultScreenKeys()}
	p.list = newList(s, []column{{Title: "ID", Width: 8}, {Title: "Item", Min: 12}, {Title: "State", Width: stateWidth()}, {Title: "Threats", Width: 7}},
		"The OWASP catalog is empty.")
	p.list.cellStyle = stateColumn(s, 2)
	p.refresh()
	return p
}

// refresh rebuilds the rows from the model (ten items: cheap).
func (p *owaspPage) refresh() {
	items := p.s.m.Checklist(model.ListOWASP)
	rows := make([]listItem, 0, len(items))
	// The threats' own OWASP tags count too, as in the report.
	p.links = p.s.m.OWASPLinks()
	for _, c := range items {
		links := ""
		if n := len(p.links[c.ID]); n > 0 {
			links = itoa(n)
		}
		rows = append(rows, newListItem(c.ID, safeLine(c.ID), safeLine(c.Title), stateMark(c.State)+" "+c.State.Label(), links))
	}
	p.list.setItems(rows)
}

func (p *owaspPage) Capturing() bool { return p.form != nil || p.list.Capturing() }

func (p *owaspPage) Selected() string { return p.list.Selected() }

func (p *owaspPage) Select(id string) {
	p.refresh()
	p.list.Select(id)
}

func (p *owaspPage) current() (model.CheckItem, bool) {
	return p.s.m.Check(p.list.Selected())
}

func (p *owaspPage) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case shownMsg, modelChangedMsg:
		p.refresh()
		return nil
	case savedMsg, saveFailedMsg:
		p.refresh()
		return settle(p.s, &p.form, msg)
	}
	if p.form != nil {
		return runForm(&p.form, msg, p.submit)
	}
	if p.list.Update(msg) {
		p.detailOffset = 0
		return nil
	}
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	l, k := p.s.keys.List, p.k
	c, have := p.current()
	switch {
	case key.Matches(km, k.Edition):
		return p.switchEdition()
	case key.Matches(km, l.Open):
		p.detailOnly = !p.detailOnly
		p.detailOffset = 0
	case key.Matches(km, l.Back):
		p.detailOnly = false
	case !have:
	case key.Matches(km, l.Toggle), key.Matches(km, k.PrevState):
		if key.Matches(km, k.PrevState) {
			c.State = c.State.Prev()
		} else {
			c.State = c.State.Next()
		}
		cmd := p.s.apply(p.s.m.PutCheck(c, p.s.now()))
		p.refresh()
		return cmd
	case key.Matches(km, k.Note):
		p.openForm(c, false, true, false)
	case key.Matches(km, k.Link):
		p.openForm(c, false, false, true)
	case key.Matches(km, l.Edit):
		p.openForm(c, true, true, true)
	}
	return nil
}

// switchEdition moves the model to the other edition, keeping the cursor on
// the item of the same rank.
func (p *owaspPage) switchEdition() tea.Cmd {
	next := model.OWASP2021
	if p.s.m.Edition() == model.OWASP2021 {
		next = model.OWASP2025
	}
	at := p.list.cursor
	ch, err := p.s.m.SetEdition(next, p.s.now())
	ch.Do.Label = "Switched to OWASP Top 10 " + string(next) + " (answers for the other edition are kept)"
	cmd := p.s.apply(ch, err)
	p.refresh()
	p.list.cursor = at
	p.list.clamp()
	return cmd
}

func (p *owaspPage) openForm(c model.CheckItem, state, note, links bool) {
	var fields []*field
	if state {
		fields = append(fields, selectField("state", "State", enumOptions(model.ItemStates)).value(string(c.State)))
	}
	if note {
		fields = append(fields, areaField("note", "Note").lines(4).value(c.Note).withHint("What is in place, what is missing, who owns it"))
	}
	if links {
		fields = append(fields, multiField("threats", "Linked threats", threatOptions(p.s.m)).values(c.Threats))
	}
	p.form = newForm(p.s, safeLine(c.ID+" "+c.Title), fields...)
	p.formID = c.ID
}

func (p *owaspPage) submit() tea.Cmd {
	c, ok := p.s.m.Check(p.formID)
	if !ok {
		p.form = nil
		return p.s.fail(fmt.Errorf("item %s no longer exists", p.formID))
	}
	if f := p.form.field("state"); f != nil {
		c.State = model.ItemState(p.form.value("state"))
	}
	if f := p.form.field("note"); f != nil {
		c.Note = p.form.value("note")
	}
	if f := p.form.field("threats"); f != nil {
		c.Threats = p.form.values("threats")
	}
	return p.s.apply(p.s.m.PutCheck(c, p.s.now()))
}

func (p *owaspPage) View(width, height int) string {
	if p.form != nil {
		return p.form.View(width, height)
	}
	p.refresh()
	st := p.s.styles
	head := p.editionBar(width)
	h := max(1, height-2)
	if p.detailOnly {
		d := newDoc(width)
		p.detail(d)
		return head + "\n\n" + d.render(h, &p.detailOffset)
	}
	p.list.top = 2 // the edition bar, a blank line
	if width >= 110 && !p.s.accessible {
		leftW := width / 2
		lst := p.list.Render(leftW, min(h, p.list.len()+2))
		d := newDoc(width - leftW - 2)
		p.detail(d)
		off := 0
		return head + "\n\n" + sideBySide(lst, d.render(h, &off), leftW, 2, h)
	}
	// Half the body for the list (it scrolls), the rest for the item.
	listH := min(p.list.len()+2, max(5, h/2))
	lst := p.list.Render(width, listH)
	rest := h - lipgloss.Height(lst) - 1
	if rest < 2 {
		return head + "\n\n" + lst
	}
	d := newDoc(width)
	p.detail(d)
	off := 0
	more := ""
	if len(d.lines) > rest {
		rest--
		more = "\n" + st.Muted.Render("enter: show all")
	}
	return head + "\n\n" + lst + "\n" + d.render(rest, &off) + more
}

// editionBar shows the edition (both, the chosen one marked) and progress.
func (p *owaspPage) editionBar(width int) string {
	st := p.s.styles
	var eds []string
	for _, e := range model.Editions {
		if e == p.s.m.Edition() {
			eds = append(eds, st.TabActive.Render(string(e)))
		} else {
			eds = append(eds, st.Tab.Render(string(e)))
		}
	}
	pr := p.s.m.SectionProgress(model.SecOWASP)
	left := st.Bold.Render("OWASP Top 10") + " " + strings.Join(eds, " ") + st.Muted.Render("  E: switch edition")
	right := st.Muted.Render(fmt.Sprintf("%d/%d assessed", pr.Done, pr.Total))
	if len(p.s.m.Checklist(model.ListOWASP)) == 0 {
		right = ""
	}
	gap := width - lipgloss.Width(left) - lipgloss.Width(right)
	if gap < 1 {
		return truncate(left, width)
	}
	return left + strings.Repeat(" ", gap) + right
}

// detail draws the item under the cursor.
func (p *owaspPage) detail(d *doc) {
	st := p.s.styles
	c, ok := p.current()
	if !ok {
		return
	}
	it, _ := model.OWASPByID(c.ID)
	d.add(st.Heading.Render(safeLine(c.ID)) + " " + st.Bold.Render(safeLine(c.Title)) + "  " +
		st.stateStyle(c.State).Render(stateMark(c.State)+" "+c.State.Label()))
	// The team's own answers first: they matter most when space is short.
	if c.Note != "" {
		d.wrapped(st.Muted.Render("Note: ")+safe(c.Note), "")
	}
	if linked := p.links[c.ID]; len(linked) > 0 {
		var parts []string
		for _, id := range linked {
			if t, ok := p.s.m.Threat(id); ok {
				parts = append(parts, safeLine(t.ID)+" "+safeLine(t.Title))
			} else {
				parts = append(parts, safeLine(id)+" (missing)")
			}
		}
		d.wrapped(st.Muted.Render(fmt.Sprintf("Linked threats (%d): ", len(linked)))+strings.Join(parts, ", "), "")
	}
	if len(it.Questions) > 0 {
		d.blank()
		d.add(st.Section.Render("Check"))
		for _, q := range it.Questions {
			d.hanging(safeLine(q), st.Glyphs.Bullet+" ")
		}
	}
	// The catalog's explanation last: the name says most of it, and the
	// checks are what the team answers.
	if it.Description != "" {
		d.blank()
		d.wrapped(st.Muted.Render(safe(it.Description)), "")
	}
	if c.Note == "" || len(c.Threats) == 0 {
		d.blank()
		var hints []string
		if c.Note == "" {
			hints = append(hints, "n adds a note")
		}
		if len(c.Threats) == 0 {
			hints = append(hints, "l links threats")
		}
		d.add(st.Placeholder.Render(strings.Join(hints, "; ") + "."))
	}
}

func (p *owaspPage) ShortHelp() []key.Binding {
	l, k := p.s.keys.List, p.k
	switch {
	case p.form != nil:
		return p.form.help()
	case p.list.Capturing():
		return p.list.help()
	}
	return []key.Binding{l.Up, l.Down, cycleState(l), k.Note, k.Link, l.Edit, k.Edition, p.openKey()}
}

// openKey is enter as it reads now: open the item's details, or (with
// esc) go back to the list.
func (p *owaspPage) openKey() key.Binding {
	l := p.s.keys.List
	if p.detailOnly {
		return pair("back to list", l.Open, l.Back)
	}
	return rebind(l.Open, "details")
}

func (p *owaspPage) FullHelp() [][]key.Binding {
	l, k := p.s.keys.List, p.k
	if h, ok := focusFullHelp(nil, p.form, p.list); ok {
		return h
	}
	return [][]key.Binding{
		{l.Up, l.Down, l.PageUp, l.PageDown, l.Home, l.End, l.Filter},
		{cycleState(l), k.PrevState, k.Note, k.Link, l.Edit},
		{k.Edition, p.openKey(), p.list.clearKey()},
	}
}
