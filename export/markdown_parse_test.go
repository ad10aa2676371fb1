package export

import (
	"regexp"
	"strings"
	"testing"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Helpers that read Markdown back with a real parser (goldmark with the
// GFM extensions, as GitHub renders it) so tests check what a reader sees,
// not what the writer meant.

type mdDoc struct {
	src  []byte
	root ast.Node
}

func parseMD(src []byte) mdDoc {
	return mdDoc{src: src, root: freeParser().Parse(text.NewReader(src))}
}

// plain returns the text a reader sees in n: escapes and entities resolved,
// line breaks and <br> as "\n", checkboxes left out.
func (d mdDoc) plain(n ast.Node) string {
	var b strings.Builder
	d.appendPlain(&b, n)
	return b.String()
}

func (d mdDoc) appendPlain(b *strings.Builder, n ast.Node) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.Text:
			v := c.Segment.Value(d.src)
			if !c.IsRaw() {
				v = util.ResolveEntityNames(util.ResolveNumericReferences(util.UnescapePunctuations(v)))
			}
			b.Write(v)
			if c.SoftLineBreak() || c.HardLineBreak() {
				b.WriteByte('\n')
			}
		case *ast.String:
			b.Write(c.Value)
		case *ast.RawHTML:
			raw := rawHTML(c, d.src)
			if raw == "<br>" {
				b.WriteByte('\n')
			} else {
				b.WriteString(raw)
			}
		case *ast.AutoLink:
			b.Write(c.Label(d.src))
		case *east.TaskCheckBox:
		case *ast.List, *ast.Paragraph, *ast.TextBlock:
			if b.Len() > 0 && c.Kind() != ast.KindTextBlock {
				b.WriteByte('\n')
			}
			d.appendPlain(b, c)
		default:
			d.appendPlain(b, c)
		}
	}
}

func rawHTML(n *ast.RawHTML, src []byte) string {
	var b strings.Builder
	for i := range n.Segments.Len() {
		s := n.Segments.At(i)
		b.Write(s.Value(src))
	}
	return b.String()
}

// htmlNodes lists every raw HTML the document contains except <br>.
func (d mdDoc) htmlNodes() []string {
	var out []string
	_ = ast.Walk(d.root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.RawHTML:
			if raw := rawHTML(n, d.src); raw != "<br>" {
				out = append(out, raw)
			}
		case *ast.HTMLBlock:
			var b strings.Builder
			for i := range n.Lines().Len() {
				seg := n.Lines().At(i)
				b.Write(seg.Value(d.src))
			}
			out = append(out, b.String())
		}
		return ast.WalkContinue, nil
	})
	return out
}

// headings lists the headings as "## Title" strings, in order.
func (d mdDoc) headings() []string {
	var out []string
	for c := d.root.FirstChild(); c != nil; c = c.NextSibling() {
		if h, ok := c.(*ast.Heading); ok {
			out = append(out, strings.Repeat("#", h.Level)+" "+d.plain(h))
		}
	}
	return out
}

// mdItem is one list item with where it stands: its H2 section, its group
// (an H3 such as "1. Authentication & Authorization" or "Authentication")
// and its kind (a "Threats" or "Mitigations" heading), as in the reference.
type mdItem struct {
	section, group, kind string
	text                 string
	box, checked         bool
}

func (it mdItem) key() string { return it.section + " / " + it.group + " / " + it.kind }

var countSuffix = regexp.MustCompile(`\s*\(\d+\)$`)

// walkTop visits top-level blocks, tracking section, group and kind.
func (d mdDoc) walkTop(visit func(section, group, kind string, n ast.Node)) {
	var section, group, kind string
	for c := d.root.FirstChild(); c != nil; c = c.NextSibling() {
		if h, ok := c.(*ast.Heading); ok {
			title := countSuffix.ReplaceAllString(d.plain(h), "")
			switch {
			case h.Level <= 2:
				section, group, kind = title, "", ""
			case title == "Threats" || title == "Mitigations":
				kind = title
			case h.Level == 3:
				group, kind = title, ""
			}
			continue
		}
		visit(section, group, kind, c)
	}
}

// items lists the top-level list items of the document.
func (d mdDoc) items() []mdItem {
	var out []mdItem
	d.walkTop(func(section, group, kind string, n ast.Node) {
		list, ok := n.(*ast.List)
		if !ok {
			return
		}
		for li := list.FirstChild(); li != nil; li = li.NextSibling() {
			it := mdItem{section: section, group: group, kind: kind, text: d.plain(li)}
			_ = ast.Walk(li, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
				if cb, ok := n.(*east.TaskCheckBox); ok && entering {
					it.box, it.checked = true, cb.IsChecked
				}
				return ast.WalkContinue, nil
			})
			out = append(out, it)
		}
	})
	return out
}

// paragraphs lists the top-level paragraphs' text by section.
func (d mdDoc) paragraphs() map[string][]string {
	out := map[string][]string{}
	d.walkTop(func(section, _, _ string, n ast.Node) {
		if p, ok := n.(*ast.Paragraph); ok {
			out[section] = append(out[section], d.plain(p))
		}
	})
	return out
}

// mdTable is a table as goldmark parsed it plus each row's raw line.
type mdTable struct {
	section string
	header  []string
	rows    [][]string
	raw     []string // the source line of each row, header first
}

func (d mdDoc) tables() []mdTable {
	var out []mdTable
	d.walkTop(func(section, _, _ string, n ast.Node) {
		tb, ok := n.(*east.Table)
		if !ok {
			return
		}
		t := mdTable{section: section}
		for r := tb.FirstChild(); r != nil; r = r.NextSibling() {
			var cells []string
			for c := r.FirstChild(); c != nil; c = c.NextSibling() {
				cells = append(cells, d.plain(c))
			}
			if _, head := r.(*east.TableHeader); head {
				t.header = cells
			} else {
				t.rows = append(t.rows, cells)
			}
			line := d.src[r.Pos():]
			if i := strings.IndexByte(string(line), '\n'); i >= 0 {
				line = line[:i]
			}
			t.raw = append(t.raw, string(line))
		}
		out = append(out, t)
	})
	return out
}

// rawCells counts a table row's cells the way cmark-gfm (GitHub) splits
// them: a backslash always escapes the next character, any other pipe
// separates. goldmark pads and truncates rows to the header's width, so
// its cell count alone cannot show a row broken by a stray pipe.
func rawCells(line string) int {
	line = strings.TrimSpace(line)
	line = strings.TrimPrefix(line, "|")
	cells, last := 1, byte(0)
	for i := 0; i < len(line); i++ {
		last = line[i]
		switch line[i] {
		case '\\':
			i++
			last = 0
		case '|':
			cells++
		}
	}
	if last == '|' {
		cells-- // the closing pipe
	}
	return cells
}

// checkTables asserts every row of every table has the header's width, as
// goldmark parses it and as GitHub splits it.
func checkTables(t *testing.T, d mdDoc) {
	t.Helper()
	for _, tb := range d.tables() {
		for i, r := range tb.rows {
			if len(r) != len(tb.header) {
				t.Errorf("%s: row %d has %d cells, header %d", tb.section, i+1, len(r), len(tb.header))
			}
		}
		for i, raw := range tb.raw {
			if n := rawCells(raw); n != len(tb.header) {
				t.Errorf("%s: raw row %d splits into %d cells, header has %d:\n%s", tb.section, i, n, len(tb.header), raw)
			}
		}
	}
}

func TestRawCells(t *testing.T) {
	for line, want := range map[string]int{
		"| a | b |":         2,
		"| a \\| b | c |":   2,
		"| a \\\\| b | c |": 3, // escaped backslash, then a real pipe
		"| a | b":           2,
		"|  |  |":           2,
		"| x \\\\\\| y |":   1,
	} {
		if got := rawCells(line); got != want {
			t.Errorf("rawCells(%q) = %d, want %d", line, got, want)
		}
	}
}
