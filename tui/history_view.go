package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/threatdeck/threatdeck/model"
)

// Historian is a workbook that keeps each model's history of edits. The
// store is one; a workbook that is not (a live client, a test fake) simply
// has no History view to show.
type Historian interface {
	// History returns up to limit entries, newest first (0: all kept).
	History(modelID string, limit int) ([]model.HistoryEntry, error)
}

// tool is a modal view the frame opens over the steps: the parking lot or
// the history. Only quit, help and presenter mode reach past it.
type tool interface {
	Update(msg tea.Msg) tea.Cmd
	View(width, height int) string
	Capturing() bool
	ShortHelp() []key.Binding
	FullHelp() [][]key.Binding
}

// historyLimit is how many entries the view reads: more than a session
// makes, and few enough to read and draw at once.
const historyLimit = 500

// historyView lists the model's history of edits, newest first: when, who,
// what and the records touched. It reads the history in a command when it
// opens, and again after every save while it is open.
type historyView struct {
	s       *session
	ls      *list
	entries []model.HistoryEntry
	loading bool
	err     string
}

// historyMsg carries the history read for model id.
type historyMsg struct {
	id      string
	entries []model.HistoryEntry
	err     error
}

func newHistoryView(s *session) (*historyView, tea.Cmd) {
	h := &historyView{s: s, loading: true}
	h.ls = newList(s, []column{{Title: "When", Width: 16}, {Title: "Who", Width: 12}, {Title: "What", Min: 20}, {Title: "Records", Min: 12}},
		"No history yet: edits are recorded as they are saved.")
	return h, h.load()
}

// load reads the history off the UI goroutine.
func (h *historyView) load() tea.Cmd {
	hs, ok := h.s.wb.(Historian)
	id := h.s.m.ID
	if !ok {
		return func() tea.Msg {
			return historyMsg{id: id, err: errNoHistory}
		}
	}
	return func() tea.Msg {
		entries, err := hs.History(id, historyLimit)
		return historyMsg{id: id, entries: entries, err: err}
	}
}

// errNoHistory is shown when the workbook keeps no history.
var errNoHistory = historyError("this workbook keeps no history")

type historyError string

func (e historyError) Error() string { return string(e) }

func (h *historyView) Capturing() bool { return h.ls.Capturing() }

func (h *historyView) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case historyMsg:
		if msg.id != h.s.m.ID {
			return nil
		}
		h.loading = false
		h.err = ""
		if msg.err != nil {
			h.err = msg.err.Error()
		}
		h.entries = msg.entries
		h.refresh()
		return nil
	case savedMsg, modelChangedMsg:
		return h.load()
	}
	if h.ls.Update(msg) {
		return nil
	}
	if k, ok := msg.(tea.KeyPressMsg); ok && (key.Matches(k, h.s.keys.List.Back) || key.Matches(k, h.s.keys.Global.History)) {
		return func() tea.Msg { return lotDoneMsg{} }
	}
	return nil
}

func (h *historyView) refresh() {
	items := make([]listItem, 0, len(h.entries))
	for _, e := range h.entries {
		who := safeLine(e.By)
		if who == "" {
			who = "—"
		}
		recs := strings.Join(e.Records, ", ")
		if e.More > 0 {
			recs += " +" + itoa(e.More)
		}
		items = append(items, newListItem(itoa(int(e.Seq)), h.s.opts.stamp(e.At), who, safeLine(e.Label), safeLine(recs)))
	}
	h.ls.setItems(items)
}

func (h *historyView) View(width, height int) string {
	st := h.s.styles
	inner := h.s.overlayInner(width)
	var b strings.Builder
	count := itoa(len(h.entries)) + " edits"
	if len(h.entries) == historyLimit {
		count = "latest " + count
	}
	b.WriteString(st.Heading.Render("History") + st.Muted.Render("  "+safeLine(h.s.m.Overview.Title)+" · "+count) + "\n\n")
	switch {
	case h.loading:
		b.WriteString(st.Muted.Render("Reading the history…"))
	case h.err != "":
		b.WriteString(st.Error.Render(wrap("Cannot show the history: "+safeLine(h.err), inner)))
	default:
		// The selected edit in full below the list: labels and record
		// lists are cut to fit their columns.
		detail := ""
		if e, ok := h.selected(); ok {
			recs := strings.Join(e.Records, ", ")
			if e.More > 0 {
				recs += " and " + itoa(e.More) + " more"
			}
			detail = st.Muted.Render(wrap(safeLine(e.Label)+" · "+safeLine(recs), inner))
		}
		dh := 0
		if detail != "" {
			dh = strings.Count(detail, "\n") + 2
		}
		b.WriteString(h.ls.Render(inner, height-4-dh))
		if detail != "" {
			b.WriteString("\n\n" + detail)
		}
	}
	return h.s.overlay(b.String(), width, height)
}

// selected is the entry under the cursor.
func (h *historyView) selected() (model.HistoryEntry, bool) {
	id := h.ls.Selected()
	for _, e := range h.entries {
		if itoa(int(e.Seq)) == id {
			return e, true
		}
	}
	return model.HistoryEntry{}, false
}

func (h *historyView) ShortHelp() []key.Binding {
	if h.ls.Capturing() {
		return h.ls.help()
	}
	lk := h.s.keys.List
	back := h.s.keys.List.Back
	back.SetHelp(back.Help().Key, "close history")
	return []key.Binding{lk.Up, lk.Down, lk.Filter, back}
}

func (h *historyView) FullHelp() [][]key.Binding {
	if h.ls.Capturing() {
		return h.ls.fullHelp()
	}
	lk := h.s.keys.List
	return [][]key.Binding{h.ShortHelp(), {lk.PageUp, lk.PageDown, lk.Home, lk.End, rebind(h.s.keys.Global.History, "close history"), h.ls.clearKey()}}
}
