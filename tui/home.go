package tui

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/threatdeck/threatdeck/model"
)

// home is the screen before a model is open: a welcome menu on an empty
// workbook, the filterable model list otherwise, and the small forms to
// create or import a model.
type home struct {
	a  *app
	s  *session // a model-less session: styles, keys and the workbook
	ls *list

	loaded  bool
	models  []model.Summary
	menu    int // cursor on the welcome menu
	form    *form
	formFor homeAction
	confirm *confirm
	// damage is the workbook's damage, when it reports any (read when
	// the list loads, not while drawing).
	damage error
}

type homeAction int

const (
	actNew homeAction = iota
	actExample
	actImport
)

// homeMsg carries the result of a workbook operation of the home screen.
type homeMsg struct {
	models []model.Summary
	err    error
	// formErr goes back into the open form (a bad import path …).
	formErr error
	// status is said on the status line once the list is back ("Deleted …").
	status string
}

// openedMsg opens a model at a position.
type openedMsg struct {
	m   *model.Model
	pos model.Position
	// warn is said on the status line once the model is open (what an
	// import kept that needs fixing).
	warn string
}

func newHome(a *app) *home {
	h := &home{a: a, s: newSession(a.opts, nil, a.styles, a.keys)}
	h.ls = newList(h.s, []column{{Title: "Model", Min: 20}, {Title: "Owner", Width: 16}, {Title: "Done", Width: 5}, {Title: "Threats", Width: 7}, {Title: "Updated", Width: 16}},
		"No models yet.")
	return h
}

// menuItems is the welcome menu; the example and import entries appear
// only when main wired them.
func (h *home) menuItems() []homeAction {
	items := []homeAction{actNew}
	if h.a.opts.Example != nil {
		items = append(items, actExample)
	}
	if h.a.opts.Import != nil {
		items = append(items, actImport)
	}
	return items
}

func (act homeAction) label() (string, string) {
	switch act {
	case actExample:
		return "Open the example", "a finished model to look around in"
	case actImport:
		return "Import a file", "threatdeck JSON or another tool's model"
	}
	return "New threat model", "start from a blank model"
}

// load lists the models; with resume it reopens the last model (or
// Options.ModelID) at its stored position.
func (h *home) load(modelID string, resume bool) tea.Cmd {
	wb := h.a.opts.Workbook
	return func() tea.Msg {
		// Resuming opens the model straight away: summarising every model
		// for a list nobody sees yet would decode a large model twice
		// before the first frame. Going back to the list reloads it.
		var target string
		var openErr error
		if resume {
			target = modelID
			if target == "" {
				pos, err := wb.Position()
				if err != nil {
					return homeMsg{err: err}
				}
				target = pos.ModelID
			}
			if target != "" {
				msg := openModel(wb, target)
				if _, ok := msg.(openedMsg); ok {
					return msg
				}
				openErr = msg.(homeMsg).err
			}
		}
		list, err := wb.List()
		if err != nil {
			return homeMsg{err: err}
		}
		known := slices.ContainsFunc(list, func(s model.Summary) bool { return s.ID == target })
		switch {
		case target != "" && known:
			// The model is there but would not open: say why.
			return homeMsg{models: list, err: openErr}
		case modelID != "":
			return homeMsg{models: list, err: fmt.Errorf("no model %q in this workbook", modelID)}
		}
		// A position naming a deleted model just shows the list.
		return homeMsg{models: list}
	}
}

// openModel loads a model with its resume position (off the UI goroutine).
func openModel(wb Workbook, id string) tea.Msg {
	m, err := wb.Load(id)
	if err != nil {
		return homeMsg{err: fmt.Errorf("open model: %w", err)}
	}
	m.ID = id
	pos, err := wb.ModelPosition(id)
	if err != nil {
		pos = model.Position{}
	}
	pos.ModelID = id
	return openedMsg{m: m, pos: pos}
}

func (h *home) handle(msg homeMsg) tea.Cmd {
	if msg.formErr != nil && h.form != nil {
		h.form.setError(msg.formErr)
		return nil
	}
	h.loaded = true
	h.damage = h.damaged()
	if msg.err != nil {
		h.a.setStatus(msg.err.Error(), false)
	} else if msg.status != "" {
		h.a.setStatus(msg.status, true)
	}
	if msg.models != nil || msg.err == nil {
		h.models = msg.models
		items := make([]listItem, len(h.models))
		for i, s := range h.models {
			if s.Damage != "" {
				// Listed, dimmed, with the reason, so the healthy ones
				// stay reachable beside it.
				title := safeLine(s.Title)
				if title == "" {
					title = "Model " + safeLine(s.ID)
				}
				items[i] = newListItem(s.ID, title+" (damaged)", "-", "-", "-", "-")
				items[i].Muted = true
				continue
			}
			items[i] = newListItem(s.ID, safeLine(s.Title), safeLine(s.Owner), itoa(s.Completion)+"%", itoa(s.Threats), h.a.opts.stamp(s.Updated))
		}
		h.ls.setItems(items)
	}
	return nil
}

// Capturing reports whether a form or the filter has focus.
func (h *home) Capturing() bool {
	return h.form != nil || h.confirm != nil || h.ls.Capturing()
}

func (h *home) Update(msg tea.Msg) tea.Cmd {
	if h.form != nil {
		return h.updateForm(msg)
	}
	if h.confirm != nil {
		if id, yes, done := answer(&h.confirm, msg); done && yes {
			return h.deleteModel(id)
		}
		return nil
	}
	if len(h.models) > 0 && h.ls.Update(msg) {
		return nil
	}
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	l := h.s.keys.List
	if len(h.models) == 0 {
		items := h.menuItems()
		switch {
		case key.Matches(k, l.Up):
			h.menu = max(0, h.menu-1)
		case key.Matches(k, l.Down):
			h.menu = min(len(items)-1, h.menu+1)
		case key.Matches(k, l.Open):
			return h.start(items[h.menu])
		}
	}
	switch {
	case key.Matches(k, l.Open) && len(h.models) > 0:
		if d := h.damageOf(h.ls.Selected()); d != "" {
			h.a.setStatus("Model "+safeLine(h.ls.Selected())+" is damaged ("+safeLine(d)+") and cannot be opened; copy what can be saved with: threatdeck salvage DEST", false)
			return nil
		}
		if id := h.ls.Selected(); id != "" {
			wb := h.a.opts.Workbook
			return h.opens(func() tea.Msg { return openModel(wb, id) })
		}
	case key.Matches(k, l.Add):
		return h.start(actNew)
	case key.Matches(k, h.s.keys.Home.Example) && h.a.opts.Example != nil:
		return h.start(actExample)
	case key.Matches(k, h.s.keys.Home.Import) && h.a.opts.Import != nil:
		return h.start(actImport)
	case key.Matches(k, l.Delete) && len(h.models) > 0:
		if h.a.isLive() && !h.a.facilitator() {
			// The host would refuse it: say so before asking.
			h.a.setStatus("Only the facilitator can delete a model during a live session", false)
			return nil
		}
		if it, ok := h.ls.current(); ok {
			h.confirm = newConfirm(h.s, "Delete the model “"+it.Cells[0]+"” and everything in it? This cannot be undone.", it.ID)
		}
	case key.Matches(k, h.s.keys.Global.Undo):
		h.a.setStatus("Nothing to undo here: a deleted model cannot be brought back", false)
	}
	return nil
}

// damageOf returns what is damaged in model id ("" when it is healthy).
func (h *home) damageOf(id string) string {
	for _, s := range h.models {
		if s.ID == id {
			return s.Damage
		}
	}
	return ""
}

// damaged is the workbook's damage, when the workbook reports any: it is
// then read-only (the store refuses every write), and the home screen
// says so above the list.
func (h *home) damaged() error {
	if d, ok := h.a.opts.Workbook.(interface{ Damaged() error }); ok {
		return d.Damaged()
	}
	return nil
}

// damageBanner is the home screen's notice for a damaged workbook: that
// it is read-only, then what is damaged, model by model.
func (h *home) damageBanner(width int) string {
	if h.damage == nil {
		return ""
	}
	st := h.s.styles
	w := min(width, 100)
	var b strings.Builder
	b.WriteString(st.Warning.Render(wrap("Read-only: this workbook is damaged, so nothing is saved; healthy models open. Copy what can be saved with: threatdeck salvage DEST", w)) + "\n")
	n := 0
	for _, s := range h.models {
		if s.Damage == "" {
			continue
		}
		n++
		title := ""
		if s.Title != "" {
			title = " “" + safeLine(s.Title) + "”"
		}
		b.WriteString(st.Muted.Render(truncate("  Model "+safeLine(s.ID)+title+": "+safeLine(s.Damage), w)) + "\n")
	}
	if n == 0 {
		b.WriteString(st.Muted.Render(wrap(safeLine(h.damage.Error()), w)) + "\n")
	}
	return b.String() + "\n"
}

// start runs a welcome action: a form for new and import, at once for the
// example.
func (h *home) start(act homeAction) tea.Cmd {
	switch act {
	case actNew:
		h.form = newForm(h.s, "New threat model",
			textField("title", "Title").required().withHint("The system or feature under review, e.g. “Payments API”"),
			textField("owner", "Owner").withHint("Who answers for this model"))
	case actImport:
		h.form = newForm(h.s, "Import a file",
			textField("path", "File path").required().withHint("A threatdeck JSON export, or another tool's model file"))
	case actExample:
		return h.create(h.a.opts.Example(h.a.opts.now()))
	}
	h.formFor = act
	return nil
}

func (h *home) updateForm(msg tea.Msg) tea.Cmd {
	return runForm(&h.form, msg, h.submitForm)
}

// submitForm creates a model from the new-model or import form.
func (h *home) submitForm() tea.Cmd {
	switch h.formFor {
	case actNew:
		m, err := model.New(h.form.value("title"), h.form.value("owner"), h.a.opts.now())
		if err != nil {
			h.form.setError(err)
			return nil
		}
		return h.create(m)
	case actImport:
		path := strings.TrimSpace(h.form.value("path"))
		if path == "" {
			h.form.setError(model.ValidationError{{Field: "path", Message: "is required"}})
			return nil
		}
		imp, wb := h.a.opts.Import, h.a.opts.Workbook
		return h.opens(func() tea.Msg {
			m, err := imp(path)
			if err != nil {
				return homeMsg{formErr: fmt.Errorf("import %s: %w", path, err)}
			}
			msg := createModel(wb, m)
			if o, ok := msg.(openedMsg); ok {
				if w := model.SelfLoopWarnings(m); len(w) > 0 {
					o.warn = "Imported with a warning: " + strings.Join(w, "; ")
					return o
				}
			}
			return msg
		})
	}
	return nil
}

// create writes a new model to the workbook and opens it.
func (h *home) create(m *model.Model) tea.Cmd {
	if m == nil {
		return func() tea.Msg { return homeMsg{err: errors.New("no model to create")} }
	}
	wb := h.a.opts.Workbook
	return h.opens(func() tea.Msg { return createModel(wb, m) })
}

// opens marks cmd as one that ends in openedMsg or homeMsg, so keys typed
// before it lands are held for the model (see app.opening).
func (h *home) opens(cmd tea.Cmd) tea.Cmd {
	if cmd != nil {
		h.a.opening++
	}
	return cmd
}

func createModel(wb Workbook, m *model.Model) tea.Msg {
	m.Normalize()
	id, err := wb.Create(m)
	if err != nil {
		return homeMsg{formErr: fmt.Errorf("save the new model: %w", err), err: err}
	}
	m.ID = id
	return openedMsg{m: m, pos: model.Position{ModelID: id, Step: StepOverview.Name()}}
}

// View draws the welcome menu or the model list.
func (h *home) View(width, height int) string {
	st := h.s.styles
	if h.form != nil {
		return h.form.View(min(width, 100), height)
	}
	if !h.loaded {
		return st.Muted.Render("Opening the workbook…")
	}
	if len(h.models) == 0 {
		return h.welcome(width)
	}
	var b strings.Builder
	b.WriteString(st.Heading.Render("Threat models") + st.Muted.Render("  ("+itoa(len(h.models))+" in this workbook)") + "\n\n")
	listH := height - 2
	if banner := h.damageBanner(width); banner != "" {
		b.WriteString(banner)
		listH -= strings.Count(banner, "\n")
	}
	if h.confirm != nil {
		listH -= 2
	}
	h.ls.top = 2 // the heading, a blank line
	b.WriteString(h.ls.Render(width, listH))
	if h.confirm != nil {
		b.WriteString("\n\n" + h.confirm.View(width))
	}
	return b.String()
}

func (h *home) welcome(width int) string {
	st := h.s.styles
	var b strings.Builder
	b.WriteString(st.Heading.Render("Welcome to threatdeck") + "\n\n")
	b.WriteString(h.damageBanner(width))
	b.WriteString(st.Text.Render(wrap("A threat model walks a team from what it protects, through who might attack and where, to what could go wrong and what to do about it. Every change is saved as you make it.", min(width, 76))) + "\n\n")
	for i, act := range h.menuItems() {
		label, desc := act.label()
		ptr := "  "
		style := st.Text
		if i == h.menu {
			ptr = st.Glyphs.Pointer + " "
			style = st.Selected
		}
		b.WriteString(ptr + style.Render(padRight(label, 20)) + "  " + st.Muted.Render(desc) + "\n")
	}
	return b.String()
}

func (h *home) ShortHelp() []key.Binding {
	switch {
	case h.form != nil:
		return h.form.help()
	case h.confirm != nil:
		return h.confirm.help()
	case h.ls.Capturing():
		return h.ls.help()
	}
	l := h.s.keys.List
	if len(h.models) == 0 {
		return []key.Binding{l.Up, l.Down, l.Open}
	}
	out := []key.Binding{l.Up, l.Down, l.Open, l.Add, l.Delete, l.Filter}
	return append(out, h.extraKeys()...)
}

// extraKeys are the welcome actions that also work from the model list.
func (h *home) extraKeys() []key.Binding {
	k := h.s.keys.Home
	return []key.Binding{enabled(k.Example, h.a.opts.Example != nil), enabled(k.Import, h.a.opts.Import != nil)}
}

func (h *home) FullHelp() [][]key.Binding {
	if fh, ok := focusFullHelp(h.confirm, h.form, h.ls); ok {
		return fh
	}
	l := h.s.keys.List
	// u only says why a deleted model cannot come back.
	undo := rebind(h.s.keys.Global.Undo, "undo (says why not)")
	if len(h.models) == 0 {
		return [][]key.Binding{{l.Up, l.Down, l.Open}, append([]key.Binding{l.Add}, h.extraKeys()...), {undo}}
	}
	return [][]key.Binding{{l.Up, l.Down, l.PageUp, l.PageDown, l.Home, l.End},
		append([]key.Binding{l.Open, l.Add, l.Delete, l.Filter}, h.extraKeys()...), {undo, h.ls.clearKey()}}
}
