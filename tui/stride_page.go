package tui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/threatdeck/threatdeck/model"
)

// stridePage is the STRIDE step, the heart of a session: one category at a
// time, what it protects and the questions that prompt the team, the
// library's suggested threats for this model (accept or dismiss each), the
// threats the model already has in the category, and the category's
// review: reviewed or not, with the team's conclusion.
type stridePage struct {
	s *session
	k ScreenKeys

	cat int // index into model.StrideCategories
	// all caches model.Suggest for every category; stale after any change.
	all   []model.Suggestion
	stale bool

	// cursor runs over the category's suggestions, then its threats.
	cursor, offset int
	// allQuestions shows every prompting question in the narrow layout.
	allQuestions bool
	// width is the body width last drawn at (the layout depends on it).
	width int
	// allSuggestions shows every suggestion of the category, not only the
	// model.DefaultShown most relevant.
	allSuggestions bool
	// suggTotal is how many suggestions the category has in all.
	suggTotal int

	form *form
	// formThreat is the threat the form edits (a just-accepted one, or
	// one picked from the list); "" with formReview for the review form.
	formThreat string
	formReview bool
	confirm    *confirm
	// dismissing is the suggestion the reason form is about ("" for none).
	dismissing, dismissTitle string
	// dismissed lists the dismissed suggestions while open (X).
	dismissed *list
}

func newStridePage(s *session) page {
	return &stridePage{s: s, k: DefaultScreenKeys(), stale: true}
}

func (p *stridePage) category() model.Stride { return model.StrideCategories[p.cat] }

// suggestions are the current category's suggestions, most relevant first.
func (p *stridePage) suggestions() []model.Suggestion {
	if p.stale {
		p.all = model.Suggest(p.s.m, p.s.library()...)
		p.stale = false
	}
	c := p.category()
	var out []model.Suggestion
	for _, s := range p.all {
		if s.Threat.Category == c {
			out = append(out, s)
		}
	}
	p.suggTotal = len(out)
	if !p.allSuggestions && len(out) > model.DefaultShown {
		out = out[:model.DefaultShown]
	}
	return out
}

// threats are the model's threats in the current category.
func (p *stridePage) threats() []model.Threat {
	c := p.category()
	var out []model.Threat
	for _, t := range p.s.m.Threats {
		if t.Category == c && t.Methodology == "" {
			out = append(out, t)
		}
	}
	return out
}

func (p *stridePage) Capturing() bool {
	return p.form != nil || p.confirm != nil || (p.dismissed != nil && p.dismissed.Capturing())
}

// Selected is the category and the record under the cursor: a threat id,
// a library id, or the category itself.
func (p *stridePage) Selected() string {
	sugg, threats := p.suggestions(), p.threats()
	switch {
	case p.cursor < len(sugg):
		return sugg[p.cursor].Threat.ID
	case p.cursor-len(sugg) < len(threats):
		return threats[p.cursor-len(sugg)].ID
	}
	return string(p.category())
}

// Select shows a category ("spoofing", from Review's missing list) or the
// category of a threat or suggestion and puts the cursor on it.
func (p *stridePage) Select(id string) {
	if c, ok := model.ParseStride(id); ok && string(c) == id {
		p.setCategory(slices.Index(model.StrideCategories, c))
		return
	}
	if t, ok := p.s.m.Threat(id); ok && t.Category.Valid() {
		p.setCategory(slices.Index(model.StrideCategories, t.Category))
		sugg := p.suggestions()
		for i, th := range p.threats() {
			if th.ID == id {
				p.cursor = len(sugg) + i
			}
		}
		return
	}
	if p.stale {
		p.suggestions()
	}
	for _, s := range p.all {
		if s.Threat.ID == id {
			p.setCategory(slices.Index(model.StrideCategories, s.Threat.Category))
			for i, s2 := range p.suggestions() {
				if s2.Threat.ID == id {
					p.cursor = i
				}
			}
			return
		}
	}
}

func (p *stridePage) setCategory(i int) {
	if i < 0 || i >= len(model.StrideCategories) {
		return
	}
	if i != p.cat {
		p.cat, p.cursor, p.offset = i, 0, 0
	}
}

func (p *stridePage) rowCount() int { return len(p.suggestions()) + len(p.threats()) }

func (p *stridePage) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case shownMsg, modelChangedMsg:
		p.stale = true
		if p.form != nil && p.formThreat != "" && p.s.m.ThreatIndex(p.formThreat) < 0 {
			p.form = nil
		}
		p.clamp()
		p.refreshDismissed()
		return nil
	case savedMsg:
		return settle(p.s, &p.form, msg)
	case saveFailedMsg:
		p.stale = true
		p.clamp()
		p.refreshDismissed()
		return settle(p.s, &p.form, msg)
	}
	if p.dismissed != nil && p.form == nil {
		return p.updateDismissed(msg)
	}
	if p.confirm != nil {
		id, yes, done := answer(&p.confirm, msg)
		if !done || !yes {
			return nil
		}
		ch, err := p.s.m.DeleteThreat(id, p.s.now())
		p.stale = true
		defer p.clamp()
		return p.s.apply(ch, err)
	}
	if p.form == nil {
		p.dismissing = "" // the reason form was cancelled
	} else {
		return runForm(&p.form, msg, p.submit)
	}
	switch msg := msg.(type) {
	case tea.MouseWheelMsg:
		switch msg.Button {
		case tea.MouseWheelUp:
			p.move(-3)
		case tea.MouseWheelDown:
			p.move(3)
		}
	case tea.KeyPressMsg:
		return p.key(msg)
	}
	return nil
}

func (p *stridePage) move(d int) {
	p.cursor += d
	p.clamp()
}

func (p *stridePage) clamp() {
	p.cursor = max(0, min(p.cursor, p.rowCount()-1))
}

func (p *stridePage) key(msg tea.KeyPressMsg) tea.Cmd {
	l, k := p.s.keys.List, p.k
	sugg, threats := p.suggestions(), p.threats()
	var sug *model.Suggestion
	var th *model.Threat
	switch {
	case p.cursor < len(sugg):
		sug = &sugg[p.cursor]
	case p.cursor-len(sugg) < len(threats):
		th = &threats[p.cursor-len(sugg)]
	}
	switch {
	case key.Matches(msg, k.PrevCategory):
		p.setCategory((p.cat + len(model.StrideCategories) - 1) % len(model.StrideCategories))
	case key.Matches(msg, k.NextCategory):
		p.setCategory((p.cat + 1) % len(model.StrideCategories))
	case key.Matches(msg, l.Up):
		p.move(-1)
	case key.Matches(msg, l.Down):
		p.move(1)
	case key.Matches(msg, l.PageUp):
		p.move(-5)
	case key.Matches(msg, l.PageDown):
		p.move(5)
	case key.Matches(msg, l.Home):
		p.cursor = 0
	case key.Matches(msg, l.End):
		p.cursor = p.rowCount() - 1
		p.clamp()
	case key.Matches(msg, k.Review):
		p.openReview()
	case key.Matches(msg, k.Questions):
		p.allQuestions = !p.allQuestions
	case key.Matches(msg, k.AllSuggestions):
		p.allSuggestions = !p.allSuggestions
		p.cursor = min(p.cursor, len(p.suggestions()))
		p.clamp()
	case key.Matches(msg, k.Accept) && sug != nil:
		return p.accept(*sug)
	case key.Matches(msg, k.Dismiss) && sug != nil:
		p.openDismiss(*sug)
	case key.Matches(msg, k.Dismissed):
		p.openDismissed()
	case key.Matches(msg, l.Open) && th != nil:
		return p.s.jump(StepThreats, th.ID)
	case key.Matches(msg, l.Edit) && th != nil:
		p.form = newThreatForm(p.s, "Edit "+th.ID, *th)
		p.formThreat, p.formReview = th.ID, false
	case key.Matches(msg, l.Delete) && th != nil:
		p.confirm = newConfirm(p.s, "Delete "+th.ID+" “"+safeLine(th.Title)+"” and its mitigations?", th.ID)
	case key.Matches(msg, l.Add):
		p.form = newThreatForm(p.s, "New "+p.category().Label()+" threat", model.Threat{Category: p.category()})
		p.formThreat, p.formReview = "", false
	}
	return nil
}

// accept turns the suggestion into a threat (linked to the elements and
// assets that triggered it, with its mitigations as planned ones) and
// opens it in the threat form so the team can adjust the mitigations at
// once; esc keeps it as accepted.
func (p *stridePage) accept(sug model.Suggestion) tea.Cmd {
	ch, err := p.s.m.Accept(sug, p.s.now())
	if err != nil {
		return p.s.apply(ch, err)
	}
	p.stale = true
	p.clamp()
	id := createdThreatID(ch)
	t, _ := p.s.m.Threat(id)
	// The label is what the status line and undo show.
	ch.Do.Label = fmt.Sprintf("Accepted %s “%s” with %d planned %s", id, safeLine(t.Title),
		len(t.Mitigations), pluralWord(len(t.Mitigations), "mitigation", "mitigations"))
	cmd := p.s.apply(ch, nil)
	p.form = newThreatForm(p.s, "Accepted as "+id+": adjust it, or esc to keep it as suggested", t)
	p.formThreat, p.formReview = id, false
	if i := slices.IndexFunc(p.form.fields, func(f *field) bool { return f.key == "mitigations" }); i >= 0 {
		p.form.focusField(i)
	}
	return cmd
}

func pluralWord(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

const noneApplyHint = "What did the team conclude? When nothing applies, say why: “Considered: none apply because …”"

func (p *stridePage) openReview() {
	r := p.s.m.StrideReviewFor(p.category())
	reviewed := "yes"
	if r.Reviewed {
		// Re-opening a reviewed category is usually to change the note;
		// keep it reviewed unless the team says otherwise.
		reviewed = "yes"
	}
	p.form = newForm(p.s, "Review "+p.category().Label(),
		selectField("reviewed", "Reviewed", []option{{"yes", "Yes, the team has considered it"}, {"no", "No, not yet"}}).value(reviewed),
		areaField("note", "Conclusion").lines(3).value(r.Note).withHint(noneApplyHint),
		textField("example", "Example for the report").value(r.Example).withHint("One line for the report's STRIDE table, e.g. “Attacker impersonates a user”"),
		textField("mitigation", "Mitigation for the report").value(r.Mitigation).withHint("e.g. “JWT authentication, HTTPS”"),
	)
	p.form.focusField(1)
	p.formThreat, p.formReview = "", true
}

func (p *stridePage) submit() tea.Cmd {
	if p.dismissing != "" {
		return p.submitDismiss()
	}
	m, now := p.s.m, p.s.now()
	if p.formReview {
		r := m.StrideReviewFor(p.category())
		r.Reviewed = p.form.value("reviewed") == "yes"
		r.Note = p.form.value("note")
		r.Example = p.form.value("example")
		r.Mitigation = p.form.value("mitigation")
		// A review that found nothing must say why, or the report cannot
		// tell "none apply" from "never looked".
		if r.Reviewed && strings.TrimSpace(r.Note) == "" && len(p.threats()) == 0 {
			p.form.setError(model.ValidationError{{Field: "note", Message: "is needed when the category has no threats: say why none apply"}})
			return nil
		}
		return p.s.apply(m.PutStride(r, now))
	}
	var base model.Threat
	if p.formThreat != "" {
		t, ok := m.Threat(p.formThreat)
		if !ok {
			p.form = nil
			return p.s.fail(fmt.Errorf("threat %s no longer exists", p.formThreat))
		}
		base = t
	}
	t := threatFromForm(p.form, base)
	ch, err := m.PutThreat(t, now)
	if err == nil {
		p.stale = true
	}
	return p.s.apply(ch, err)
}

// View draws the category bar, the category's heading and, below them,
// the category's explanation and one line per suggestion and threat; the
// row under the cursor is explained in a side pane when wide, and in a
// detail pane under the rows otherwise, so a small screen still lists
// many suggestions.
func (p *stridePage) View(width, height int) string {
	if p.form != nil {
		return p.form.View(width, height)
	}
	if p.dismissed != nil {
		return p.viewDismissed(width, height)
	}
	h := height - 2 // category bar and heading
	if p.confirm != nil {
		h--
	}
	top := p.categoryBar(width) + "\n" + p.heading(width)
	var body string
	p.width = width
	if p.sideBySide() {
		// The rows are one line each and come first, as on every other
		// page; the selected row is explained in the pane beside them.
		dw := max(40, width/3)
		lw := width - dw - 3
		rows := newDoc(lw)
		p.rows(rows)
		pane := newDoc(dw)
		if p.detail(pane, true) {
			pane.blank()
		}
		p.info(pane, true, 0, true)
		off := 0
		body = lipgloss.JoinHorizontal(lipgloss.Top, fit(rows.render(h, &p.offset), lw, h), paneDivider(p.s, h), fit(pane.render(h, &off), dw, h))
	} else {
		pane := newDoc(width)
		p.detail(pane, false)
		paneH := 0
		if len(pane.lines) > 0 {
			paneH = min(len(pane.lines), strideDetailLines) + 1 // and the rule
		}
		d := newDoc(width)
		if p.allQuestions {
			p.info(d, true, 0, true)
		} else {
			p.compactInfo(d)
		}
		d.blank()
		p.rows(d)
		body = fit(d.render(h-paneH, &p.offset), width, h-paneH)
		if paneH > 0 {
			body += "\n" + p.s.styles.Muted.Render(strings.Repeat(p.rule(), width)) + "\n" + strings.Join(pane.lines[:paneH-1], "\n")
		}
	}
	out := top + "\n" + body
	if p.confirm != nil {
		out = clampLines(out, height-1) + "\n" + p.confirm.View(width)
	}
	return out
}

// rule is the character of the line above the detail pane.
func (p *stridePage) rule() string {
	if p.s.accessible || p.s.styles.Theme.NoColor {
		return "-"
	}
	return "─"
}

// heading names the category, the property it protects and whether the
// team has reviewed it; it stays put while the rest scrolls.
func (p *stridePage) heading(width int) string {
	st := p.s.styles
	c := p.category()
	left := st.Heading.Render(c.Label()) + st.Muted.Render(" protects ") + st.Bold.Render(c.Property())
	right := st.Warning.Render("not reviewed") + st.Muted.Render(" (r)")
	if p.s.m.StrideReviewFor(c).Reviewed {
		right = st.Success.Render(st.Glyphs.Done+" reviewed") + st.Muted.Render(" (r)")
	}
	gap := width - ansi.StringWidth(left) - ansi.StringWidth(right)
	if gap < 2 {
		return ansi.Truncate(left, width, "")
	}
	return left + strings.Repeat(" ", gap) + right
}

// categoryBar shows the six categories with a mark each (reviewed or
// not), with their names when they fit and their letters otherwise.
func (p *stridePage) categoryBar(width int) string {
	st := p.s.styles
	draw := func(names bool) string {
		var parts []string
		for i, c := range model.StrideCategories {
			mark := st.Glyphs.Todo
			reviewed := p.s.m.StrideReviewFor(c).Reviewed
			if reviewed {
				mark = st.Glyphs.Done
			}
			label := c.Letter() + " " + mark
			if names || i == p.cat {
				label = c.Letter() + " " + c.Label() + " " + mark
			}
			switch {
			case i == p.cat:
				parts = append(parts, st.TabActive.Render(label))
			case reviewed:
				parts = append(parts, st.TabDone.Render(label))
			default:
				parts = append(parts, st.Tab.Render(label))
			}
		}
		return strings.Join(parts, " ")
	}
	if bar := draw(true); ansi.StringWidth(bar) <= width {
		return bar
	}
	return ansi.Truncate(draw(false), width, "")
}

// info draws the category's definition, the questions that prompt the
// team, and the review's conclusion.
func (p *stridePage) info(d *doc, allQuestions bool, collapsed int, definition bool) {
	st := p.s.styles
	c := p.category()
	r := p.s.m.StrideReviewFor(c)
	info, _ := model.StrideInfoFor(c)
	if definition && info.Definition != "" {
		d.wrapped(st.Muted.Render(safe(info.Definition)), "")
		d.blank()
	}
	if len(info.Questions) > 0 {
		d.add(st.Section.Render("Ask the team"))
		qs := info.Questions
		more := 0
		if !allQuestions && len(qs) > collapsed {
			more = len(qs) - collapsed
			qs = qs[:collapsed]
		}
		for _, q := range qs {
			d.hanging(safeLine(q), st.Glyphs.Bullet+" ")
		}
		if more > 0 {
			d.add(st.Muted.Render(fmt.Sprintf("  +%d more: press i", more)))
		}
	}
	d.blank()
	switch {
	case r.Note != "":
		d.add(st.Section.Render("Conclusion"))
		d.wrapped(safe(r.Note), "")
	case !r.Reviewed:
		d.wrapped(st.Muted.Render("Not reviewed yet. Press r to record the outcome, even when nothing applies."), "")
	}
	if r.Example != "" || r.Mitigation != "" {
		d.wrapped(st.Muted.Render("Report: ")+safeLine(r.Example)+st.Muted.Render(" / ")+safeLine(r.Mitigation), "")
	}
}

// rows draws the suggestions and the category's threats, the cursor row
// focused so the body scrolls to it.
func (p *stridePage) rows(d *doc) {
	st := p.s.styles
	sugg, threats := p.suggestions(), p.threats()
	p.clamp()
	head := fmt.Sprintf("Suggested threats (%d)", len(sugg))
	if len(sugg) < p.suggTotal {
		head = fmt.Sprintf("Suggested threats (top %d of %d; m shows all)", len(sugg), p.suggTotal)
	}
	d.add(st.Section.Render(head))
	if len(sugg) == 0 {
		msg := "No suggestions for this category."
		if len(p.s.m.Surface) == 0 {
			msg = "No suggestions yet: describe the attack surface first (step 4)."
		}
		d.add(st.Placeholder.Render(msg))
	}
	for i, s := range sugg {
		sel := i == p.cursor
		draw := func() {
			ptr := "  "
			title := safeLine(s.Threat.Title)
			if sel {
				ptr = st.Cursor.Render(st.Glyphs.Pointer) + " "
				title = st.Bold.Render(title)
			}
			score := model.RiskScore(s.Likelihood, s.Impact)
			d.add(ptr + p.badge(model.BandOf(score), score) + " " + title)
		}
		if sel {
			d.focus(draw)
		} else {
			draw()
		}
	}
	d.blank()
	d.add(st.Section.Render(fmt.Sprintf("%s threats in the model (%d)", p.category().Label(), len(threats))))
	if len(threats) == 0 {
		d.add(st.Placeholder.Render("None yet. Accept a suggestion, or press a to add one."))
	}
	for i, t := range threats {
		sel := len(sugg)+i == p.cursor
		draw := func() {
			ptr := "  "
			title := safeLine(t.Title)
			if sel {
				ptr = st.Cursor.Render(st.Glyphs.Pointer) + " "
				title = st.Bold.Render(title)
			}
			d.add(ptr + p.badge(t.Band(), t.Risk()) + " " + st.Muted.Render(safeLine(t.ID)) + " " + title +
				st.Muted.Render(fmt.Sprintf(" · %s · %d mit.", t.Status.Label(), len(t.Mitigations))))
		}
		if sel {
			d.focus(draw)
		} else {
			draw()
		}
	}
}

// badge is a risk badge padded to the widest, so the titles after it
// line up in a column.
func (p *stridePage) badge(b model.RiskBand, score int) string {
	st := p.s.styles
	widest := cellWidth(ansi.Strip(st.RiskBadge(model.BandOf(model.MaxRating*model.MaxRating), model.MaxRating*model.MaxRating)))
	return padRight(st.RiskBadge(b, score), widest)
}

// ShortHelp lists the keys for what is under the cursor.
func (p *stridePage) ShortHelp() []key.Binding {
	l, k := p.s.keys.List, p.k
	switch {
	case p.confirm != nil:
		return p.confirm.help()
	case p.form != nil:
		return p.form.help()
	case p.dismissed != nil:
		return p.dismissedHelp()
	}
	out := []key.Binding{k.PrevCategory, k.NextCategory, l.Up, l.Down}
	sugg := p.suggestions()
	if p.cursor < len(sugg) {
		out = append(out, k.Accept, k.Dismiss)
	} else if p.rowCount() > 0 {
		out = append(out, rebind(l.Open, "open in Threats"), l.Edit, l.Delete)
	}
	return append(out, k.Review, l.Add)
}

// sideBySide reports whether the questions are drawn beside the
// suggestions (all of them, so i has nothing to show).
func (p *stridePage) sideBySide() bool { return p.width >= 110 && !p.s.accessible }

// allKey is the binding that toggles between the top suggestions and all
// of them, labelled for what pressing it does now.
func (p *stridePage) allKey() key.Binding {
	b := p.k.AllSuggestions
	if p.allSuggestions {
		b.SetHelp("m", fmt.Sprintf("top %d only", model.DefaultShown))
	}
	return b
}

// FullHelp lists every key of the step.
func (p *stridePage) FullHelp() [][]key.Binding {
	l, k := p.s.keys.List, p.k
	if h, ok := focusFullHelp(p.confirm, p.form, nil); ok {
		return h
	}
	if p.dismissed != nil {
		return p.dismissedFullHelp()
	}
	// What acts on the row under the cursor: a suggestion, or a threat.
	onSugg := p.cursor < len(p.suggestions())
	onThreat := !onSugg && p.rowCount() > 0
	return [][]key.Binding{
		{k.PrevCategory, k.NextCategory, l.Up, l.Down, l.PageUp, l.PageDown, l.Home, l.End},
		{enabled(k.Accept, onSugg), enabled(k.Dismiss, onSugg), k.Dismissed, k.Review, enabled(k.Questions, !p.sideBySide()), p.allKey()},
		{enabled(rebind(l.Open, "open threat"), onThreat), l.Add, enabled(l.Edit, onThreat), enabled(l.Delete, onThreat)},
	}
}
