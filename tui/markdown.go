package tui

import (
	"bytes"
	"strconv"
	"strings"

	"charm.land/lipgloss/v2"
	"charm.land/lipgloss/v2/table"
	"github.com/charmbracelet/x/ansi"
	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"github.com/threatdeck/threatdeck/model"
)

// The report preview draws the exported Markdown for the terminal.
// goldmark parses it, as the tests that check the export do, and this file
// draws what the report is made of (headings, paragraphs, lists and task
// lists, tables, rules, emphasis, code) with the app's own styles, wrapped
// to the pane. It replaced glamour, whose syntax highlighter parses some
// 300 lexer and style definitions at every process start: 23 ms, a sixth
// of the start-up budget, for a report with no code to highlight.

// mdStyles are the preview's styles, taken from the app's Styles. plain
// (NO_COLOR or accessible mode) draws no styling at all and keeps
// Markdown's own marks (# headings, **bold**, `code`) so the structure
// still reads, to a screen reader too.
type mdStyles struct {
	plain                           bool
	h1, h2, h3, strong, emph, code  lipgloss.Style
	strike, link, muted, rule       lipgloss.Style
	cell, head, borderStyle         lipgloss.Style
	bullet, checked, unchecked, bar string
	border                          lipgloss.Border
}

func newMDStyles(s Styles, plain bool) mdStyles {
	st := mdStyles{plain: plain, bullet: s.Glyphs.Bullet, checked: s.Glyphs.Checked, unchecked: s.Glyphs.Unchecked,
		bar: "│", border: lipgloss.NormalBorder(), cell: s.TableCell, head: s.TableCell}
	if plain {
		st.bullet, st.bar, st.border = "-", ">", lipgloss.ASCIIBorder()
		return st
	}
	st.h1 = s.Section.Foreground(s.Theme.Accent)
	st.h2 = s.Heading
	st.h3 = s.Bold
	st.strong = s.Bold
	st.emph = s.Emphasis
	st.strike = s.Strike
	st.code = s.Code
	st.link = s.Match
	st.muted = s.Muted
	st.rule = s.Muted
	st.head = s.TableHead
	st.borderStyle = s.TableBorder
	return st
}

// render applies style unless the preview is plain.
func (st mdStyles) render(style lipgloss.Style, s string) string {
	if st.plain || s == "" {
		return s
	}
	return style.Render(s)
}

// renderMarkdown draws md for a pane width columns wide.
func renderMarkdown(md []byte, width int, st mdStyles) string {
	width = max(width, 20)
	doc := newMDParser().Parse(text.NewReader(md))
	r := mdRenderer{src: md, st: st}
	return strings.Join(r.children(doc, width), "\n")
}

// mdRenderer draws one document; src is the Markdown its nodes point into.
type mdRenderer struct {
	src []byte
	st  mdStyles
}

// children draws the blocks under n, a blank line between them.
func (r *mdRenderer) children(n ast.Node, width int) []string {
	return r.blocks(n, width, true)
}

// blocks draws the blocks under n, with a blank line between them when
// spaced (not inside a tight list item).
func (r *mdRenderer) blocks(n ast.Node, width int, spaced bool) []string {
	var out []string
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		lines := r.block(c, width)
		if len(lines) == 0 {
			continue
		}
		if spaced && len(out) > 0 {
			out = append(out, "")
		}
		out = append(out, lines...)
	}
	return out
}

// block draws one block node as lines at most width columns wide.
func (r *mdRenderer) block(n ast.Node, width int) []string {
	switch n := n.(type) {
	case *ast.Heading:
		title := r.inline(n)
		if r.st.plain {
			return wrapLines(strings.Repeat("#", n.Level)+" "+title, width)
		}
		style := r.st.h3
		switch n.Level {
		case 1:
			style = r.st.h1
		case 2:
			style = r.st.h2
		}
		return wrapLines(style.Render(title), width)
	case *ast.Paragraph, *ast.TextBlock:
		return wrapLines(r.inline(n), width)
	case *ast.List:
		return r.list(n, width)
	case *east.Table:
		return r.table(n, width)
	case *ast.ThematicBreak:
		rule := "─"
		if r.st.plain {
			rule = "-"
		}
		return []string{r.st.render(r.st.rule, strings.Repeat(rule, width))}
	case *ast.FencedCodeBlock, *ast.CodeBlock, *ast.HTMLBlock:
		var lines []string
		for i := range n.Lines().Len() {
			seg := n.Lines().At(i)
			line := strings.TrimRight(model.CleanText(string(seg.Value(r.src))), "\n")
			lines = append(lines, ansi.Truncate(r.st.render(r.st.code, "    "+line), width, "…"))
		}
		return lines
	case *ast.Blockquote:
		var lines []string
		for _, l := range r.children(n, width-2) {
			lines = append(lines, r.st.render(r.st.muted, r.st.bar)+" "+l)
		}
		return lines
	}
	return wrapLines(r.inline(n), width)
}

// list draws a list, each item's first line behind its marker and the
// rest indented under it.
func (r *mdRenderer) list(n *ast.List, width int) []string {
	var out []string
	num := n.Start
	for item := n.FirstChild(); item != nil; item = item.NextSibling() {
		marker := r.st.render(r.st.muted, r.st.bullet) + " "
		pad := strings.Repeat(" ", ansi.StringWidth(marker))
		switch {
		case n.IsOrdered():
			marker = strconv.Itoa(num) + ". "
			pad = strings.Repeat(" ", len(marker))
			num++
		case isTask(item):
			// The checkbox is the item's marker.
			marker, pad = "", strings.Repeat(" ", ansi.StringWidth(r.st.checked)+1)
		}
		if !n.IsTight && len(out) > 0 {
			out = append(out, "")
		}
		for i, l := range r.blocks(item, width-len(pad), !n.IsTight) {
			if i == 0 {
				out = append(out, marker+l)
			} else if l == "" {
				out = append(out, "")
			} else {
				out = append(out, pad+l)
			}
		}
	}
	return out
}

// isTask reports whether a list item is a task ("- [x] …").
func isTask(item ast.Node) bool {
	if first := item.FirstChild(); first != nil {
		_, ok := first.FirstChild().(*east.TaskCheckBox)
		return ok
	}
	return false
}

// table lays a table out to width with lipgloss, wrapping cells that do
// not fit.
func (r *mdRenderer) table(n *east.Table, width int) []string {
	var header []string
	var rows [][]string
	for row := n.FirstChild(); row != nil; row = row.NextSibling() {
		var cells []string
		for c := row.FirstChild(); c != nil; c = c.NextSibling() {
			cells = append(cells, r.inline(c))
		}
		if _, ok := row.(*east.TableHeader); ok {
			header = cells
		} else {
			rows = append(rows, cells)
		}
	}
	t := table.New().Border(r.st.border).Headers(header...).Rows(rows...).Width(width).Wrap(true).
		StyleFunc(r.st.tableStyle)
	if !r.st.plain {
		t = t.BorderStyle(r.st.borderStyle)
	}
	return strings.Split(t.Render(), "\n")
}

// tableStyle is the style of a table's cells in row (the header or not).
func (st mdStyles) tableStyle(row, _ int) lipgloss.Style {
	if row == table.HeaderRow {
		return st.head
	}
	return st.cell
}

// inline draws the inline content under n as one string; hard line breaks
// (and the report's <br>) become newlines.
func (r *mdRenderer) inline(n ast.Node) string {
	var b strings.Builder
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		r.inlineNode(&b, c)
	}
	return b.String()
}

func (r *mdRenderer) inlineNode(b *strings.Builder, n ast.Node) {
	st := r.st
	switch n := n.(type) {
	case *ast.Text:
		b.WriteString(r.text(n.Segment.Value(r.src)))
		switch {
		case n.HardLineBreak():
			b.WriteByte('\n')
		case n.SoftLineBreak():
			b.WriteByte(' ')
		}
	case *ast.String:
		b.WriteString(r.text(n.Value))
	case *ast.Emphasis:
		inner := r.inline(n)
		switch {
		case st.plain && n.Level == 2:
			b.WriteString("**" + inner + "**")
		case st.plain:
			b.WriteString("_" + inner + "_")
		case n.Level == 2:
			b.WriteString(st.strong.Render(inner))
		default:
			b.WriteString(st.emph.Render(inner))
		}
	case *east.Strikethrough:
		if st.plain {
			b.WriteString("~~" + r.inline(n) + "~~")
		} else {
			b.WriteString(st.strike.Render(r.inline(n)))
		}
	case *ast.CodeSpan:
		code := r.inline(n)
		if st.plain {
			code = "`" + code + "`"
		}
		b.WriteString(st.render(st.code, code))
	case *ast.Link:
		b.WriteString(st.render(st.link, r.inline(n)))
		if dest := r.text(n.Destination); dest != "" && !strings.HasPrefix(dest, "#") {
			b.WriteString(st.render(st.muted, " ("+dest+")"))
		}
	case *ast.AutoLink:
		b.WriteString(st.render(st.link, r.text(n.URL(r.src))))
	case *ast.RawHTML:
		var raw []byte
		for i := range n.Segments.Len() {
			seg := n.Segments.At(i)
			raw = append(raw, seg.Value(r.src)...)
		}
		if isBreak(raw) {
			b.WriteByte('\n')
		} else {
			b.WriteString(r.text(raw))
		}
	case *east.TaskCheckBox:
		if n.IsChecked {
			b.WriteString(st.checked + " ")
		} else {
			b.WriteString(st.unchecked + " ")
		}
	default:
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			r.inlineNode(b, c)
		}
	}
}

// text turns Markdown source text into what it reads as (backslash
// escapes and entities resolved), cleaned for the terminal like any
// stored string.
func (r *mdRenderer) text(v []byte) string {
	v = util.UnescapePunctuations(v)
	v = util.ResolveNumericReferences(v)
	v = util.ResolveEntityNames(v)
	return strings.ReplaceAll(model.CleanText(string(v)), "\n", " ")
}

// isBreak reports whether raw HTML is a line break (<br>, <br/>, <br />).
func isBreak(raw []byte) bool {
	s := strings.ToLower(string(bytes.TrimSpace(raw)))
	return s == "<br>" || s == "<br/>" || s == "<br />"
}

// wrapLines wraps text (which may hold newlines) to width columns, keeping
// styles across the breaks.
func wrapLines(s string, width int) []string {
	if s == "" {
		return nil
	}
	width = max(width, 1) // deep nesting can leave no room; never loop on it
	var out []string
	for _, l := range strings.Split(ansi.Wrap(s, width, ""), "\n") {
		// Wrap lets a hyphen after a space hang past the edge ("attacks -").
		if ansi.StringWidth(l) > width {
			out = append(out, strings.Split(ansi.Hardwrap(l, width, true), "\n")...)
			continue
		}
		out = append(out, l)
	}
	return out
}
