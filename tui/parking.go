package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/threatdeck/threatdeck/model"
)

// openParking counts the parking-lot items not yet dealt with.
func openParking(m *model.Model) int {
	n := 0
	for _, p := range m.Parking {
		if !p.Resolved {
			n++
		}
	}
	return n
}

// parkPrompt is the one-line prompt that captures a question or idea
// without leaving the current screen. It sits in place of the status line.
type parkPrompt struct {
	s     *session
	input textinput.Model
	err   string
	busy  bool
}

func newParkPrompt(s *session) *parkPrompt {
	ti := textinput.New()
	ti.Prompt = ""
	ti.CharLimit = model.MaxTitle
	ti.Placeholder = "a question or idea to come back to"
	st := textinput.Styles{}
	st.Focused.Text = s.styles.Text
	st.Focused.Placeholder = s.styles.Placeholder
	st.Cursor.Blink = false
	ti.SetStyles(st)
	ti.Focus()
	return &parkPrompt{s: s, input: ti}
}

// Update handles the prompt; the root closes it on the savedMsg.
func (p *parkPrompt) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case savedMsg:
		return nil
	case saveFailedMsg:
		p.busy = false
		p.err = msg.Err.Error()
		return nil
	case tea.PasteMsg:
		msg.Content = safeLine(pasteLines(msg.Content))
		var cmd tea.Cmd
		p.input, cmd = p.input.Update(msg)
		return cmd
	case tea.KeyPressMsg:
		f := p.s.keys.Form
		switch {
		case key.Matches(msg, f.Cancel):
			return func() tea.Msg { return parkDoneMsg{} }
		case key.Matches(msg, f.Submit), key.Matches(msg, f.Save):
			if p.busy {
				return nil
			}
			ch, err := p.s.m.PutParking(model.ParkingItem{Text: p.input.Value()}, p.s.now())
			if err != nil {
				p.err = err.Error()
				return nil
			}
			p.busy, p.err = true, ""
			return p.s.commitFrom(stepNone, ch, nil, false)
		}
	}
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(msg)
	return cmd
}

// parkDoneMsg closes the prompt.
type parkDoneMsg struct{}

// View draws the prompt on one line.
func (p *parkPrompt) View(width int) string {
	st := p.s.styles
	label := st.Key.Render(" Park: ")
	tail := ""
	if p.err != "" {
		tail = "  " + st.Error.Render(p.err)
	}
	p.input.SetWidth(max(10, width-20-len(p.err)))
	return truncate(label+p.input.View()+tail, width)
}

// parkingLot is the modal list of parked items: resolve them, edit them,
// delete them, or turn one into a threat.
type parkingLot struct {
	s        *session
	ls       *list
	form     *form
	editing  string // item id the form edits; "" adds
	toThreat bool
	confirm  *confirm
	// made is the threat created from an item, opened once it is saved.
	made string
}

func newParkingLot(s *session) *parkingLot {
	l := &parkingLot{s: s}
	l.ls = newList(s, []column{{Title: "ID", Width: 6}, {Title: "State", Width: 9}, {Title: "Idea or question", Min: 20}, {Title: "Parked", Width: 16}},
		"The parking lot is empty. Press p on any screen to park a question or idea.")
	l.refresh()
	return l
}

func (l *parkingLot) refresh() {
	items := make([]listItem, 0, len(l.s.m.Parking))
	for _, p := range l.s.m.Parking {
		state := "open"
		if p.Resolved {
			state = "resolved"
		}
		it := newListItem(p.ID, p.ID, state, safeLine(p.Text), l.s.opts.stamp(p.Created))
		it.Muted = p.Resolved
		items = append(items, it)
	}
	l.ls.setItems(items)
}

// Capturing reports whether a form, question or filter has focus.
func (l *parkingLot) Capturing() bool {
	return l.form != nil || l.confirm != nil || l.ls.Capturing()
}

func (l *parkingLot) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case modelChangedMsg:
		l.refresh()
		return nil
	case savedMsg:
		l.form = nil
		l.refresh()
		if l.made != "" {
			id := l.made
			l.made = ""
			// Open the new threat where the team completes it.
			return tea.Sequence(l.s.jump(StepThreats, id), func() tea.Msg { return editMsg{ID: id} })
		}
		return nil
	case saveFailedMsg:
		l.made = ""
		if l.form != nil {
			l.form.setError(msg.Err)
		}
		l.refresh()
		return nil
	}
	if l.form != nil {
		return l.updateForm(msg)
	}
	if l.confirm != nil {
		if id, yes, done := answer(&l.confirm, msg); done && yes {
			return l.s.applyTool(l.s.m.DeleteParking(id, l.s.now()))
		}
		return nil
	}
	if l.ls.Update(msg) {
		return nil
	}
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	lk := l.s.keys.List
	id := l.ls.Selected()
	item, has := parkingItem(l.s.m, id)
	switch {
	case key.Matches(k, l.s.keys.Parking.Close):
		return func() tea.Msg { return lotDoneMsg{} }
	case key.Matches(k, lk.Add):
		l.editing, l.toThreat = "", false
		l.form = newForm(l.s, "Park an idea", textField("text", "Idea or question").required())
	case key.Matches(k, lk.Edit) && has:
		l.editing, l.toThreat = id, false
		l.form = newForm(l.s, "Edit "+id, textField("text", "Idea or question").required().value(item.Text))
	case key.Matches(k, l.s.keys.Parking.Resolve) && has:
		item.Resolved = !item.Resolved
		return l.s.applyTool(l.s.m.PutParking(item, l.s.now()))
	case key.Matches(k, lk.Delete) && has:
		l.confirm = newConfirm(l.s, "Delete "+id+" “"+truncate(safeLine(item.Text), 40)+"”?", id)
	case key.Matches(k, l.s.keys.Parking.MakeThreat) && has:
		l.editing, l.toThreat = id, true
		l.form = newForm(l.s, "Turn "+id+" into a threat",
			textField("title", "Threat").required().value(item.Text),
			selectField("category", "STRIDE category", enumOptions(model.StrideCategories)),
			areaField("description", "Description").value(item.Text))
	}
	return nil
}

// parkingItem finds an item by id.
func parkingItem(m *model.Model, id string) (model.ParkingItem, bool) {
	if i := m.ParkingIndex(id); i >= 0 {
		return m.Parking[i], true
	}
	return model.ParkingItem{}, false
}

type lotDoneMsg struct{}

func (l *parkingLot) updateForm(msg tea.Msg) tea.Cmd {
	return runForm(&l.form, msg, l.submitForm)
}

// submitForm saves the edited item, or turns it into a threat.
func (l *parkingLot) submitForm() tea.Cmd {
	now := l.s.now()
	item, _ := parkingItem(l.s.m, l.editing)
	if !l.toThreat {
		item.Text = l.form.value("text")
		ch, err := l.s.m.PutParking(item, now)
		if err != nil {
			l.form.setError(err)
			return nil
		}
		return l.s.commitFrom(stepNone, ch, nil, false)
	}
	t := model.Threat{Title: l.form.value("title"), Description: l.form.value("description"), Category: model.Stride(l.form.value("category"))}
	ch1, err := l.s.m.PutThreat(t, now)
	if err != nil {
		l.form.setError(err)
		return nil
	}
	id := newRecordID(ch1, model.RecThreat)
	item.Resolved = true
	ch2, err := l.s.m.PutParking(item, now)
	if err != nil {
		// Put the model back: the threat alone is not what was asked.
		l.s.m.Apply(ch1.Undo)
		l.form.setError(err)
		return nil
	}
	l.made = id
	return l.s.commitFrom(stepNone, combine("Turned "+item.ID+" into threat "+id, ch1, ch2), nil, false)
}

// newRecordID is the id of the record of kind k a change wrote.
func newRecordID(ch model.Change, k model.RecordKind) string {
	for _, r := range ch.Do.Records {
		if r.Kind == k && r.Value != nil {
			return r.ID
		}
	}
	return ""
}

func (l *parkingLot) View(width, height int) string {
	st := l.s.styles
	inner := l.s.overlayInner(width)
	var b strings.Builder
	b.WriteString(st.Heading.Render("Parking lot") + st.Muted.Render("  "+itoa(openParking(l.s.m))+" open of "+itoa(len(l.s.m.Parking))) + "\n\n")
	h := height - 4
	if l.form != nil {
		b.WriteString(l.form.View(inner, h))
	} else {
		detail := ""
		if item, ok := parkingItem(l.s.m, l.ls.Selected()); ok && len(item.Text) > inner-40 {
			detail = st.Muted.Render(wrap(safe(item.Text), inner))
		}
		dh := 0
		if detail != "" {
			dh = strings.Count(detail, "\n") + 2
		}
		if l.confirm != nil {
			dh += 2
		}
		b.WriteString(l.ls.Render(inner, h-dh))
		if detail != "" {
			b.WriteString("\n\n" + detail)
		}
		if l.confirm != nil {
			b.WriteString("\n\n" + l.confirm.View(inner))
		}
	}
	return l.s.overlay(b.String(), width, height)
}

// overlayInner is the width inside a modal tool's frame.
func (s *session) overlayInner(width int) int {
	if s.accessible {
		return width
	}
	return width - 4
}

// overlay frames a modal tool's body (none in accessible mode).
func (s *session) overlay(body string, width, height int) string {
	if s.accessible {
		return body
	}
	return s.styles.Overlay.Width(width).Height(height).Render(strings.TrimRight(body, "\n"))
}

func (l *parkingLot) ShortHelp() []key.Binding {
	switch {
	case l.form != nil:
		return l.form.help()
	case l.confirm != nil:
		return l.confirm.help()
	case l.ls.Capturing():
		return l.ls.help()
	}
	lk := l.s.keys.List
	pk := l.s.keys.Parking
	return []key.Binding{lk.Up, lk.Down, pk.Resolve, pk.MakeThreat, lk.Add, lk.Edit, lk.Delete, pk.Close}
}

func (l *parkingLot) FullHelp() [][]key.Binding {
	if h, ok := focusFullHelp(l.confirm, l.form, l.ls); ok {
		return h
	}
	lk := l.s.keys.List
	return [][]key.Binding{l.ShortHelp(), {lk.Filter, lk.PageUp, lk.PageDown, lk.Home, lk.End, l.ls.clearKey()}}
}
