package tui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// doc is a screen body built line by line, remembering which lines belong
// to the row under the cursor so the body can scroll to keep it in view.
// The screens whose rows are not a plain table (STRIDE, the threat detail,
// Review) draw through it.
type doc struct {
	width int
	lines []string
	// focusTop and focusEnd bound the focused row's lines (end exclusive);
	// -1 when nothing is focused.
	focusTop, focusEnd int
}

func newDoc(width int) *doc { return &doc{width: max(1, width), focusTop: -1, focusEnd: -1} }

// add appends lines (a string may hold several), each cut to the width
// with "…" where it is cut.
func (d *doc) add(s string) {
	for _, l := range strings.Split(s, "\n") {
		d.lines = append(d.lines, truncate(l, d.width))
	}
}

// wrapped appends s word-wrapped to the width, each line prefixed by indent.
func (d *doc) wrapped(s, indent string) {
	w := max(4, d.width-ansi.StringWidth(indent))
	for _, l := range strings.Split(ansi.Wrap(s, w, " -"), "\n") {
		d.add(indent + l)
	}
}

// hanging appends s word-wrapped after a marker ("• "), continuation
// lines indented to line up with the text.
func (d *doc) hanging(s, marker string) {
	mw := ansi.StringWidth(marker)
	w := max(4, d.width-mw)
	for i, l := range strings.Split(ansi.Wrap(s, w, " -"), "\n") {
		if i == 0 {
			d.add(marker + l)
		} else {
			d.add(strings.Repeat(" ", mw) + l)
		}
	}
}

// blank appends an empty line (never two in a row, never first).
func (d *doc) blank() {
	if n := len(d.lines); n > 0 && d.lines[n-1] != "" {
		d.lines = append(d.lines, "")
	}
}

// focus marks the lines added by f as the focused row.
func (d *doc) focus(f func()) {
	d.focusTop = len(d.lines)
	f()
	d.focusEnd = len(d.lines)
}

// render returns at most height lines, scrolled from *offset as little as
// needed to show the focused row (and its first line when it is taller
// than the window).
func (d *doc) render(height int, offset *int) string {
	height = max(1, height)
	off := *offset
	if d.focusTop >= 0 {
		if d.focusEnd > off+height {
			off = d.focusEnd - height
		}
		if d.focusTop < off {
			off = d.focusTop
		}
	}
	off = max(0, min(off, len(d.lines)-height))
	*offset = off
	end := min(len(d.lines), off+height)
	return strings.Join(d.lines[off:end], "\n")
}

// sideBySide joins two blocks into columns of the given widths, separated
// by a gap, cutting each to height lines.
func sideBySide(left, right string, leftWidth, gap, height int) string {
	l := strings.Split(left, "\n")
	r := strings.Split(right, "\n")
	n := min(height, max(len(l), len(r)))
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte('\n')
		}
		ls := ""
		if i < len(l) {
			ls = truncate(l[i], leftWidth)
		}
		b.WriteString(padRight(ls, leftWidth+gap))
		if i < len(r) {
			b.WriteString(r[i])
		}
	}
	return b.String()
}

// clampLines cuts s to at most height lines.
func clampLines(s string, height int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > height {
		lines = lines[:max(0, height)]
	}
	return strings.Join(lines, "\n")
}

// paneDivider is the bar between a list and the detail pane beside it,
// h lines high and three columns wide.
func paneDivider(s *session, h int) string {
	bar := "│"
	if s.accessible || s.styles.Theme.NoColor {
		bar = "|"
	}
	return s.styles.Muted.Render(strings.TrimSuffix(strings.Repeat(" "+bar+" \n", h), "\n"))
}
