package tui

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/threatdeck/threatdeck/model"
)

// reviewPage is the last step: completion per step, what is still
// missing (enter jumps to where it is fixed) or the risk map (m), the
// report's written sections (w), a rendered preview of the Markdown report
// and its export to a file.
type reviewPage struct {
	s    *session
	k    ScreenKeys
	gaps []model.Gap
	list *list
	// gapsSeq numbers the missing lists asked of commands (gapsShown: the
	// one shown); a result for an older one is dropped.
	gapsSeq, gapsShown int
	// snap is a snapshot of the model at session revision snapRev, for
	// the page's commands; they only read it, so they share it.
	snap    *model.Model
	snapRev uint64

	// The preview: md is the report's Markdown as rendered at session
	// revision mdRev (nil: not yet), renderedFor what the preview shows
	// and renderWidth its wrap width, so it is drawn again only when
	// either changes. The Markdown is rendered in a command, from a
	// snapshot of the model.
	md          []byte
	mdRev       uint64
	shownRev    uint64 // the revision the preview (or its error) is of
	doc         *mdDoc // the report prepared for the preview, drawn as it scrolls
	off         int    // the preview's first line on screen
	viewH       int    // and how many lines it shows
	renderedFor []byte
	renderWidth int
	rendering   int // sequence of the render in flight (0: none)
	renderSeq   int
	renderErr   error
	// previewOnly gives the whole body to the preview (v).
	previewOnly bool

	// riskMap replaces the missing list while mapOn (m).
	riskMap riskMapView
	mapOn   bool
	// sections is the report-sections form (w), apart from the export form.
	sections *form

	// Export.
	form       *form
	confirm    *confirm
	exportPath string
	exportData []byte
}

// Messages of the review page's commands.
type (
	// gapsMsg brings the missing list and the risk map worked out in a
	// command.
	gapsMsg struct {
		seq  int
		gaps []model.Gap
		rows []listItem
		rm   model.RiskMap
	}
	previewMsg struct {
		seq   int
		width int
		rev   uint64 // the session revision md was rendered at
		md    []byte
		doc   *mdDoc
		err   error
	}
	// previewAheadMsg brings the preview's pieces laid out behind the
	// first screen.
	previewAheadMsg struct {
		ahead ahead
		err   error
	}
	exportStatMsg struct {
		path   string
		exists bool
		// data is the report, rendered in the command.
		data []byte
		err  error
	}
	exportDoneMsg struct {
		path string
		size int
		err  error
	}
)

func newReviewPage(s *session) page {
	p := &reviewPage{s: s, k: DefaultScreenKeys()}
	p.list = newList(s, []column{{Title: "Step", Width: 14}, {Title: "Still missing", Min: 10}}, "Nothing is missing: the model is complete.")
	// At once while the page is built, so that resume can select a gap.
	p.setGaps(findGaps(0, s.m))
	return p
}

// snapshot is a snapshot of the model as it is now, taken once per
// revision (copying 10,000 threats takes a couple of milliseconds).
func (p *reviewPage) snapshot() *model.Model {
	if p.snap == nil || p.snapRev != p.s.rev {
		p.snap, p.snapRev = p.s.m.Snapshot(), p.s.rev
	}
	return p.snap
}

// refresh works out the missing list and the risk map again. model.Missing
// reads every threat (milliseconds at 10,000), so it runs in a command, on
// a snapshot of the model; the result arrives as a gapsMsg.
func (p *reviewPage) refresh() tea.Cmd {
	p.gapsSeq++
	seq, snap := p.gapsSeq, p.snapshot()
	return func() tea.Msg { return findGaps(seq, snap) }
}

// findGaps is the missing list of m, with its rows, and m's risk map.
func findGaps(seq int, m *model.Model) gapsMsg {
	gaps := m.Missing()
	rows := make([]listItem, len(gaps))
	for i, g := range gaps {
		rows[i] = newListItem(g.Key(), sectionShort(g.Section), safeLine(g.Message))
	}
	return gapsMsg{seq: seq, gaps: gaps, rows: rows, rm: m.RiskMap()}
}

// setGaps shows a missing list worked out by findGaps.
func (p *reviewPage) setGaps(msg gapsMsg) {
	p.gaps, p.gapsShown = msg.gaps, msg.seq
	p.list.setItems(msg.rows)
	p.riskMap.refresh(msg.rm)
}

// sectionShort is the short name of where a section is worked on.
func sectionShort(sec model.Section) string {
	if sec == model.SecReport {
		return "Report"
	}
	return StepFor(sec).Short()
}

func (p *reviewPage) Capturing() bool {
	return p.form != nil || p.sections != nil || p.confirm != nil || p.list.Capturing()
}

// Selected is the key of the gap under the cursor (model.Gap.Key), so a
// session resumes on the gap it stopped at.
func (p *reviewPage) Selected() string { return p.list.Selected() }

// Select puts the cursor on the gap with key k, if it is still missing.
func (p *reviewPage) Select(k string) { p.list.Select(k) }

// selectedGap is the gap under the cursor.
func (p *reviewPage) selectedGap() (model.Gap, bool) {
	k := p.list.Selected()
	for _, g := range p.gaps {
		if g.Key() == k {
			return g, true
		}
	}
	return model.Gap{}, false
}

func (p *reviewPage) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case shownMsg, modelChangedMsg:
		return tea.Batch(p.refresh(), p.ensurePreview())
	case savedMsg:
		settle(p.s, &p.sections, msg)
		return tea.Batch(p.refresh(), p.ensurePreview())
	case saveFailedMsg:
		gaps := p.refresh()
		if p.sections != nil {
			return tea.Batch(gaps, settle(p.s, &p.sections, msg))
		}
		return tea.Batch(gaps, p.s.fail(msg.Err))
	case gapsMsg:
		if msg.seq == p.gapsSeq {
			p.setGaps(msg)
		}
		return nil
	case tea.WindowSizeMsg:
		return p.ensurePreview()
	case previewMsg:
		if msg.seq != p.rendering {
			return nil // an older render; a newer one is on its way
		}
		p.rendering = 0
		p.renderErr = msg.err
		if msg.err == nil {
			p.md, p.mdRev = msg.md, msg.rev
		}
		p.shownRev = msg.rev
		p.doc, p.renderedFor, p.renderWidth = msg.doc, msg.md, msg.width
		// A newer model may have arrived while this one rendered.
		if cmd := p.ensurePreview(); cmd != nil || p.doc == nil {
			return cmd
		}
		return p.layAhead()
	case previewAheadMsg:
		switch {
		case msg.err != nil:
			p.renderErr = msg.err
		case p.doc != nil:
			p.doc.adopt(msg.ahead)
		}
		return nil
	case exportStatMsg:
		return p.afterStat(msg)
	case exportDoneMsg:
		if msg.err != nil {
			p.openExport(msg.path)
			err := msg.err
			if !strings.Contains(err.Error(), msg.path) {
				err = fmt.Errorf("could not write %s: %w", msg.path, err)
			}
			p.form.setError(err) // the writer's own error names the file
			return p.s.fail(fmt.Errorf("export failed: %w", msg.err))
		}
		return p.s.status(fmt.Sprintf("Exported the report to %s (%s)", msg.path, byteSize(msg.size)))
	}
	if p.confirm != nil {
		_, yes, done := answer(&p.confirm, msg)
		if !done {
			return nil
		}
		if !yes {
			// Back to the path, so the user can pick another name.
			p.openExport(p.exportPath)
			return nil
		}
		return p.write(p.exportPath, p.exportData)
	}
	if p.form != nil {
		return runForm(&p.form, msg, p.submitExport)
	}
	if p.sections != nil {
		return runForm(&p.sections, msg, p.submitSections)
	}
	if p.previewOnly {
		return p.updatePreview(msg)
	}
	if p.mapOn {
		if km, ok := msg.(tea.KeyPressMsg); ok {
			switch {
			case p.riskMap.update(km, p.s.keys.List, p.k):
				return nil
			case key.Matches(km, p.k.RiskMap), key.Matches(km, p.s.keys.List.Back):
				p.mapOn = false
				return nil
			case key.Matches(km, p.s.keys.List.Open):
				// To the Threats step, on the cell's first threat.
				if id := p.riskMap.first(p.s.m); id != "" {
					return p.s.jump(StepThreats, id)
				}
				return nil
			}
		}
	}
	if w, ok := msg.(tea.MouseWheelMsg); ok && p.wide() {
		p.wheel(w)
		return nil
	}
	// pgup/pgdn scroll the preview beside the list, as the help says; the
	// list would page itself otherwise.
	if km, ok := msg.(tea.KeyPressMsg); ok && p.wide() && !p.list.Capturing() {
		switch l := p.s.keys.List; {
		case key.Matches(km, l.PageDown):
			p.scrollTo(p.off + p.viewH)
			return nil
		case key.Matches(km, l.PageUp):
			p.scrollTo(p.off - p.viewH)
			return nil
		}
	}
	if p.list.Update(msg) {
		return nil
	}
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	l, k := p.s.keys.List, p.k
	switch {
	case key.Matches(km, l.Open) && !p.mapOn:
		g, ok := p.selectedGap()
		if !ok {
			return nil
		}
		if g.Section == model.SecReport {
			p.openSections(g.ID)
			return nil
		}
		return p.s.jump(StepFor(g.Section), g.ID)
	case key.Matches(km, k.RiskMap):
		p.mapOn = true
	case key.Matches(km, k.Sections):
		p.openSections("")
	case key.Matches(km, k.Preview):
		p.previewOnly = true
		return p.ensurePreview()
	case key.Matches(km, k.Export):
		p.openExport(p.defaultPath())
	}
	return nil
}

func (p *reviewPage) updatePreview(msg tea.Msg) tea.Cmd {
	if w, ok := msg.(tea.MouseWheelMsg); ok {
		p.wheel(w)
		return nil
	}
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	l, k := p.s.keys.List, p.k
	switch {
	case key.Matches(km, l.Back), key.Matches(km, k.Preview):
		p.previewOnly = false
		return p.ensurePreview() // the side pane is narrower than the full screen
	case key.Matches(km, k.ScrollUp):
		p.scrollTo(p.off - 1)
	case key.Matches(km, k.ScrollDown):
		p.scrollTo(p.off + 1)
	case key.Matches(km, l.PageUp):
		p.scrollTo(p.off - p.viewH)
	case key.Matches(km, l.PageDown), key.Matches(km, k.PreviewPage):
		p.scrollTo(p.off + p.viewH)
	case key.Matches(km, l.Home):
		p.scrollTo(0)
	case key.Matches(km, l.End):
		if p.doc != nil {
			p.scrollTo(p.doc.Len())
		}
	case key.Matches(km, k.Export):
		p.previewOnly = false
		p.openExport(p.defaultPath())
	}
	return nil
}

// wide reports whether the preview is drawn beside the missing list.
func (p *reviewPage) wide() bool { return p.s.width >= 110 && !p.s.accessible }

// previewWidth is the wrap width of the preview for the current layout.
func (p *reviewPage) previewWidth() int {
	w := p.s.width
	if p.wide() && !p.previewOnly {
		w = w - w*9/20 - 2
	}
	return max(20, w-2)
}

// mdFresh reports whether md is the report of the model as it is now.
func (p *reviewPage) mdFresh() bool { return p.md != nil && p.mdRev == p.s.rev }

// markdown returns a function that gives the report's Markdown, to be
// called in a command: md while the model has not changed since it was
// rendered, otherwise a render of a snapshot of the model taken now
// (rendering 10,000 threats takes tens of milliseconds; the snapshot only
// copies the lists). The command never reads the model itself, which the
// next edit may change under it.
func (p *reviewPage) markdown() func() []byte {
	render := p.s.opts.Render
	switch {
	case render == nil:
		return func() []byte { return []byte{} }
	case p.mdFresh():
		md := p.md
		return func() []byte { return md }
	}
	snap := p.snapshot()
	return func() []byte { return render(snap) }
}

// ensurePreview starts a render when the preview is on screen and the
// report or the width changed since the last one. The result comes back
// as a previewMsg; one from an older render than the latest is dropped,
// and a render in flight is followed by another if the model changed
// meanwhile.
func (p *reviewPage) ensurePreview() tea.Cmd {
	if !p.previewOnly && !p.wide() {
		return nil
	}
	w := p.previewWidth()
	if p.rendering != 0 || (p.renderedFor != nil && p.shownRev == p.s.rev && w == p.renderWidth) {
		return nil
	}
	p.renderSeq++
	seq, rev := p.renderSeq, p.s.rev
	p.rendering = seq
	markdown := p.markdown()
	// The preview on screen, kept if the report and width did not change.
	shown, shownMD, shownW := p.doc, p.renderedFor, p.renderWidth
	style := newMDStyles(p.s.styles, p.s.styles.Theme.NoColor || p.s.accessible)
	upto := p.off + p.s.height // what is on screen after the render
	return func() (msg tea.Msg) {
		md := []byte{}
		// A renderer bug on some report must cost the preview, not the
		// session and its unsaved form.
		defer func() {
			if r := recover(); r != nil {
				msg = previewMsg{seq: seq, width: w, rev: rev, md: md, err: fmt.Errorf("the report could not be drawn (%v)", r)}
			}
		}()
		md = markdown()
		if shown != nil && shownW == w && bytes.Equal(md, shownMD) {
			return previewMsg{seq: seq, width: w, rev: rev, md: shownMD, doc: shown}
		}
		return previewMsg{seq: seq, width: w, rev: rev, md: md, doc: drawPreview(md, w, style, upto)}
	}
}

// layAhead lays the rest of the preview out behind its first screen, so
// later scrolling only draws.
func (p *reviewPage) layAhead() tea.Cmd {
	if p.doc.Known() {
		return nil
	}
	a, w, st := p.doc.unlaid(), p.doc.width, p.doc.st
	return func() (msg tea.Msg) {
		defer func() {
			if r := recover(); r != nil {
				msg = previewAheadMsg{err: fmt.Errorf("the report could not be drawn (%v)", r)}
			}
		}()
		return previewAheadMsg{ahead: layAhead(a, w, st)}
	}
}

// drawPreview prepares the report for the preview and lays out its first
// screen of h lines; a variable so a test can make it fail.
var drawPreview = func(md []byte, width int, st mdStyles, h int) *mdDoc {
	d := newMDDoc(md, width, st)
	d.Lines(0, h)
	return d
}

// scrollTo puts line top of the preview at the top of its pane, within
// the report, as the viewport it replaced did.
func (p *reviewPage) scrollTo(top int) {
	p.guard(func() {
		p.doc.reach(top + p.viewH)
		p.off = max(0, min(top, p.doc.total-p.viewH))
	})
}

// guard runs f on the preview's document, if there is one, and turns a
// renderer failure into the preview's error instead of ending the session.
func (p *reviewPage) guard(f func()) {
	if p.doc == nil || p.renderErr != nil {
		return
	}
	defer func() {
		if r := recover(); r != nil {
			p.renderErr = fmt.Errorf("the report could not be drawn (%v)", r)
		}
	}()
	f()
}

// wheel scrolls the preview by the mouse wheel's three lines.
func (p *reviewPage) wheel(w tea.MouseWheelMsg) {
	switch w.Button {
	case tea.MouseWheelUp:
		p.scrollTo(p.off - 3)
	case tea.MouseWheelDown:
		p.scrollTo(p.off + 3)
	}
}

// scrollPercent is how far down the preview is, as the viewport counted
// it; until the whole report is laid out, of its estimated length.
func (p *reviewPage) scrollPercent() int {
	total := p.doc.Estimate()
	if p.viewH >= total {
		return 100
	}
	return int(max(0, min(1, float64(p.off)/float64(total-p.viewH))) * 100)
}

// defaultPath is "./<model-slug>-threat-model.md".
func (p *reviewPage) defaultPath() string {
	if p.exportPath != "" {
		return p.exportPath
	}
	slug := slugify(p.s.m.Overview.Title)
	if slug == "" || slug == "threat-model" {
		return "./threat-model.md"
	}
	return "./" + slug + "-threat-model.md"
}

// slugify lowercases a title and keeps letters and digits, joining the
// words with single dashes.
func slugify(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(model.CleanLine(s)) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		default:
			dash = true
		}
		if b.Len() >= 60 {
			break
		}
	}
	return b.String()
}

func (p *reviewPage) openExport(path string) {
	p.form = newForm(p.s, "Export the report (Markdown)",
		textField("path", "File").required().value(path).withHint("Relative paths are from the directory threatdeck was started in; ~/ is your home"))
}

func (p *reviewPage) submitExport() tea.Cmd {
	path := strings.TrimSpace(p.form.value("path"))
	if path == "" {
		p.form.setError(model.ValidationError{{Field: "path", Message: "is required"}})
		return nil
	}
	if p.s.opts.WriteFile == nil || p.s.opts.Render == nil {
		p.form.setError(errors.New("export is not available in this session"))
		return nil
	}
	if rest, ok := strings.CutPrefix(path, "~/"); ok {
		if home, err := os.UserHomeDir(); err == nil {
			path = filepath.Join(home, rest)
		}
	}
	p.exportPath = path
	p.exportData = nil
	markdown := p.markdown()
	return func() tea.Msg {
		info, err := os.Stat(path)
		switch {
		case err == nil && info.IsDir():
			return exportStatMsg{path: path, err: errors.New("is a directory")}
		case err == nil:
			return exportStatMsg{path: path, exists: true, data: markdown()}
		case errors.Is(err, fs.ErrNotExist):
			return exportStatMsg{path: path, data: markdown()}
		}
		return exportStatMsg{path: path, err: err}
	}
}

func (p *reviewPage) afterStat(msg exportStatMsg) tea.Cmd {
	if msg.path != p.exportPath {
		return nil
	}
	if msg.err != nil {
		if p.form == nil {
			p.openExport(msg.path)
		}
		p.form.setError(fmt.Errorf("%s: %w", msg.path, msg.err))
		return nil
	}
	p.form = nil
	p.exportData = msg.data
	if msg.exists {
		// The base name keeps the question on one line; the full path is
		// what the user just typed.
		p.confirm = newConfirm(p.s, filepath.Base(msg.path)+" exists. Overwrite it?", msg.path)
		return nil
	}
	return p.write(msg.path, p.exportData)
}

func (p *reviewPage) write(path string, data []byte) tea.Cmd {
	w := p.s.opts.WriteFile
	return func() tea.Msg {
		return exportDoneMsg{path: path, size: len(data), err: w(path, data)}
	}
}

func byteSize(n int) string {
	if n < 1024 {
		return fmt.Sprintf("%d bytes", n)
	}
	return fmt.Sprintf("%.1f KiB", float64(n)/1024)
}

func (p *reviewPage) View(width, height int) string {
	if p.form != nil {
		return p.form.View(width, height)
	}
	if p.sections != nil {
		return p.sections.View(width, height)
	}
	h := height
	if p.confirm != nil {
		h--
	}
	var body string
	switch {
	case p.previewOnly:
		body = p.viewPreview(width, h)
	case p.wide():
		leftW := width * 9 / 20
		body = sideBySide(p.viewSummary(leftW, h), p.viewPreview(width-leftW-2, h), leftW, 2, h)
	default:
		body = p.viewSummary(width, h)
	}
	if p.confirm != nil {
		body = clampLines(body, h) + "\n" + p.confirm.View(width)
	}
	return body
}

// viewSummary draws the completion per step, the missing list and the
// export line.
func (p *reviewPage) viewSummary(width, height int) string {
	st := p.s.styles
	g := st.Glyphs
	var b strings.Builder
	overall := p.s.m.Overall()
	b.WriteString(st.Heading.Render("Completion") + " " + st.Bold.Render(itoa(overall)+"%"))
	cells := []string{}
	for _, pr := range p.s.m.Completion() {
		mark, style := g.Todo, st.Muted
		switch {
		case pr.Complete():
			mark, style = g.Done, st.ProgressDone
		case pr.Done > 0:
			mark, style = g.Partial, st.Progress
		}
		cells = append(cells, style.Render(mark)+" "+padRight(sectionShort(pr.Section), 10)+fmt.Sprintf("%4d%%", pr.Percent()))
	}
	cellW := 19
	perRow := max(1, (width+2)/(cellW+2))
	for i := 0; i < len(cells); i += perRow {
		row := []string{}
		for j := i; j < min(len(cells), i+perRow); j++ {
			row = append(row, padRight(cells[j], cellW))
		}
		b.WriteString("\n" + truncate(strings.Join(row, "  "), width))
	}
	head := b.String()
	foot := st.Muted.Render("x ") + "export to " + truncate(safeLine(p.defaultPath()), max(10, width-22)) + st.Muted.Render("  v preview")
	listH := height - lipgloss.Height(head) - 3
	if listH < 3 {
		return clampLines(head+"\n"+foot, height)
	}
	if p.mapOn {
		title := st.Section.Render("Risk map") + st.Muted.Render("  open threats · ↑↓←→ pick a cell · enter open · m back")
		return head + "\n\n" + truncate(title, width) + "\n" + padLines(p.riskMap.view(p.s, width, listH-1), listH-1) + "\n" + truncate(foot, width)
	}
	title := st.Section.Render(fmt.Sprintf("Still missing (%d)", len(p.gaps)))
	if len(p.gaps) > 0 {
		title += st.Muted.Render("  enter: go there")
	}
	lst := p.list.Render(width, listH-1)
	return head + "\n\n" + title + "\n" + padLines(lst, listH-1) + "\n" + truncate(foot, width)
}

// padLines pads s with empty lines to n lines, so what follows stays put.
func padLines(s string, n int) string {
	if k := n - lipgloss.Height(s); k > 0 {
		return s + strings.Repeat("\n", k)
	}
	return s
}

func (p *reviewPage) viewPreview(width, height int) string {
	st := p.s.styles
	if p.s.opts.Render == nil {
		return st.Muted.Render("No report renderer in this session.")
	}
	if p.renderErr != nil {
		return st.Error.Render(wrap("Preview failed: "+p.renderErr.Error(), width))
	}
	if p.renderedFor == nil {
		return st.Muted.Render("Rendering the report…")
	}
	if p.doc == nil {
		return st.Muted.Render("Rendering the report…")
	}
	p.viewH = max(1, height-1)
	status := st.Muted.Render(fmt.Sprintf("Report preview %d%%", p.scrollPercent()))
	if p.rendering != 0 {
		status += st.Muted.Render(" (updating)")
	}
	// Clipped to the pane: a render for an older width must never spill
	// into the next column or off the screen.
	var pane string
	p.guard(func() { pane = p.doc.Pane(p.off, p.viewH, width) })
	if p.renderErr != nil {
		return st.Error.Render(wrap("Preview failed: "+p.renderErr.Error(), width))
	}
	return status + "\n" + pane
}

func (p *reviewPage) ShortHelp() []key.Binding {
	l, k := p.s.keys.List, p.k
	switch {
	case p.confirm != nil:
		return p.confirm.help()
	case p.form != nil:
		return p.form.help()
	case p.sections != nil:
		return p.sections.help()
	case p.mapOn:
		return []key.Binding{rebind(l.Up, "likelier"), rebind(l.Down, "less likely"), k.CellLeft, k.CellRight, rebind(l.Open, "open threat"), rebind(k.RiskMap, "missing list"), k.Sections, k.Export}
	case p.list.Capturing():
		return p.list.help()
	case p.previewOnly:
		return []key.Binding{k.ScrollUp, k.ScrollDown, l.PageUp, l.PageDown, k.Export, pair("back", l.Back, k.Preview)}
	}
	out := []key.Binding{l.Up, l.Down, rebind(l.Open, "go to gap"), k.Preview, k.Export, k.RiskMap, k.Sections}
	if p.wide() {
		out = append(out, pair("scroll preview", l.PageUp, l.PageDown))
	}
	return out
}

func (p *reviewPage) FullHelp() [][]key.Binding {
	l, k := p.s.keys.List, p.k
	if h, ok := focusFullHelp(p.confirm, p.form, nil); ok {
		return h
	}
	switch {
	case p.sections != nil:
		return p.sections.fullHelp()
	case p.mapOn:
		return [][]key.Binding{p.ShortHelp(), {rebind(l.Back, "missing list"), k.Preview}}
	case p.list.Capturing():
		return p.list.fullHelp()
	case p.previewOnly:
		return [][]key.Binding{p.ShortHelp(), {k.PreviewPage, rebind(l.Home, "top"), rebind(l.End, "bottom")}}
	}
	more := []key.Binding{l.Home, l.End, l.Filter, p.list.clearKey()}
	if !p.wide() {
		more = append(more, l.PageUp, l.PageDown)
	}
	return [][]key.Binding{p.ShortHelp(), more}
}
