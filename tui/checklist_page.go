package tui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/threatdeck/threatdeck/model"
)

// checklistLists are the lists the step shows, one tab each.
var checklistLists = []model.ChecklistKind{model.ListControls, model.ListTesting, model.ListCompliance}

// checklistPage is the Controls & checklists step: security controls,
// testing & validation and compliance, each grouped, assessed with space.
// The team can add its own items (and delete those again); catalog items
// stay and are marked not applicable instead.
type checklistPage struct {
	s    *session
	k    ScreenKeys
	tab  int
	list *list
	// cursors remembers the selected item of each tab.
	cursors map[model.ChecklistKind]string

	form    *form
	formID  string // "" for a new item
	confirm *confirm
}

func newChecklistPage(s *session) page {
	p := &checklistPage{s: s, k: DefaultScreenKeys(), cursors: map[model.ChecklistKind]string{}}
	p.list = newList(s, []column{{Title: "Group", Width: 16}, {Title: "Item", Min: 12}, {Title: "State", Width: stateWidth()}},
		"This list is empty. Press a to add an item.")
	p.list.cellStyle = stateColumn(s, 2)
	p.refresh()
	return p
}

func (p *checklistPage) kind() model.ChecklistKind { return checklistLists[p.tab] }

// refresh rebuilds the current tab's rows; the group is written on the
// first row of each group only, so the list reads as grouped.
func (p *checklistPage) refresh() {
	items := p.s.m.Checklist(p.kind())
	rows := make([]listItem, 0, len(items))
	prev := ""
	for _, c := range items {
		group := safeLine(c.Group)
		cell := group
		if group == prev {
			cell = ""
		}
		prev = group
		title := safeLine(c.Title)
		if c.Note != "" {
			title += " " + p.s.styles.Glyphs.Bullet
		}
		it := newListItem(c.ID, cell, title, stateMark(c.State)+" "+c.State.Label())
		it.Filter = strings.ToLower(c.ID + " " + group + " " + title + " " + safeLine(c.Detail) + " " + c.State.Label())
		it.Muted = c.State == model.StateNA
		rows = append(rows, it)
	}
	p.list.setItems(rows)
}

func (p *checklistPage) Capturing() bool {
	return p.form != nil || p.confirm != nil || p.list.Capturing()
}

func (p *checklistPage) Selected() string { return p.list.Selected() }

// Select shows the tab holding the item and puts the cursor on it.
func (p *checklistPage) Select(id string) {
	c, ok := p.s.m.Check(id)
	if !ok {
		return
	}
	if i := slices.Index(checklistLists, c.List); i >= 0 {
		p.switchTab(i)
	}
	p.list.Select(id)
}

func (p *checklistPage) switchTab(i int) {
	if i == p.tab {
		return
	}
	p.cursors[p.kind()] = p.list.Selected()
	p.tab = i
	p.list.clearFilter()
	p.list.cursor = 0
	p.refresh()
	if id := p.cursors[p.kind()]; id != "" {
		p.list.Select(id)
	}
}

// custom reports whether an item was added by the team (not from the catalog).
func custom(id string) bool {
	if _, ok := model.OWASPByID(id); ok {
		return false
	}
	for _, l := range checklistLists {
		for _, t := range model.ChecklistCatalog(l) {
			if t.ID == id {
				return false
			}
		}
	}
	return true
}

func (p *checklistPage) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case shownMsg, modelChangedMsg:
		p.refresh()
		return nil
	case savedMsg, saveFailedMsg:
		p.refresh()
		return settle(p.s, &p.form, msg)
	}
	if p.confirm != nil {
		id, yes, done := answer(&p.confirm, msg)
		if !done || !yes {
			return nil
		}
		cmd := p.s.apply(p.s.m.DeleteCheck(id, p.s.now()))
		p.refresh()
		return cmd
	}
	if p.form != nil {
		return runForm(&p.form, msg, p.submit)
	}
	if p.list.Update(msg) {
		return nil
	}
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	l, k := p.s.keys.List, p.k
	c, have := p.s.m.Check(p.list.Selected())
	switch {
	case key.Matches(km, k.PrevList):
		p.switchTab((p.tab + len(checklistLists) - 1) % len(checklistLists))
	case key.Matches(km, k.NextList):
		p.switchTab((p.tab + 1) % len(checklistLists))
	case key.Matches(km, l.Add):
		group := ""
		if have {
			group = c.Group
		}
		p.openForm(model.CheckItem{List: p.kind(), Group: group})
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
		p.form = newForm(p.s, safeLine(c.Title),
			areaField("note", "Note").lines(4).value(c.Note).withHint("How it is done, what is missing, who owns it"))
		p.formID = c.ID
	case key.Matches(km, k.Link):
		p.form = newForm(p.s, safeLine(c.Title),
			multiField("threats", "Threats this addresses", threatOptions(p.s.m)).values(c.Threats))
		p.formID = c.ID
	case key.Matches(km, l.Edit):
		p.openForm(c)
	case key.Matches(km, l.Delete):
		if !custom(c.ID) {
			return p.s.status("Catalog items stay in the list: mark them not applicable with space")
		}
		p.confirm = newConfirm(p.s, "Delete “"+safeLine(c.Title)+"”?", c.ID)
	}
	return nil
}

// openForm edits an item: everything for the team's own items, the
// assessment only for catalog items.
func (p *checklistPage) openForm(c model.CheckItem) {
	var fields []*field
	title := "New " + p.kind().Label() + " item"
	if c.ID == "" || custom(c.ID) {
		fields = append(fields,
			textField("title", "Title").required().value(c.Title),
			textField("group", "Group").value(c.Group).withHint("Items with the same group are listed together"),
			areaField("detail", "Detail").lines(2).value(c.Detail))
	}
	if c.ID != "" {
		title = "Edit " + safeLine(c.Title)
	}
	fields = append(fields,
		selectField("state", "State", enumOptions(model.ItemStates)).value(string(c.State)),
		areaField("note", "Note").lines(3).value(c.Note),
	)
	p.form = newForm(p.s, title, fields...)
	p.formID = c.ID
}

func (p *checklistPage) submit() tea.Cmd {
	c := model.CheckItem{List: p.kind()}
	if p.formID != "" {
		var ok bool
		if c, ok = p.s.m.Check(p.formID); !ok {
			p.form = nil
			return p.s.fail(fmt.Errorf("item %s no longer exists", p.formID))
		}
	}
	f := p.form
	for _, k := range []struct {
		key string
		dst *string
	}{{"title", &c.Title}, {"group", &c.Group}, {"detail", &c.Detail}, {"note", &c.Note}} {
		if f.field(k.key) != nil {
			*k.dst = f.value(k.key)
		}
	}
	if f.field("state") != nil {
		c.State = model.ItemState(f.value("state"))
	}
	if f.field("threats") != nil {
		c.Threats = f.values("threats")
	}
	ch, err := p.s.m.PutCheck(c, p.s.now())
	cmd := p.s.apply(ch, err)
	if err == nil {
		p.refresh()
		for _, r := range ch.Do.Records {
			if r.Kind == model.RecCheck {
				p.list.Select(r.ID)
			}
		}
	}
	return cmd
}

func (p *checklistPage) View(width, height int) string {
	if p.form != nil {
		return p.form.View(width, height)
	}
	p.refresh()
	st := p.s.styles
	// Wide screens show group names in full.
	p.list.cols[0].Width = 16
	if width >= 100 {
		p.list.cols[0].Width = 24
	}
	var tabs []string
	for i, l := range checklistLists {
		items := p.s.m.Checklist(l)
		done := 0
		for _, c := range items {
			if c.State.Assessed() {
				done++
			}
		}
		label := fmt.Sprintf("%s %d/%d", l.Label(), done, len(items))
		if i == p.tab {
			tabs = append(tabs, st.TabActive.Render(label))
		} else {
			tabs = append(tabs, st.Tab.Render(label))
		}
	}
	head := truncate(strings.Join(tabs, " "), width)
	h := height - 2 // tabs and a blank line
	if p.confirm != nil {
		h--
	}
	var detail string
	if c, ok := p.s.m.Check(p.list.Selected()); ok && h >= 10 {
		d := newDoc(width)
		p.detail(d, c)
		off := 0
		dh := min(len(d.lines), max(2, h/3))
		detail = d.render(dh, &off)
		h -= dh + 1
	}
	p.list.top = 2 // tabs, a blank line
	out := head + "\n\n" + clampLines(p.list.Render(width, h), h)
	if detail != "" {
		out += "\n\n" + detail
	}
	if p.confirm != nil {
		out += "\n" + p.confirm.View(width)
	}
	return out
}

func (p *checklistPage) detail(d *doc, c model.CheckItem) {
	st := p.s.styles
	tag := ""
	if custom(c.ID) {
		tag = st.Muted.Render(" (team item)")
	}
	d.add(st.Bold.Render(safeLine(c.Title)) + tag + "  " + st.stateStyle(c.State).Render(c.State.Label()))
	if c.Detail != "" {
		d.wrapped(st.Muted.Render(safe(c.Detail)), "")
	}
	if c.Note != "" {
		d.wrapped(st.Muted.Render("Note: ")+safe(c.Note), "")
	}
	if len(c.Threats) > 0 {
		d.wrapped(st.Muted.Render("Threats: ")+safeLine(strings.Join(c.Threats, ", ")), "")
	}
}

func (p *checklistPage) ShortHelp() []key.Binding {
	l, k := p.s.keys.List, p.k
	switch {
	case p.confirm != nil:
		return p.confirm.help()
	case p.form != nil:
		return p.form.help()
	case p.list.Capturing():
		return p.list.help()
	}
	return []key.Binding{k.PrevList, k.NextList, l.Up, l.Down, cycleState(l), k.Note, l.Add, l.Edit, l.Delete}
}

func (p *checklistPage) FullHelp() [][]key.Binding {
	l, k := p.s.keys.List, p.k
	if h, ok := focusFullHelp(p.confirm, p.form, p.list); ok {
		return h
	}
	return [][]key.Binding{
		{k.PrevList, k.NextList, l.Up, l.Down, l.PageUp, l.PageDown, l.Home, l.End, l.Filter},
		{cycleState(l), k.PrevState, k.Note, k.Link},
		{l.Add, l.Edit, rebind(l.Delete, "delete team item"), p.list.clearKey()},
	}
}
