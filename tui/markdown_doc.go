package tui

import (
	"bytes"
	"slices"
	"strings"

	"charm.land/lipgloss/v2"
	"charm.land/lipgloss/v2/table"
	"github.com/charmbracelet/x/ansi"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// The preview of a large report is virtual. A 10,000-threat report is
// 3.7 MB of Markdown: parsing it whole takes some 300 ms and laying its
// 10,000-row register out with lipgloss over a second, before anything
// shows. mdDoc instead cuts the source, without parsing it, into pieces
// that goldmark parses the same alone as in the whole document (sections
// between top-level blocks, runs of a tight list, tables), and parses,
// lays out and draws a piece only when it scrolls into view. A table's
// column widths come from one pass over its cells, fed to lipgloss's own
// resizer, and its rows are drawn in windows at those widths the way
// lipgloss's table draws a row, so every line is the one renderMarkdown
// would draw (TestMDDocMatchesRender, FuzzMDDoc).

// mdPieceRows is how many list items or table rows one window holds.
const mdPieceRows = 64

// mdDoc is a report prepared for the preview at one width.
type mdDoc struct {
	width  int
	st     mdStyles
	pieces []*mdPiece
	// laid is how many pieces (a prefix) have their line count known;
	// starts[i] is the first line of piece i among them, total the lines
	// of the laid pieces.
	laid   int
	starts []int
	total  int
	parser parser.Parser
	// widths are the display widths of lines already on screen.
	widths map[string]int
	// tableLine marks the lines of tables drawn in windows.
	tableLine map[string]bool
	// rest[i] is the source lines of pieces i on: until they are laid out,
	// the estimate of how long they draw.
	rest []int
}

// mdPiece is part of the source drawn on its own. joined pieces follow
// the previous one without the blank line between blocks (the next run
// of the same list or table).
type mdPiece struct {
	src    []byte
	joined bool
	table  *mdTable // for a table's rows; nil for blocks
	lines  []string // drawn lines of a block piece, nil until drawn
	height int
	laid   bool
}

// mdTable is a large table: its header and delimiter lines, its rows'
// source, and once laid out its cells, column widths and row heights.
type mdTable struct {
	head    []byte
	rows    [][]byte
	cells   [][]string
	header  []string
	widths  []int
	heights []int
	// top is the top border, header and its rule; bottom the last border.
	top    []string
	bottom string
	// windows are drawn windows of mdPieceRows rows, by window index.
	windows map[int][]string
	offsets []int // first line of each row within the table
	// drawn holds cells already styled; left and right the side borders.
	drawn       map[cellKey]string
	left, right string
}

// newMDDoc cuts md into pieces for a pane width columns wide. Nothing is
// parsed yet.
func newMDDoc(md []byte, width int, st mdStyles) *mdDoc {
	d := &mdDoc{width: max(width, 20), st: st, pieces: splitMarkdown(md)}
	d.rest = make([]int, len(d.pieces)+1)
	for i := len(d.pieces) - 1; i >= 0; i-- {
		d.rest[i] = d.rest[i+1] + bytes.Count(d.pieces[i].src, []byte("\n")) + 1
	}
	return d
}

// splitMarkdown cuts md at blank lines followed by a line that starts a
// new top-level block. A document that could hold link reference
// definitions or HTML blocks (which reach across blank lines) stays
// whole, as does anything inside a fenced code block: both are drawn as
// one piece, exactly as before.
func splitMarkdown(md []byte) []*mdPiece {
	if bytes.Contains(md, []byte("]:")) || hasHTMLLine(md) {
		return []*mdPiece{{src: md}}
	}
	var out []*mdPiece
	start := 0
	fence := ""
	blank := false
	for pos := 0; pos < len(md); {
		end := bytes.IndexByte(md[pos:], '\n')
		if end < 0 {
			end = len(md)
		} else {
			end += pos
		}
		line := md[pos:end]
		trimmed, indent := indentOf(line)
		switch {
		case fence != "":
			if indent <= 3 && bytes.HasPrefix(trimmed, []byte(fence)) && len(bytes.TrimSpace(bytes.TrimLeft(trimmed, fence[:1]))) == 0 {
				fence = ""
			}
		case indent <= 3 && (bytes.HasPrefix(trimmed, []byte("```")) || bytes.HasPrefix(trimmed, []byte("~~~"))):
			n := 0
			for n < len(trimmed) && trimmed[n] == trimmed[0] {
				n++
			}
			fence = string(trimmed[:n])
			if blank && indent == 0 && pos > start {
				out = append(out, splitPiece(md[start:pos])...)
				start = pos
			}
		case blank && indent == 0 && len(trimmed) > 0 && !listMarker(trimmed) && pos > start:
			out = append(out, splitPiece(md[start:pos])...)
			start = pos
		}
		blank = len(bytes.TrimSpace(line)) == 0
		pos = end + 1
	}
	if start < len(md) {
		out = append(out, splitPiece(md[start:])...)
	}
	return out
}

// hasHTMLLine reports whether some line starts (within three spaces) with
// "<": it may open an HTML block that runs over blank lines.
func hasHTMLLine(md []byte) bool {
	for len(md) > 0 {
		line := md
		if i := bytes.IndexByte(md, '\n'); i >= 0 {
			line, md = md[:i], md[i+1:]
		} else {
			md = nil
		}
		t, indent := indentOf(line)
		if indent <= 3 && len(t) > 0 && t[0] == '<' {
			return true
		}
	}
	return false
}

// indentOf returns a line without its leading spaces and tabs, and its
// indent in columns: a tab counts as four at least (indenting code or a
// list item's content), so nothing tab-indented is taken for column 0.
func indentOf(line []byte) ([]byte, int) {
	t := bytes.TrimLeft(line, " \t")
	lead := line[:len(line)-len(t)]
	indent := len(lead)
	if bytes.IndexByte(lead, '\t') >= 0 {
		indent += 4
	}
	return t, indent
}

// listMarker reports whether a line starts a list item or a quote, which
// may continue the list or quote before the blank line.
func listMarker(l []byte) bool {
	switch l[0] {
	case '-', '+', '*':
		return len(l) == 1 || l[1] == ' ' || l[1] == '\t'
	case '>':
		return true
	}
	i := 0
	for i < len(l) && i < 9 && l[i] >= '0' && l[i] <= '9' {
		i++
	}
	return i > 0 && i < len(l) && (l[i] == '.' || l[i] == ')')
}

// splitPiece cuts one top-level piece further when it is a long tight
// list of one-line items ("- …" each) or a table ("| … |" rows under a
// delimiter row): either is drawn in windows of rows.
func splitPiece(src []byte) []*mdPiece {
	body := bytes.TrimRight(src, "\n")
	lines := bytes.Split(body, []byte("\n"))
	if len(lines) <= mdPieceRows {
		return []*mdPiece{{src: src}}
	}
	switch {
	case allLines(lines, func(l []byte) bool { return bytes.HasPrefix(l, []byte("- ")) }):
		// Each item of a tight list of one-line items draws on its own (a
		// task item's checkbox too), so a run of them draws as its part of
		// the list.
		var out []*mdPiece
		for i := 0; i < len(lines); i += mdPieceRows {
			run := bytes.Join(lines[i:min(len(lines), i+mdPieceRows)], []byte("\n"))
			out = append(out, &mdPiece{src: run, joined: i > 0})
		}
		return out
	case isDelimiterRow(lines[1]) && allLines(lines, func(l []byte) bool {
		l = bytes.TrimSpace(l)
		return len(l) > 1 && l[0] == '|' && l[len(l)-1] == '|' && l[len(l)-2] != '\\'
	}):
		t := &mdTable{head: bytes.Join(lines[:2], []byte("\n")), rows: lines[2:], windows: map[int][]string{}}
		return []*mdPiece{{src: src, table: t}}
	}
	return []*mdPiece{{src: src}}
}

func allLines(lines [][]byte, ok func([]byte) bool) bool {
	for _, l := range lines {
		if !ok(l) {
			return false
		}
	}
	return true
}

// isDelimiterRow reports whether l is a table's "| --- | :-: |" row.
func isDelimiterRow(l []byte) bool {
	l = bytes.TrimSpace(l)
	if len(l) < 3 || l[0] != '|' {
		return false
	}
	for _, c := range l {
		if c != '|' && c != '-' && c != ':' && c != ' ' {
			return false
		}
	}
	return bytes.Contains(l, []byte("-"))
}

// parse parses one piece. Each document has its own parser, made when
// it first parses: nothing is built at package initialisation, and a
// document laid out ahead by a command shares no parser with the one on
// screen.
func (d *mdDoc) parse(src []byte) ast.Node {
	if d.parser == nil {
		d.parser = newMDParser()
	}
	return d.parser.Parse(text.NewReader(src))
}

// newMDParser is goldmark with the extensions the report uses.
func newMDParser() parser.Parser {
	return goldmark.New(goldmark.WithExtensions(extension.Table, extension.TaskList, extension.Strikethrough)).Parser()
}

// Len lays out the whole document and returns its line count.
func (d *mdDoc) Len() int {
	d.layTo(len(d.pieces))
	return d.total
}

// Lines returns up to n lines from line from, laying out and drawing only
// the pieces they fall in.
func (d *mdDoc) Lines(from, n int) []string {
	d.reach(from + n)
	var out []string
	for i := d.pieceAt(from); i < d.laid && len(out) < n; i++ {
		p := d.pieces[i]
		start := d.starts[i]
		if p.height > 0 && from+len(out) < start {
			out = append(out, "") // the blank line between blocks
		}
		if len(out) == n {
			break
		}
		at := max(0, from+len(out)-start)
		if p.table == nil {
			out = append(out, p.lines[at:min(len(p.lines), at+n-len(out))]...)
			continue
		}
		out = append(out, d.tableLines(p.table, at, n-len(out))...)
	}
	return out
}

// reach lays pieces out until the document is at least n lines long or
// all are laid.
func (d *mdDoc) reach(n int) {
	for d.laid < len(d.pieces) && d.total < n {
		d.layTo(d.laid + 1)
	}
}

// Known reports whether every piece is laid out, so Len costs nothing.
func (d *mdDoc) Known() bool { return d.laid == len(d.pieces) }

// Estimate is the line count when known, or the laid lines plus the
// source lines of the rest.
func (d *mdDoc) Estimate() int { return d.total + d.rest[d.laid] }

// ahead is the part of d not yet laid out, for layAhead.
type ahead struct {
	doc    *mdDoc
	from   int
	pieces []*mdPiece
}

// unlaid copies the pieces not laid out yet; the copies share only the
// source, which nothing writes, so a command may lay them out.
func (d *mdDoc) unlaid() ahead {
	a := ahead{doc: d, from: d.laid}
	for _, p := range d.pieces[d.laid:] {
		c := &mdPiece{src: p.src, joined: p.joined}
		if p.table != nil && !p.laid {
			c.table = &mdTable{head: p.table.head, rows: p.table.rows, windows: map[int][]string{}}
		}
		a.pieces = append(a.pieces, c)
	}
	return a
}

// layAhead lays out the copies in a (off the UI goroutine).
func layAhead(a ahead, width int, st mdStyles) ahead {
	d := &mdDoc{width: max(width, 20), st: st}
	for _, p := range a.pieces {
		d.layPiece(p)
	}
	return a
}

// adopt takes the pieces a command laid out in place of those still not
// laid out here.
func (d *mdDoc) adopt(a ahead) {
	if a.doc != d {
		return
	}
	for i, p := range a.pieces {
		if j := a.from + i; j >= d.laid && !d.pieces[j].laid {
			d.pieces[j] = p
		}
	}
}

// pieceAt is the laid piece holding line l (binary search on starts).
func (d *mdDoc) pieceAt(l int) int {
	lo, hi := 0, d.laid
	for lo < hi {
		mid := (lo + hi) / 2
		if d.starts[mid]+d.pieces[mid].height <= l {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo
}

// layTo lays out pieces up to (not including) n: draws blocks and
// measures tables, and places each after the one before.
func (d *mdDoc) layTo(n int) {
	for ; d.laid < n; d.laid++ {
		p := d.pieces[d.laid]
		if !p.laid {
			d.layPiece(p)
		}
		start := d.total
		if p.height > 0 && d.total > 0 && !p.joined {
			start++ // the blank line between blocks
		}
		d.starts = append(d.starts, start)
		if p.height > 0 {
			d.total = start + p.height
		} else {
			d.starts[d.laid] = d.total
		}
	}
}

// layPiece draws a block piece or measures a table. It is the only step
// that parses, and it reads nothing but the piece, so a command may run
// it ahead for pieces not yet on screen (see layAhead).
func (d *mdDoc) layPiece(p *mdPiece) {
	if p.table != nil && d.layTable(p.table) {
		p.height = len(p.table.top) + p.table.offsets[len(p.table.rows)] + 1
	} else {
		p.table = nil
		doc := d.parse(p.src)
		r := mdRenderer{src: p.src, st: d.st}
		p.lines = r.children(doc, d.width)
		p.height = len(p.lines)
	}
	p.laid = true
}

// layTable parses a table's rows, computes its column widths as lipgloss
// would for the whole table and each row's height. It reports false for
// a table it cannot draw in windows (rows of different lengths), which is
// then drawn whole.
func (d *mdDoc) layTable(t *mdTable) bool {
	src := append(append([]byte{}, t.head...), '\n')
	src = append(src, bytes.Join(t.rows, []byte("\n"))...)
	doc := d.parse(src)
	tbl, ok := doc.FirstChild().(*east.Table)
	if !ok || tbl.NextSibling() != nil {
		return false
	}
	r := mdRenderer{src: src, st: d.st}
	for row := tbl.FirstChild(); row != nil; row = row.NextSibling() {
		var cells []string
		for c := row.FirstChild(); c != nil; c = c.NextSibling() {
			cells = append(cells, r.inline(c))
		}
		if _, ok := row.(*east.TableHeader); ok {
			t.header = cells
		} else {
			t.cells = append(t.cells, cells)
		}
	}
	if len(t.cells) != len(t.rows) || len(t.header) == 0 {
		return false
	}
	for _, row := range t.cells {
		if len(row) != len(t.header) {
			return false
		}
	}
	t.widths = d.tableWidths(t)
	if t.widths == nil {
		return false
	}
	head := strings.Split(d.fixedTable(t, t.header, nil).Render(), "\n")
	t.top, t.bottom = head[:len(head)-1], head[len(head)-1]
	d.markTable(head...)
	// Row heights as lipgloss's resizer finds them: the tallest wrapped
	// cell.
	xpad := d.st.cell.GetHorizontalFrameSize()
	ypad := d.st.cell.GetVerticalFrameSize()
	t.heights = make([]int, len(t.cells))
	t.offsets = make([]int, len(t.cells)+1)
	for i, row := range t.cells {
		h := 1
		for j, cell := range row {
			h = max(h, contentHeight(cell, t.widths[j]-xpad)+ypad)
		}
		t.heights[i] = h
		t.offsets[i+1] = t.offsets[i] + h
	}
	return true
}

// markTable records lines as a table's.
func (d *mdDoc) markTable(lines ...string) {
	if d.tableLine == nil {
		d.tableLine = map[string]bool{}
	}
	for _, l := range lines {
		d.tableLine[l] = true
	}
}

// contentHeight is how many lines cell wraps to at width (lipgloss's
// detectContentHeight).
func contentHeight(cell string, width int) int {
	if width == 0 {
		return 1
	}
	h := 0
	for _, line := range strings.Split(strings.ReplaceAll(cell, "\r\n", "\n"), "\n") {
		h += strings.Count(ansi.Wrap(line, width, ""), "\n") + 1
	}
	return h
}

// tableWidths finds the column widths lipgloss gives the whole table.
// They depend only on each column's header width and the least, greatest
// and median width of its cells, so a three-row table with the same
// figures gets the same widths; they are read off its top border.
func (d *mdDoc) tableWidths(t *mdTable) []int {
	n := len(t.header)
	probe := make([][]string, 3)
	for i := range probe {
		probe[i] = make([]string, n)
	}
	ws := make([]int, len(t.cells))
	for j := range n {
		for i, row := range t.cells {
			ws[i] = lipgloss.Width(row[j])
		}
		lo, mid, hi := medianOf(ws)
		probe[0][j], probe[1][j], probe[2][j] = strings.Repeat("x", lo), strings.Repeat("x", mid), strings.Repeat("x", hi)
	}
	header := make([]string, n)
	for j, h := range t.header {
		header[j] = strings.Repeat("x", lipgloss.Width(h))
	}
	tb := table.New().Border(d.st.border).Headers(header...).Rows(probe...).Width(d.width).Wrap(true).
		StyleFunc(d.st.tableStyle)
	top, _, _ := strings.Cut(ansi.Strip(tb.Render()), "\n")
	runes := []rune(top)
	if len(runes) < 2 {
		return nil
	}
	segs := strings.Split(string(runes[1:len(runes)-1]), d.st.border.MiddleTop)
	if len(segs) != n {
		return nil
	}
	widths := make([]int, n)
	for j, s := range segs {
		widths[j] = ansi.StringWidth(s)
	}
	return widths
}

// medianOf returns the least, median (as lipgloss takes it) and greatest
// of ws, which it sorts.
func medianOf(ws []int) (lo, mid, hi int) {
	slices.Sort(ws)
	if len(ws) == 0 {
		return 0, 0, 0
	}
	h := len(ws) / 2
	mid = ws[h]
	if len(ws)%2 == 0 {
		mid = (ws[h-1] + ws[h]) / 2
	}
	return ws[0], mid, ws[len(ws)-1]
}

// tableLines returns up to n lines of table t from its line at.
func (d *mdDoc) tableLines(t *mdTable, at, n int) []string {
	var out []string
	for len(out) < n {
		switch {
		case at < len(t.top):
			out = append(out, t.top[at])
			at++
			continue
		case at-len(t.top) >= t.offsets[len(t.rows)]:
			out = append(out, t.bottom)
			return out
		}
		rowLine := at - len(t.top)
		row := upperBound(t.offsets, rowLine) - 1
		w := row / mdPieceRows
		lines := d.tableWindow(t, w)
		off := rowLine - t.offsets[w*mdPieceRows]
		if off >= len(lines) {
			// Rows measured taller than they draw: never loop on it; the
			// preview shows the failure (reviewPage.guard).
			panic("a table window drew fewer lines than its rows measure")
		}
		take := lines[off:min(len(lines), off+n-len(out))]
		out = append(out, take...)
		at += len(take)
	}
	return out
}

// upperBound is the first index whose value is above v in sorted xs.
func upperBound(xs []int, v int) int {
	lo, hi := 0, len(xs)
	for lo < hi {
		mid := (lo + hi) / 2
		if xs[mid] <= v {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo
}

// tableWindow draws window w of t's rows, once. Each row is drawn as
// lipgloss's table draws it (each cell in its column's style at the
// row's height, joined between the borders), with cells that repeat down
// a column (status, category, risk) styled once.
func (d *mdDoc) tableWindow(t *mdTable, w int) []string {
	if lines, ok := t.windows[w]; ok {
		return lines
	}
	if t.drawn == nil {
		t.drawn = map[cellKey]string{}
		b := d.st.borderStyle
		if d.st.plain {
			b = lipgloss.NewStyle()
		}
		t.left, t.right = b.Render(d.st.border.Left), b.Render(d.st.border.Right)
	}
	var lines []string
	var sb strings.Builder
	cells := make([]string, 0, 2*len(t.widths)+1)
	for i := w * mdPieceRows; i < min(len(t.cells), (w+1)*mdPieceRows); i++ {
		h := t.heights[i]
		single := h == 1
		cells = cells[:0]
		cells = append(cells, strings.TrimRight(strings.Repeat(t.left+"\n", h), "\n"))
		for j, c := range t.cells[i] {
			k := cellKey{col: j, height: h, text: c}
			out, ok := t.drawn[k]
			if !ok {
				st := d.st.cell.Width(t.widths[j])
				out = strings.TrimRight(st.Height(h-st.GetVerticalMargins()).MaxHeight(h).
					Width(t.widths[j]-st.GetHorizontalMargins()).MaxWidth(t.widths[j]).Render(c), "\n")
				if len(t.drawn) < 4096 {
					t.drawn[k] = out
				}
			}
			single = single && !strings.Contains(out, "\n")
			if j > 0 {
				cells = append(cells, cells[0])
			}
			cells = append(cells, out)
		}
		cells = append(cells, strings.TrimRight(strings.Repeat(t.right+"\n", h), "\n"))
		if single {
			sb.Reset()
			for _, c := range cells {
				sb.WriteString(c)
			}
			lines = append(lines, sb.String())
			continue
		}
		lines = append(lines, strings.Split(lipgloss.JoinHorizontal(lipgloss.Top, cells...), "\n")...)
	}
	// The table is cut to the pane, as lipgloss cuts a table too wide
	// for it (columns at their one-cell floor).
	// (A column of width 0 draws its cells at their own width.)
	if tw := sumInts(t.widths) + len(t.widths) + 1; tw > d.width || slices.Contains(t.widths, 0) {
		for i, l := range lines {
			lines[i] = ansi.Truncate(l, d.width, "")
		}
	}
	t.windows[w] = lines
	d.markTable(lines...)
	return lines
}

func sumInts(xs []int) int {
	n := 0
	for _, x := range xs {
		n += x
	}
	return n
}

// cellKey is a table cell as drawn: its column, row height and text.
type cellKey struct {
	col, height int
	text        string
}

// fixedTable is a lipgloss table at t's column widths: with every
// column's width set, lipgloss lays any run of rows out exactly as it lays
// them in the whole table.
func (d *mdDoc) fixedTable(t *mdTable, header []string, rows [][]string) *table.Table {
	tb := table.New().Border(d.st.border).Headers(header...).Rows(rows...).Width(d.width).Wrap(true).
		StyleFunc(func(row, col int) lipgloss.Style {
			if row == table.HeaderRow {
				return d.st.head.Width(t.widths[col])
			}
			return d.st.cell.Width(t.widths[col])
		})
	if !d.st.plain {
		tb = tb.BorderStyle(d.st.borderStyle)
	}
	return tb
}

// Pane draws h lines from line from, padded to width columns and h
// lines as the viewport it replaced padded its content with lipgloss.
// Lines that carry no style from one line to the next (plain text, table
// rows) are padded directly, their width measured once; runs of the
// others go through lipgloss as the viewport took them.
func (d *mdDoc) Pane(from, h, width int) string {
	lines := d.Lines(from, h)
	if d.widths == nil {
		d.widths = map[string]int{}
	}
	ws := make([]int, len(lines))
	for i, l := range lines {
		w, ok := d.widths[l]
		if !ok {
			w = ansi.StringWidth(l)
			d.widths[l] = w
		}
		if w > width {
			// Drawn for a wider pane (a render for this width is on its
			// way): lipgloss wraps it, and each line is cut to the pane.
			out := strings.Split(lipgloss.NewStyle().Width(width).Height(h).Render(strings.Join(lines, "\n")), "\n")
			for i, l := range out {
				out[i] = ansi.Truncate(l, width, "")
			}
			return strings.Join(out, "\n")
		}
		ws[i] = w
	}
	pad := lipgloss.NewStyle().Width(width)
	var b strings.Builder
	for i := 0; i < h; i++ {
		if i > 0 {
			b.WriteByte('\n')
		}
		if i >= len(lines) {
			b.WriteString(strings.Repeat(" ", width))
			continue
		}
		if !d.selfContained(lines[i]) {
			j := i + 1
			for j < len(lines) && !d.selfContained(lines[j]) {
				j++
			}
			b.WriteString(pad.Render(strings.Join(lines[i:j], "\n")))
			i = j - 1
			continue
		}
		b.WriteString(lines[i])
		b.WriteString(strings.Repeat(" ", width-ws[i]))
	}
	return b.String()
}

// selfContained reports whether a line opens and closes its own styles:
// it has none, or it is a table line (every cell and border styled on
// its own).
func (d *mdDoc) selfContained(l string) bool {
	return !strings.Contains(l, "\x1b") || d.tableLine[l]
}
