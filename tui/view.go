package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// View draws the frame around the current page. In accessible mode it
// stays out of the alternate screen and turns the mouse off, so the
// output is a plain scrolling transcript a screen reader can follow.
func (a *app) View() tea.View {
	v := tea.NewView(a.render())
	if a.preview != nil && a.s == nil && a.previewDrawn != nil {
		a.previewDrawn() // the load behind it may start (afterPreview)
	}
	v.AltScreen = !a.opts.Accessible
	if !a.opts.Accessible {
		v.MouseMode = tea.MouseModeCellMotion
	}
	v.WindowTitle = "threatdeck"
	return v
}

// render draws the whole screen as text.
func (a *app) render() string {
	if a.quitting {
		return ""
	}
	if a.preview != nil && a.s == nil {
		return a.preview.render(a)
	}
	if a.tooSmall() {
		msg := "threatdeck needs a terminal of at least " + itoa(minWidth) + "×" + itoa(minHeight) +
			";\nthis one is " + itoa(a.width) + "×" + itoa(a.height) + ".\nEnlarge the window, or press q to quit."
		return a.styles.Warning.Render(wrap(msg, max(10, a.width)))
	}
	bw, bh := a.bodySize()
	var body string
	switch {
	case a.s == nil:
		body = a.home.View(bw, bh)
	case a.poker != nil:
		body = a.poker.View(bw, bh)
	case a.lot != nil:
		body = a.lot.View(bw, bh)
	default:
		if p := a.page(); p != nil {
			body = p.View(bw, bh)
		} else {
			body = a.styles.Muted.Render("This step is not part of this build.")
		}
	}
	body = fit(body, bw, bh)
	pad := strings.Repeat(" ", a.margin())
	lines := make([]string, 0, a.height)
	lines = append(lines, a.header(), a.tabs())
	if a.presenter() {
		lines = append(lines, "")
	}
	lines = append(lines, "")
	for _, l := range strings.Split(body, "\n") {
		lines = append(lines, pad+l)
	}
	if a.presenter() {
		lines = append(lines, "")
	}
	lines = append(lines, a.statusLine())
	lines = append(lines, strings.Split(a.helpView(), "\n")...)
	return strings.Join(lines, "\n")
}

// fit clips s to w×h and pads it to exactly h lines, so the status line
// and help bar stay put whatever a page draws.
func fit(s string, w, h int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		if ansi.StringWidth(l) > w {
			lines[i] = ansi.Truncate(l, w, "")
		}
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

// header is the top line: product, model title, completion and timer.
func (a *app) header() string {
	st := a.styles
	left := " threatdeck"
	var right []string
	if a.s != nil {
		left += st.Glyphs.Separator + safeLine(a.s.m.Overview.Title)
		right = append(right, itoa(a.s.overall())+"% done")
		right = append(right, a.timerView())
	}
	r := strings.Join(right, "  ") + " "
	room := max(10, a.width-lipgloss.Width(r)-1)
	l := truncate(left, room)
	// Who is here takes what the title leaves, at most half the room.
	who := ""
	if pres := a.presenceText(); pres != "" {
		if a.width < 100 && a.s != nil {
			// Narrow: the room matters more than the product's name.
			left = " " + safeLine(a.s.m.Overview.Title)
		}
		keep := max(10, min(lipgloss.Width(left), room/2))
		l = truncate(left, keep)
		if w := room - lipgloss.Width(l) - 2; w >= 8 {
			who = truncate(pres, w)
		}
	}
	gap := max(1, a.width-lipgloss.Width(l)-lipgloss.Width(r)-lipgloss.Width(who)-btoi(who != "")*2)
	out := st.Title.Render(l)
	if who != "" {
		out += st.Header.Render("  ") + st.Presence.Render(who)
	}
	out += st.Header.Render(strings.Repeat(" ", gap))
	if a.s == nil {
		return out + st.Header.Render(r)
	}
	// The timer segment is coloured by its own style.
	parts := strings.Join(right[:len(right)-1], "  ")
	return out + st.Header.Render(parts+"  ") + a.timerStyled() + st.Header.Render(" ")
}

func (a *app) timerView() string {
	total, step := a.timer.elapsed(a.opts.now())
	g := a.styles.Glyphs
	state := g.Paused
	if a.timer.running {
		state = g.Running
	}
	s := state + " " + clock(total) + g.Separator + "step " + clock(step)
	if box := a.timer.box(); box > 0 {
		s += "/" + clock(box)
	}
	return s
}

func (a *app) timerStyled() string {
	st := a.styles
	style := st.Timer
	if !a.timer.running {
		style = st.TimerPaused
	}
	switch a.timer.level(a.opts.now()) {
	case timerAmber:
		style = st.TimerAmber
	case timerRed:
		style = st.TimerRed
	}
	return style.Render(a.timerView())
}

// tabs draws the step tabs with a completion mark each, dropping numbers,
// then shortening labels, until they fit the width.
func (a *app) tabs() string {
	if a.s == nil {
		return a.styles.Muted.Render(" " + safeLine(a.opts.Workbook.Path()))
	}
	parts, fits := a.tabParts()
	out := strings.Join(parts, "")
	if fits {
		return out
	}
	return truncate(out, a.width)
}

// tabParts is each step's tab as drawn, one per step in Steps order, in
// the first layout that fits (fits false: the tightest, to be cut). A
// click on the tabs line finds its step from their widths.
func (a *app) tabParts() (parts []string, fits bool) {
	marks := a.stepMarks()
	// The tabs change with the width, the step and the marks only, so
	// they are drawn once for each and kept (restyle drops them).
	sig := itoa(a.width) + "/" + itoa(int(a.step)) + "/" + strings.Join(marks, "\x00")
	if a.tabsCache.parts == nil || a.tabsCache.sig != sig {
		parts, fits := a.renderTabs(marks)
		a.tabsCache = drawnTabs{sig: sig, parts: parts, fits: fits}
	}
	return a.tabsCache.parts, a.tabsCache.fits
}

// drawnTabs is the step tabs as last drawn, for the signature sig.
type drawnTabs struct {
	sig   string
	parts []string
	fits  bool
}

// renderTabs draws the step tabs in the widest form that fits.
func (a *app) renderTabs(marks []string) (parts []string, fits bool) {
	type mode struct{ short, numbers, tight, collapse bool }
	modes := []mode{{numbers: true}, {short: true, numbers: true}, {short: true, tight: true}, {short: true, collapse: true, numbers: true}}
	for _, md := range modes {
		parts = parts[:0]
		for i, s := range Steps {
			label := s.String()
			if md.short {
				label = s.Short()
			}
			if md.collapse && s != a.step {
				label = ""
			}
			text := label + " " + marks[i]
			if md.tight {
				text = label + marks[i]
			}
			if md.numbers {
				text = strings.TrimSpace(itoa(i+1)+" "+label) + " " + marks[i]
			}
			style := a.styles.Tab
			if s == a.step {
				style = a.styles.TabActive
			} else if md.tight {
				style = style.UnsetPadding()
				text = " " + text
			}
			parts = append(parts, style.Render(text))
		}
		if lipgloss.Width(strings.Join(parts, "")) <= a.width {
			return parts, true
		}
	}
	return parts, false
}

// stepMarks is each step's completion mark: done, started, or not yet.
func (a *app) stepMarks() []string {
	g := a.styles.Glyphs
	progress := a.s.completion()
	out := make([]string, len(Steps))
	for i, s := range Steps {
		p := a.s.progressOf(s, progress)
		switch {
		case p.Complete():
			out[i] = g.Done
		case p.Done > 0:
			out[i] = g.Partial
		default:
			out[i] = g.Todo
		}
	}
	return out
}

// statusLine shows the last save or error, or the parking prompt; the
// right side counts open parking-lot items.
func (a *app) statusLine() string {
	st := a.styles
	if a.park != nil {
		return a.park.View(a.width)
	}
	if a.conflict != nil {
		return st.Warning.Render(truncate(" "+a.conflict.prompt(a.keys.Conflict), a.width))
	}
	if a.quitAsk != nil {
		return " " + a.quitAsk.View(a.width-1)
	}
	right := ""
	if a.s != nil {
		if n := openParking(a.s.m); n > 0 {
			right = itoa(n) + " parked "
		}
	}
	msg := " " + safeLine(a.status)
	style := st.Status
	if !a.statusOK {
		style = st.Error
	}
	msg = truncate(msg, max(1, a.width-lipgloss.Width(right)-1))
	gap := max(1, a.width-lipgloss.Width(msg)-lipgloss.Width(right))
	return style.Render(msg) + strings.Repeat(" ", gap) + st.Muted.Render(right)
}

// helpBindings is what the help bar shows: the focused thing's keys, then
// the global ones.
func (a *app) helpBindings() ([]key.Binding, [][]key.Binding) {
	var short []key.Binding
	var full [][]key.Binding
	switch {
	case a.s == nil:
		short, full = a.home.ShortHelp(), a.home.FullHelp()
	case a.park != nil:
		short = []key.Binding{a.keys.Form.Submit, a.keys.Form.Cancel}
		full = [][]key.Binding{{a.keys.Form.Submit, a.keys.Form.Save, a.keys.Form.Cancel}}
	case a.poker != nil:
		short = a.poker.help()
		full = [][]key.Binding{short}
	case a.lot != nil:
		short, full = a.lot.ShortHelp(), a.lot.FullHelp()
	default:
		if p := a.page(); p != nil {
			short, full = p.ShortHelp(), p.FullHelp()
		}
	}
	if a.quitAsk != nil {
		return a.quitAsk.help(), [][]key.Binding{a.quitAsk.help()}
	}
	if a.conflict != nil {
		c := []key.Binding{a.keys.Conflict.Keep, a.keys.Conflict.Take}
		short = append(c, short...)
		full = append([][]key.Binding{c}, full...)
	}
	if a.capturing() {
		return short, full
	}
	g := a.keys.Global
	if a.s == nil || a.lot != nil {
		short = append(short, g.Help, g.Quit)
		full = append(full, []key.Binding{g.Presenter, g.Help, g.Quit, g.ForceQuit})
		return short, full
	}
	short = append(short, a.keys.GlobalHelp()...)
	full = append(full, a.keys.GlobalFullHelp()...)
	return short, full
}

func (a *app) fullHelpLines() int {
	return lipgloss.Height(a.helpView())
}

// fullHelp renders the help columns, moving columns that do not fit the
// width onto further rows so no key is cut off at 80 columns.
func (a *app) fullHelp() string {
	_, full := a.helpBindings()
	width := a.width - 2
	var blocks []string
	var row [][]key.Binding
	for _, col := range full {
		if len(row) > 0 && lipgloss.Width(a.help.FullHelpView(append(row, col))) > width {
			blocks = append(blocks, a.help.FullHelpView(row))
			row = nil
		}
		row = append(row, col)
	}
	if len(row) > 0 {
		blocks = append(blocks, a.help.FullHelpView(row))
	}
	return strings.Join(blocks, "\n")
}

// helpView is the help bar (or, with ?, the full help), rendered once
// per width, mode and set of keys shown, and kept: fitting the bar renders
// it again and again, and every frame of every live session drew it.
func (a *app) helpView() string {
	short, full := a.helpBindings()
	if a.presenter() && !a.showHelp {
		short = []key.Binding{a.keys.Global.Help, a.keys.Global.Presenter}
	}
	cols := [][]key.Binding{short}
	if a.showHelp {
		cols = full
	}
	sig := helpSignature(a.width, a.showHelp, cols)
	c := &a.helpCache[btoi(a.showHelp)]
	if c.out == "" || c.sig != sig {
		*c = drawnText{sig: sig, out: a.renderHelp(short)}
	}
	return c.out
}

// helpCache is the last help bar and the last full help drawn, with what
// each was drawn for (? toggles between them); restyle drops both.
type helpCache [2]drawnText

// drawnText is a drawn part of the frame and the signature of what it
// was drawn from.
type drawnText struct{ sig, out string }

// helpSignature says what a help bar shows: the width, the mode and, by
// column, each binding's keys, label and whether it is enabled (help
// hides disabled ones).
func helpSignature(width int, full bool, cols [][]key.Binding) string {
	var b strings.Builder
	b.WriteString(itoa(width))
	if full {
		b.WriteString("full")
	}
	for _, col := range cols {
		b.WriteByte(2)
		for _, k := range col {
			h := k.Help()
			b.WriteByte(0)
			if k.Enabled() {
				b.WriteByte(1)
			}
			b.WriteString(h.Key)
			b.WriteByte(0)
			b.WriteString(h.Desc)
		}
	}
	return b.String()
}

// renderHelp draws the help bar with the short bindings, or the full help.
func (a *app) renderHelp(short []key.Binding) string {
	a.help.SetWidth(0) // fullHelp and shortHelp fit the width themselves
	if a.showHelp {
		lines := strings.Split(a.fullHelp(), "\n")
		for i := range lines {
			lines[i] = " " + lines[i]
		}
		return strings.Join(lines, "\n")
	}
	return " " + a.shortHelp(short, a.width-2)
}

// shortHelp renders as many bindings as fit in width, then an ellipsis,
// so the help bar never wraps or runs off the screen.
func (a *app) shortHelp(bs []key.Binding, width int) string {
	out := a.help.ShortHelpView(bs)
	if lipgloss.Width(out) <= width || len(bs) < 2 {
		return truncate(out, width)
	}
	// The most bindings that fit with the ellipsis (at least one): the
	// bar only widens with each binding, so a binary search finds them
	// in a few renders instead of one per binding dropped.
	ell := a.styles.Help.Ellipsis.Render(" " + a.help.Ellipsis)
	cut := func(n int) string { return a.help.ShortHelpView(bs[:n]) + ell }
	lo, hi := 1, len(bs)-1 // the answer is in [lo, hi]
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if lipgloss.Width(cut(mid)) <= width {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return truncate(cut(lo), width)
}
