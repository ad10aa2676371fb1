package tui

import (
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textarea"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/threatdeck/threatdeck/model"
)

// form is the editing component every screen uses: a column of labelled
// fields (one-line text, multi-line text, a single choice, a multiple
// choice), one of which has focus, with the model's validation messages
// shown under the fields they concern.
//
// A page builds a form from its record, forwards messages to it while it is
// open (and reports Capturing while it is), and reads the values back when
// the user saves:
//
//	p.form = newForm(p.s, "Edit asset",
//		textField("name", "Name").required().value(a.Name),
//		areaField("description", "Description").value(a.Description),
//		selectField("sensitivity", "Sensitivity", enumOptions(model.Sensitivities)).value(string(a.Sensitivity)),
//		multiField("assets", "Linked assets", assetOptions(p.s.m)).values(t.Assets),
//	)
//	…
//	if p.form != nil {
//		return runForm(&p.form, msg, p.submit) // submit reads p.form.value("name") …
//	}
//	…
//	case saveFailedMsg:
//		p.form.setError(msg.Err) // field messages go beside their fields
//
// Field keys are the model's field names, so model.ValidationError.For(key)
// finds each message. Keys: tab/shift+tab move between fields (up/down too
// on one-line fields), enter or ctrl+s saves (enter adds a line in a text
// area), esc cancels; in a choice ↑/↓ move, space picks, and typing filters
// the options; while the filter has text space types a space and enter
// picks in a multi-select (a select follows its cursor). In accessible mode every label is on its own line with the
// whole value under it (wrapped, never cut: text areas grow, chosen options
// are listed in full) and hints stay indented under their field.
type form struct {
	s      *session
	title  string
	fields []*field
	focus  int
	// err is a form-level message: a write failure, or a validation
	// message for a field the form does not show.
	err string
	// busy is set between a submit and its savedMsg/saveFailedMsg.
	busy bool
}

// formEvent is what a key did to the form.
type formEvent int

const (
	formNone formEvent = iota
	formSubmit
	formCancel
)

type fieldKind int

const (
	fieldText fieldKind = iota
	fieldArea
	fieldSelect
	fieldMulti
)

// option is one choice of a select or multi-select: the stored value and
// what the user sees.
type option struct {
	Value, Label string
}

// field is one input of a form. Build fields with textField, areaField,
// selectField and multiField and refine them with the chained setters.
type field struct {
	key, label, hint string
	kind             fieldKind
	req              bool
	err              string

	input textinput.Model
	area  textarea.Model

	opts   []option
	chosen map[string]bool // multi: picked values; select: exactly one
	cursor int             // index into visible()
	filter string
}

// textField is a one-line text input.
func textField(key, label string) *field {
	ti := textinput.New()
	ti.Prompt = ""
	ti.CharLimit = model.MaxTitle
	return &field{key: key, label: label, kind: fieldText, input: ti}
}

// areaField is a multi-line text input.
func areaField(key, label string) *field {
	ta := textarea.New()
	ta.Prompt = ""
	ta.ShowLineNumbers = false
	ta.CharLimit = model.MaxText
	ta.SetHeight(3)
	return &field{key: key, label: label, kind: fieldArea, area: ta}
}

// selectField picks exactly one of opts.
func selectField(key, label string, opts []option) *field {
	f := &field{key: key, label: label, kind: fieldSelect, opts: opts, chosen: map[string]bool{}}
	if len(opts) > 0 {
		f.chosen[opts[0].Value] = true
	}
	return f
}

// multiField picks any number of opts (links to assets, actors, surface
// elements …).
func multiField(key, label string, opts []option) *field {
	return &field{key: key, label: label, kind: fieldMulti, opts: opts, chosen: map[string]bool{}}
}

// value sets the initial value (for a select, the chosen option's value).
// Stored text is cleaned first: it is about to be drawn.
func (f *field) value(v string) *field {
	switch f.kind {
	case fieldText:
		f.input.SetValue(safeLine(v))
	case fieldArea:
		f.area.SetValue(safe(v))
	case fieldSelect:
		for i, o := range f.opts {
			if o.Value == v {
				clear(f.chosen)
				f.chosen[v] = true
				f.cursor = i
			}
		}
	case fieldMulti:
		f.values([]string{v})
	}
	return f
}

// values sets the picked options of a multi-select.
func (f *field) values(vs []string) *field {
	clear(f.chosen)
	for _, v := range vs {
		if slices.ContainsFunc(f.opts, func(o option) bool { return o.Value == v }) {
			f.chosen[v] = true
		}
	}
	return f
}

// required marks the label; the model still decides what is valid.
func (f *field) required() *field { f.req = true; return f }

// withHint shows a short explanation under the field while it has focus.
func (f *field) withHint(h string) *field { f.hint = h; return f }

// lines sets a text area's height.
func (f *field) lines(n int) *field {
	if f.kind == fieldArea {
		f.area.SetHeight(max(1, n))
	}
	return f
}

// enumOptions lists the values of a model enum with their labels.
func enumOptions[T interface {
	~string
	Label() string
}](vals []T) []option {
	out := make([]option, len(vals))
	for i, v := range vals {
		out[i] = option{Value: string(v), Label: v.Label()}
	}
	return out
}

// newForm builds a form with the first field focused.
func newForm(s *session, title string, fields ...*field) *form {
	f := &form{s: s, title: title, fields: fields}
	for _, fl := range fields {
		fl.applyStyles(s.styles, s.accessible)
	}
	f.focusField(0)
	return f
}

func (f *field) applyStyles(st Styles, accessible bool) {
	// A gutter shows where a field's text goes even while it is empty.
	gutter := "│ "
	if accessible || st.Theme.NoColor {
		gutter = "| "
	}
	switch f.kind {
	case fieldText:
		if !accessible {
			f.input.Prompt = gutter
		}
		ts := textinput.Styles{}
		ts.Focused.Text = st.FieldFocused
		ts.Blurred.Text = st.FieldInput
		ts.Focused.Prompt = st.FieldLabelFocused
		ts.Blurred.Prompt = st.Muted
		ts.Focused.Placeholder = st.Placeholder
		ts.Blurred.Placeholder = st.Placeholder
		ts.Cursor.Blink = false
		ts.Cursor.Color = st.Theme.FieldFocus
		f.input.SetStyles(ts)
	case fieldArea:
		f.area.Prompt = gutter
		if accessible {
			// The area grows with its text, so no line is scrolled away.
			f.area.MinHeight = f.area.Height()
			f.area.MaxHeight = 0
			f.area.DynamicHeight = true
		}
		as := textarea.Styles{}
		as.Focused.Prompt = st.FieldLabelFocused
		as.Blurred.Prompt = st.Muted
		as.Focused.Text = st.FieldFocused
		as.Blurred.Text = st.FieldInput
		as.Focused.Placeholder = st.Placeholder
		as.Blurred.Placeholder = st.Placeholder
		as.Cursor.Blink = false
		as.Cursor.Color = st.Theme.FieldFocus
		f.area.SetStyles(as)
	}
}

// value returns a field's current value (a select's chosen value; a
// multi-select's values joined with ",": use values for those).
func (f *form) value(key string) string {
	fl := f.field(key)
	if fl == nil {
		return ""
	}
	switch fl.kind {
	case fieldText:
		return fl.input.Value()
	case fieldArea:
		return fl.area.Value()
	}
	return strings.Join(f.values(key), ",")
}

// values returns the chosen values of a select or multi-select, in option
// order.
func (f *form) values(key string) []string {
	fl := f.field(key)
	if fl == nil {
		return nil
	}
	out := []string{}
	for _, o := range fl.opts {
		if fl.chosen[o.Value] {
			out = append(out, o.Value)
		}
	}
	return out
}

func (f *form) field(key string) *field {
	for _, fl := range f.fields {
		if fl.key == key {
			return fl
		}
	}
	return nil
}

// setError shows an error: a model.ValidationError goes field by field
// (focusing the first field with a message); anything else is shown above
// the fields. The fields keep their text either way.
func (f *form) setError(err error) {
	f.busy = false
	f.err = ""
	for _, fl := range f.fields {
		fl.err = ""
	}
	if err == nil {
		return
	}
	ve := fieldErrors(err)
	if ve == nil {
		f.err = err.Error()
		return
	}
	first := -1
	var rest []string
	for _, fe := range ve {
		i := slices.IndexFunc(f.fields, func(fl *field) bool { return fl.key == fe.Field })
		if i < 0 {
			rest = append(rest, fe.Field+": "+fe.Message)
			continue
		}
		if f.fields[i].err == "" {
			f.fields[i].err = fe.Message
		}
		if first < 0 || i < first {
			first = i
		}
	}
	f.err = strings.Join(rest, "; ")
	if first >= 0 {
		f.focusField(first)
	}
}

func (f *form) focusField(i int) {
	if len(f.fields) == 0 {
		return
	}
	i = (i + len(f.fields)) % len(f.fields)
	for _, fl := range f.fields {
		fl.input.Blur()
		fl.area.Blur()
	}
	f.focus = i
	switch fl := f.fields[i]; fl.kind {
	case fieldText:
		fl.input.Focus()
		fl.input.CursorEnd()
	case fieldArea:
		fl.area.Focus()
	}
}

// help lists the keys the focused field answers to.
func (f *form) help() []key.Binding {
	k := f.s.keys.Form
	fl := f.fields[f.focus]
	out := f.fieldKeys()
	switch fl.kind {
	case fieldArea:
		return append(out, k.Newline, k.Save, k.Cancel)
	case fieldSelect:
		return append(out, k.Up, k.Down, k.Submit, k.Cancel)
	case fieldMulti:
		if fl.filter != "" {
			return append(out, k.Up, k.Down, k.Pick, k.Save, k.Cancel)
		}
		return append(out, k.Up, k.Down, k.Toggle, k.Submit, k.Cancel)
	}
	return append(out, k.Submit, k.Save, k.Cancel)
}

// fullHelp is every key the focused field answers to besides typing.
func (f *form) fullHelp() [][]key.Binding {
	k := f.s.keys.Form
	fl := f.fields[f.focus]
	move := f.fieldKeys()
	var act []key.Binding
	switch fl.kind {
	case fieldArea:
		// ↑/↓ move the cursor between the text's lines, like ←/→.
		act = []key.Binding{k.Newline, k.Save, k.Cancel}
	case fieldSelect:
		move = append(move, k.Up, k.Down, k.Left, k.Right)
		act = []key.Binding{k.Submit, k.Save, k.Cancel}
	case fieldMulti:
		move = append(move, k.Up, k.Down)
		if fl.filter != "" {
			act = []key.Binding{k.Pick, k.Save, k.Cancel}
		} else {
			act = []key.Binding{k.Toggle, k.Submit, k.Save, k.Cancel}
		}
	default:
		if len(f.fields) > 1 {
			move = append(move, k.Up, k.Down)
		}
		act = []key.Binding{k.Submit, k.Save, k.Cancel}
	}
	return [][]key.Binding{move, act}
}

// fieldKeys are the keys that move between fields; a one-field form has
// none (they would do nothing).
func (f *form) fieldKeys() []key.Binding {
	if len(f.fields) < 2 {
		return nil
	}
	return []key.Binding{f.s.keys.Form.Next, f.s.keys.Form.Prev}
}

// Update handles one message while the form is open.
func (f *form) Update(msg tea.Msg) (formEvent, tea.Cmd) {
	if len(f.fields) == 0 {
		return formCancel, nil
	}
	fl := f.fields[f.focus]
	switch msg := msg.(type) {
	case tea.PasteMsg:
		// Pasted text can carry escape sequences; only clean text enters.
		msg.Content = model.CleanText(pasteLines(msg.Content))
		switch fl.kind {
		case fieldText:
			msg.Content = safeLine(msg.Content)
		case fieldSelect, fieldMulti:
			fl.addFilter(msg.Content)
			return formNone, nil
		}
		return formNone, fl.update(msg)
	case tea.KeyPressMsg:
		k := f.s.keys.Form
		switch {
		case key.Matches(msg, k.Cancel):
			return formCancel, nil
		case key.Matches(msg, k.Save):
			return f.submit()
		case key.Matches(msg, k.Next):
			f.focusField(f.focus + 1)
			return formNone, nil
		case key.Matches(msg, k.Prev):
			f.focusField(f.focus - 1)
			return formNone, nil
		}
		switch fl.kind {
		case fieldText:
			switch {
			case key.Matches(msg, k.Submit):
				return f.submit()
			case key.Matches(msg, k.Down):
				f.focusField(f.focus + 1)
				return formNone, nil
			case key.Matches(msg, k.Up):
				f.focusField(f.focus - 1)
				return formNone, nil
			}
		case fieldSelect, fieldMulti:
			if fl.kind == fieldMulti && fl.filter != "" && key.Matches(msg, k.Pick) {
				fl.pickFiltered()
				return formNone, nil
			}
			if key.Matches(msg, k.Submit) {
				return f.submit()
			}
			fl.choose(msg, k)
			return formNone, nil
		}
		return formNone, fl.update(msg)
	}
	return formNone, fl.update(msg)
}

func (f *form) submit() (formEvent, tea.Cmd) {
	if f.busy {
		return formNone, nil
	}
	f.busy = true
	f.s.submitting = true
	return formSubmit, nil
}

func (fl *field) update(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	switch fl.kind {
	case fieldText:
		fl.input, cmd = fl.input.Update(msg)
	case fieldArea:
		fl.area, cmd = fl.area.Update(msg)
	}
	return cmd
}

// visible lists the options that match the field's filter.
func (fl *field) visible() []option {
	if fl.filter == "" {
		return fl.opts
	}
	q := strings.ToLower(fl.filter)
	var out []option
	for _, o := range fl.opts {
		if strings.Contains(strings.ToLower(o.Label), q) || strings.Contains(strings.ToLower(o.Value), q) {
			out = append(out, o)
		}
	}
	return out
}

// choose handles keys on a select or multi-select: move, pick, filter.
func (fl *field) choose(msg tea.KeyPressMsg, k FormKeys) {
	vis := fl.visible()
	switch {
	case key.Matches(msg, k.Up), key.Matches(msg, k.Left) && fl.kind == fieldSelect:
		fl.cursor = max(0, fl.cursor-1)
	case key.Matches(msg, k.Down), key.Matches(msg, k.Right) && fl.kind == fieldSelect:
		fl.cursor = min(len(vis)-1, fl.cursor+1)
	case key.Matches(msg, k.Toggle) && fl.filter == "":
		if fl.cursor < len(vis) {
			v := vis[fl.cursor].Value
			if fl.kind == fieldMulti {
				fl.chosen[v] = !fl.chosen[v]
				if !fl.chosen[v] {
					delete(fl.chosen, v)
				}
			}
		}
	case key.Matches(msg, k.Erase):
		if r := []rune(fl.filter); len(r) > 0 {
			fl.filter = string(r[:len(r)-1])
			fl.cursor = 0
		}
	case msg.Text != "":
		fl.addFilter(msg.Text)
	}
	fl.follow()
}

// addFilter types text into a choice's filter. A leading space is
// dropped: with no filter, space picks.
func (fl *field) addFilter(text string) {
	text = typedText(text)
	if fl.filter == "" {
		text = strings.TrimLeft(text, " ")
	}
	if text == "" {
		return
	}
	fl.filter += text
	fl.cursor = 0
	fl.follow()
}

// pickFiltered picks (or unpicks) the option under the cursor of a
// filtered multi-select and clears the filter, ready for the next search,
// leaving the cursor on that option.
func (fl *field) pickFiltered() {
	vis := fl.visible()
	if fl.cursor >= len(vis) {
		return
	}
	v := vis[fl.cursor].Value
	if fl.chosen[v] {
		delete(fl.chosen, v)
	} else {
		fl.chosen[v] = true
	}
	fl.filter, fl.cursor = "", 0
	for i, o := range fl.opts {
		if o.Value == v {
			fl.cursor = i
		}
	}
}

// follow keeps the cursor on a visible option; a select's choice follows it.
func (fl *field) follow() {
	vis := fl.visible()
	fl.cursor = max(0, min(fl.cursor, len(vis)-1))
	// A select follows its cursor, so ↑/↓ is all it takes to choose.
	if fl.kind == fieldSelect && fl.cursor < len(vis) {
		clear(fl.chosen)
		fl.chosen[vis[fl.cursor].Value] = true
	}
}

// optionRows is how many options a focused choice shows at once.
const optionRows = 6

// View draws the form in at most width×height cells, scrolled so the
// focused field is visible.
func (f *form) View(width, height int) string {
	st := f.s.styles
	var blocks []string
	focusTop, focusBottom := 0, 0
	lines := 0
	header := []string{st.Heading.Render(safeLine(f.title))}
	if f.err != "" {
		header = append(header, st.Error.Render(wrap(f.err, width)))
	}
	if f.busy {
		header = append(header, st.Muted.Render("Saving…"))
	}
	headerText := strings.Join(header, "\n")
	hh := lipgloss.Height(headerText) + 1
	for i, fl := range f.fields {
		b := fl.view(st, i == f.focus, width, f.s.accessible)
		if i == f.focus {
			focusTop = lines
			focusBottom = lines + lipgloss.Height(b)
		}
		lines += lipgloss.Height(b) + 1
		blocks = append(blocks, b)
	}
	body := strings.Join(blocks, "\n\n")
	avail := max(1, height-hh)
	bodyLines := strings.Split(body, "\n")
	off := 0
	if focusBottom > avail {
		off = min(focusTop, focusBottom-avail)
	}
	end := min(len(bodyLines), off+avail)
	return headerText + "\n\n" + strings.Join(bodyLines[off:end], "\n")
}

func (fl *field) view(st Styles, focused bool, width int, accessible bool) string {
	g := st.Glyphs
	label := fl.label
	if fl.req {
		label += " *"
	}
	labelStyle := st.FieldLabel
	marker := "  "
	if focused {
		labelStyle = st.FieldLabelFocused
		marker = g.Pointer + " "
	}
	inner := max(10, width-4)
	var out []string
	switch fl.kind {
	case fieldText:
		fl.input.SetWidth(inner - lipgloss.Width(label) - 2)
		if accessible {
			// The label on its own line and the whole value under it,
			// wrapped rather than scrolled out of sight.
			out = append(out, marker+labelStyle.Render(label+":"))
			out = append(out, indentLines(fl.accessibleValue(st, focused, inner), "  ")...)
		} else {
			out = append(out, marker+labelStyle.Render(label), "  "+fl.input.View())
		}
	case fieldArea:
		fl.area.SetWidth(inner)
		out = append(out, marker+labelStyle.Render(label))
		for _, l := range strings.Split(fl.area.View(), "\n") {
			out = append(out, "  "+l)
		}
	case fieldSelect, fieldMulti:
		if !focused && accessible {
			// Every chosen option in full, one per line.
			out = append(out, marker+labelStyle.Render(label+":"))
			chosen := 0
			for _, o := range fl.opts {
				if fl.chosen[o.Value] {
					out = append(out, indentLines(wrap(safeLine(o.Label), inner-2), "  ")...)
					chosen++
				}
			}
			if chosen == 0 {
				out = append(out, "  "+st.Placeholder.Render("none"))
			}
			break
		}
		if !focused {
			out = append(out, marker+labelStyle.Render(label+":")+" "+st.FieldInput.Render(fl.summary(st, inner-lipgloss.Width(label)-4)))
			break
		}
		head := marker + labelStyle.Render(label)
		if fl.filter != "" {
			head += " " + st.Muted.Render("filter: ") + st.Match.Render(fl.filter)
		} else if len(fl.opts) > optionRows {
			head += " " + st.Muted.Render("(type to filter)")
		}
		out = append(out, head)
		vis := fl.visible()
		if len(vis) == 0 {
			out = append(out, "    "+st.Muted.Render("no match"))
		}
		start := max(0, min(fl.cursor-optionRows/2, len(vis)-optionRows))
		end := min(len(vis), start+optionRows)
		for i := start; i < end; i++ {
			o := vis[i]
			mark := g.RadioOff
			if fl.kind == fieldMulti {
				mark = g.Unchecked
				if fl.chosen[o.Value] {
					mark = g.Checked
				}
			} else if fl.chosen[o.Value] {
				mark = g.RadioOn
			}
			cur := "  "
			style := st.Option
			if i == fl.cursor {
				cur = g.Pointer + " "
				style = st.OptionSelected
			}
			if accessible {
				// Long option labels wrap under their mark instead of
				// being cut.
				lines := strings.Split(wrap(safeLine(o.Label), inner-8), "\n")
				out = append(out, "  "+cur+style.Render(mark+" "+lines[0]))
				out = append(out, indentLines(strings.Join(lines[1:], "\n"), "      ")...)
				continue
			}
			row := mark + " " + truncate(safeLine(o.Label), inner-6)
			out = append(out, "  "+cur+style.Render(row))
		}
		if len(vis) > end || start > 0 {
			out = append(out, "    "+st.Muted.Render(itoa(len(vis))+" options, "+itoa(len(fl.chosen))+" chosen"))
		}
	}
	// Messages and hints wrap with every line indented under the field.
	if fl.err != "" {
		out = append(out, indentLines(st.FieldError.Render(wrap(fl.label+" "+fl.err, inner)), "  ")...)
	} else if focused && fl.hint != "" {
		out = append(out, indentLines(st.FieldHint.Render(wrap(fl.hint, inner)), "  ")...)
	}
	return strings.Join(out, "\n")
}

// indentLines splits s into lines, each prefixed with indent; an empty s
// is no lines.
func indentLines(s, indent string) []string {
	if s == "" {
		return nil
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = indent + l
	}
	return lines
}

// accessibleValue is a one-line field's whole value wrapped to width, the
// character under the cursor marked when the field has focus.
func (fl *field) accessibleValue(st Styles, focused bool, width int) string {
	v := []rune(fl.input.Value())
	if !focused {
		if len(v) == 0 {
			return st.Placeholder.Render("(empty)")
		}
		return st.FieldInput.Render(wrap(string(v), width))
	}
	pos := max(0, min(fl.input.Position(), len(v)))
	at, rest := " ", ""
	if pos < len(v) {
		at, rest = string(v[pos]), string(v[pos+1:])
	}
	return wrap(st.FieldFocused.Render(string(v[:pos]))+st.Selected.Render(at)+st.FieldFocused.Render(rest), width)
}

// summary is how an unfocused choice shows what is chosen.
func (fl *field) summary(st Styles, width int) string {
	var labels []string
	for _, o := range fl.opts {
		if fl.chosen[o.Value] {
			labels = append(labels, safeLine(o.Label))
		}
	}
	if len(labels) == 0 {
		return st.Placeholder.Render("none")
	}
	return truncate(strings.Join(labels, ", "), max(5, width))
}

// settle answers a save's result for the form a page may have open: a form
// waiting on the save closes when it lands; when the save fails the form
// keeps its text and shows the error (the status line shows it when no form
// is open). Any other message is left alone.
func settle(s *session, f **form, msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case savedMsg:
		if *f != nil && (*f).busy {
			*f = nil
		}
	case saveFailedMsg:
		if *f == nil {
			return s.fail(msg.Err)
		}
		(*f).setError(msg.Err)
	}
	return nil
}

// runForm hands msg to the open form *f. Cancelling closes it; submitting
// calls submit, which keeps the form open until its save settles (see
// settle), so a failed save can show its error beside the fields.
func runForm(f **form, msg tea.Msg, submit func() tea.Cmd) tea.Cmd {
	ev, cmd := (*f).Update(msg)
	switch ev {
	case formCancel:
		*f = nil
		return nil
	case formSubmit:
		return submit()
	}
	return cmd
}
