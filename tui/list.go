package tui

import (
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// column is one column of a list: a fixed Width, or 0 to share the space
// left over (never narrower than Min).
type column struct {
	Title string
	Width int
	Min   int
}

// listItem is one row. Cells are drawn in column order and must already be
// safe (pass stored text through safeLine); Filter is what "/" matches,
// built once per item so a filter keystroke on 10,000 rows stays cheap.
type listItem struct {
	ID     string
	Cells  []string
	Filter string
	// Muted draws the row dimmed (resolved, not applicable …).
	Muted bool
}

// newListItem builds a row whose filter text is all of its cells.
func newListItem(id string, cells ...string) listItem {
	return listItem{ID: id, Cells: cells, Filter: strings.ToLower(id + " " + strings.Join(cells, " "))}
}

// list is the scrolling, filterable table every list screen uses. It owns
// the cursor, the "/" filter and the mouse wheel; the page owns what the
// rows mean and what enter, a, e, d and space do:
//
//	p.list = newList(p.s, []column{{Title: "ID", Width: 7}, {Title: "Name"}}, "No assets yet. Press a to add one.")
//	p.list.setItems(items)              // keeps the cursor on the same id
//	if p.list.Update(msg) { return nil } // it handled the key
//	body := p.list.Render(width, height)
//
// cellStyle, when set, styles one cell (a risk badge, a state colour).
type list struct {
	s     *session
	cols  []column
	items []listItem
	// shown holds the indexes of the items that pass the filter.
	shown  []int
	cursor int // index into shown
	offset int // first shown row drawn

	filter    textinput.Model
	filtering bool
	query     string

	empty     string
	cellStyle func(it listItem, col int) (lipgloss.Style, bool)
	// height is the row count of the last Render, for paging.
	height int
	// top is the body line the page draws the list at (set before
	// Render; -1, the default, when the page does not say, and clicks are
	// ignored); firstRow, drawn and width record where the last Render
	// put its rows, so a click can find its row.
	top, firstRow, drawn, width int

	// rowCache holds drawn rows (see listRowKey) for rowWidths, rowWidth
	// and rowSig, the column widths, width and styles they were drawn
	// with: measuring and truncating cells grapheme by grapheme was most
	// of a frame, and the rows on screen rarely change between keys.
	rowCache  map[listRowKey]string
	rowWidths []int
	rowWidth  int
	rowSig    string
}

// listRowKey is what a drawn row depends on when no cell has its own
// style: its cells (joined by NULs, which safe text never holds), its
// dimming and the cursor.
type listRowKey struct {
	cells           string
	muted, selected bool
}

// maxListRowsCached bounds rowCache: about four tall screens.
const maxListRowsCached = 400

func newList(s *session, cols []column, empty string) *list {
	ti := textinput.New()
	ti.Prompt = "/"
	ti.CharLimit = 200
	st := textinput.Styles{}
	st.Focused.Text = s.styles.Text
	st.Blurred.Text = s.styles.Muted
	st.Focused.Prompt = s.styles.Key
	st.Blurred.Prompt = s.styles.Muted
	st.Cursor.Blink = false
	ti.SetStyles(st)
	return &list{s: s, cols: cols, filter: ti, empty: empty, height: 10, top: -1}
}

// setItems replaces the rows, keeping the cursor on the same record when it
// is still there.
func (l *list) setItems(items []listItem) {
	sel := l.Selected()
	l.items = items
	l.refilter()
	if sel != "" {
		l.Select(sel)
	}
}

func (l *list) refilter() {
	l.shown = l.shown[:0]
	q := strings.ToLower(strings.TrimSpace(l.query))
	for i := range l.items {
		if q == "" || strings.Contains(l.items[i].Filter, q) {
			l.shown = append(l.shown, i)
		}
	}
	l.clamp()
}

func (l *list) clamp() {
	l.cursor = max(0, min(l.cursor, len(l.shown)-1))
}

// Selected is the id of the row under the cursor, or "".
func (l *list) Selected() string {
	if it, ok := l.current(); ok {
		return it.ID
	}
	return ""
}

// current returns the row under the cursor.
func (l *list) current() (listItem, bool) {
	if l.cursor < 0 || l.cursor >= len(l.shown) {
		return listItem{}, false
	}
	return l.items[l.shown[l.cursor]], true
}

// Select moves the cursor to id. When the filter hides it, the filter is
// cleared: a jump must land on the record.
func (l *list) Select(id string) {
	for try := 0; try < 2; try++ {
		for i, idx := range l.shown {
			if l.items[idx].ID == id {
				l.cursor = i
				return
			}
		}
		if l.query == "" {
			return
		}
		l.clearFilter()
	}
}

func (l *list) clearFilter() {
	l.query = ""
	l.filter.SetValue("")
	l.filtering = false
	l.filter.Blur()
	l.refilter()
}

// Capturing reports whether the filter input has focus.
func (l *list) Capturing() bool { return l.filtering }

// len is the number of rows that pass the filter.
func (l *list) len() int { return len(l.shown) }

// Update handles navigation, the filter and the mouse wheel. It reports
// whether it used the message; the page handles the rest.
func (l *list) Update(msg tea.Msg) bool {
	k := l.s.keys.List
	switch msg := msg.(type) {
	case tea.MouseWheelMsg:
		switch msg.Button {
		case tea.MouseWheelUp:
			l.move(-3)
		case tea.MouseWheelDown:
			l.move(3)
		default:
			return false
		}
		return true
	case tea.MouseClickMsg:
		// A left click on a drawn row selects it (coordinates are the
		// page body's: the app takes off the frame).
		if r := msg.Y - l.firstRow; msg.Button == tea.MouseLeft && !l.filtering && r >= 0 && r < l.drawn && msg.X < l.width {
			l.cursor = l.offset + r
			l.clamp()
			return true
		}
		return false
	case tea.PasteMsg:
		if l.filtering {
			l.filter.SetValue(l.filter.Value() + typedText(pasteLines(msg.Content)))
			l.query = l.filter.Value()
			l.refilter()
			return true
		}
	case tea.KeyPressMsg:
		if l.filtering {
			fk := l.s.keys.Filter
			switch {
			case key.Matches(msg, fk.Clear):
				l.clearFilter()
			case key.Matches(msg, fk.Keep):
				l.filtering = false
				l.filter.Blur()
			case key.Matches(msg, fk.Prev):
				// Arrows move through the matches without leaving the filter.
				l.move(-1)
			case key.Matches(msg, fk.Next):
				l.move(1)
			default:
				l.filter, _ = l.filter.Update(msg)
				if v := l.filter.Value(); v != l.query {
					l.query = v
					l.cursor = 0
					l.refilter()
				}
			}
			return true
		}
		switch {
		case key.Matches(msg, k.Up):
			l.move(-1)
		case key.Matches(msg, k.Down):
			l.move(1)
		case key.Matches(msg, k.PageUp):
			l.move(-max(1, l.height-1))
		case key.Matches(msg, k.PageDown):
			l.move(max(1, l.height-1))
		case key.Matches(msg, k.Home):
			l.cursor = 0
		case key.Matches(msg, k.End):
			l.cursor = len(l.shown) - 1
			l.clamp()
		case key.Matches(msg, k.Filter):
			l.filtering = true
			l.filter.Focus()
			l.filter.CursorEnd()
		case key.Matches(msg, k.Back) && l.query != "":
			l.clearFilter()
		default:
			return false
		}
		return true
	}
	return false
}

func (l *list) move(d int) {
	l.cursor += d
	l.clamp()
}

// help lists the list's own keys (the page adds its actions).
func (l *list) help() []key.Binding {
	if l.filtering {
		return l.s.keys.FilterHelp()
	}
	return []key.Binding{l.s.keys.List.Up, l.s.keys.List.Down, l.s.keys.List.Filter}
}

// clearKey is esc while a kept filter narrows the list: it clears it.
func (l *list) clearKey() key.Binding {
	return enabled(rebind(l.s.keys.List.Back, "clear filter"), l.query != "")
}

// fullHelp is every key of the focused filter (nil while it has none).
func (l *list) fullHelp() [][]key.Binding {
	if l.filtering {
		return l.s.keys.FilterFullHelp()
	}
	return nil
}

// widths resolves the column widths for a total width.
func (l *list) widths(total int) []int {
	w := make([]int, len(l.cols))
	fixed, flex := 0, 0
	for i, c := range l.cols {
		if c.Width > 0 {
			w[i] = c.Width
			fixed += c.Width
		} else {
			flex++
		}
	}
	gaps := len(l.cols) - 1
	left := total - 2 - fixed - gaps // 2 for the cursor column
	for i, c := range l.cols {
		if c.Width == 0 {
			w[i] = max(c.Min, left/max(1, flex))
		}
	}
	return w
}

// Render draws the list in at most width×height cells: a header row, the
// visible rows, and a footer with the position and filter.
func (l *list) Render(width, height int) string {
	st := l.s.styles
	var b strings.Builder
	footer := l.footer(width)
	rows := max(1, height-2) // header + footer
	l.height = rows
	l.drawn = 0 // until rows are drawn below
	if len(l.cols) > 1 || l.cols[0].Title != "" {
		b.WriteString(l.header(width))
	} else {
		rows++
	}
	if len(l.shown) == 0 {
		msg := l.empty
		if l.query != "" {
			msg = "Nothing matches “" + safeLine(l.query) + "”. Press esc to clear the filter."
		}
		b.WriteString("\n" + st.Muted.Render(wrap(msg, width)))
		if footer != "" {
			b.WriteString("\n" + footer)
		}
		return b.String()
	}
	// Keep the cursor on screen with the least scrolling.
	if l.cursor < l.offset {
		l.offset = l.cursor
	}
	if l.cursor >= l.offset+rows {
		l.offset = l.cursor - rows + 1
	}
	l.offset = max(0, min(l.offset, len(l.shown)-rows))
	widths := l.widths(width)
	end := min(len(l.shown), l.offset+rows)
	// A restyle (theme, presenter mode) redraws the rows.
	if sig := st.Row.Render("x") + st.RowMuted.Render("x") + st.Selected.Render("x") + st.Glyphs.Pointer; sig != l.rowSig {
		l.rowCache, l.rowSig = nil, sig
	}
	// Each row starts with a line break: after the header, or after an
	// empty first line when there is none.
	l.firstRow, l.drawn, l.width = l.top+strings.Count(b.String(), "\n")+1, end-l.offset, width
	if l.top < 0 {
		l.drawn = 0
	}
	for i := l.offset; i < end; i++ {
		b.WriteString("\n")
		b.WriteString(l.row(l.items[l.shown[i]], widths, i == l.cursor, width))
	}
	if footer != "" {
		b.WriteString("\n" + footer)
	}
	return b.String()
}

func (l *list) header(width int) string {
	widths := l.widths(width)
	cells := make([]string, len(l.cols))
	for i, c := range l.cols {
		cells[i] = padRight(truncate(c.Title, widths[i]), widths[i])
	}
	return l.s.styles.Muted.Bold(true).Render(truncate("  "+strings.Join(cells, " "), width))
}

func (l *list) row(it listItem, widths []int, selected bool, width int) string {
	if l.cellStyle != nil {
		return l.drawRow(it, widths, selected)
	}
	if l.rowCache == nil || len(l.rowCache) > maxListRowsCached || width != l.rowWidth || !slices.Equal(widths, l.rowWidths) {
		l.rowCache = make(map[listRowKey]string, 64)
		l.rowWidths, l.rowWidth = slices.Clone(widths), width
	}
	key := listRowKey{cells: strings.Join(it.Cells, "\x00"), muted: it.Muted, selected: selected}
	if out, ok := l.rowCache[key]; ok {
		return out
	}
	out := l.drawRow(it, widths, selected)
	l.rowCache[key] = out
	return out
}

// drawRow draws one row: the pointer, then each cell truncated and padded
// to its column.
func (l *list) drawRow(it listItem, widths []int, selected bool) string {
	st := l.s.styles
	base := st.Row
	if it.Muted {
		base = st.RowMuted
	}
	ptr := "  "
	if selected {
		base = st.Selected
		ptr = st.Glyphs.Pointer + " "
	}
	// Plain cells are joined and styled once: styling cell by cell costs
	// more than the rest of a 10,000-row screen. Only cells with their own
	// style (badges) break the run.
	var b, run strings.Builder
	run.WriteString(ptr)
	flush := func() {
		if run.Len() > 0 {
			b.WriteString(base.Render(run.String()))
			run.Reset()
		}
	}
	for i := range l.cols {
		text := ""
		if i < len(it.Cells) {
			text = it.Cells[i]
		}
		if l.cellStyle != nil {
			if cs, ok := l.cellStyle(it, i); ok {
				flush()
				cell := truncate(cs.Render(text), widths[i])
				b.WriteString(cell)
				run.WriteString(strings.Repeat(" ", max(0, widths[i]-ansi.StringWidth(cell))))
				if i < len(l.cols)-1 {
					run.WriteByte(' ')
				}
				continue
			}
		}
		run.WriteString(padRight(truncate(text, widths[i]), widths[i]))
		if i < len(l.cols)-1 {
			run.WriteByte(' ')
		}
	}
	flush()
	return b.String()
}

func (l *list) footer(width int) string {
	st := l.s.styles
	var parts []string
	if l.filtering {
		l.filter.SetWidth(max(10, width/2))
		parts = append(parts, l.filter.View())
	} else if l.query != "" {
		parts = append(parts, st.Key.Render("/")+st.Match.Render(safeLine(l.query)))
	}
	if n := len(l.shown); n > 0 {
		pos := itoa(l.cursor+1) + "/" + itoa(n)
		if l.query != "" {
			pos += " of " + itoa(len(l.items))
		}
		parts = append(parts, st.Muted.Render(pos))
	}
	if len(parts) == 0 {
		return ""
	}
	return truncate(strings.Join(parts, "  "), width)
}
