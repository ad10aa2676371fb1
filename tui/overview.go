package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/threatdeck/threatdeck/model"
)

// overviewPage is the title page of the model: what is under review, by
// whom, and how far the model has got.
type overviewPage struct {
	s    *session
	form *form
}

func newOverviewPage(s *session) page { return &overviewPage{s: s} }

func (p *overviewPage) Selected() string { return "" }

// Select opens the form when asked for the overview record (a jump from
// Review's "Overview needs an owner…").
func (p *overviewPage) Select(string) {}

// Edit opens the overview form.
func (p *overviewPage) Edit(string) tea.Cmd { p.open(); return nil }

func (p *overviewPage) Capturing() bool { return p.form != nil }

func (p *overviewPage) open() {
	o := p.s.m.Overview
	p.form = newForm(p.s, "Edit overview",
		textField("title", "Title").required().value(o.Title),
		textField("owner", "Owner").value(o.Owner).withHint("Who answers for this model"),
		areaField("summary", "Summary").value(o.Summary).withHint("What the system does, in a few sentences"),
		areaField("scope", "Scope").value(o.Scope).withHint("What is in and out of this review"),
		textField("participants", "Participants").value(strings.Join(o.Participants, ", ")).withHint("Names, separated by commas"),
		selectField("status", "Review status", enumOptions(model.ReviewStatuses)).value(string(o.Status)),
		selectField("edition", "OWASP Top 10 edition", editionOptions()).value(string(p.s.m.Edition())))
	p.form.fields[4].input.CharLimit = model.MaxText
}

func editionOptions() []option {
	out := make([]option, len(model.Editions))
	for i, e := range model.Editions {
		out[i] = option{Value: string(e), Label: "OWASP Top 10 " + string(e)}
	}
	return out
}

func (p *overviewPage) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case savedMsg:
		p.form = nil
		return nil
	case saveFailedMsg:
		if p.form != nil {
			p.form.setError(msg.Err)
		}
		return nil
	}
	if p.form != nil {
		return runForm(&p.form, msg, p.submit)
	}
	if k, ok := msg.(tea.KeyPressMsg); ok {
		lk := p.s.keys.List
		if key.Matches(k, lk.Edit) || key.Matches(k, lk.Open) {
			p.open()
		}
	}
	return nil
}

// splitList splits a comma- or newline-separated list, dropping blanks.
func splitList(s string) []string {
	var out []string
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '\n' || r == ';' }) {
		if t := strings.TrimSpace(part); t != "" {
			out = append(out, t)
		}
	}
	return out
}

func (p *overviewPage) View(width, height int) string {
	if p.form != nil {
		return p.form.View(min(width, 110), height)
	}
	st := p.s.styles
	o := p.s.m.Overview
	none := st.Placeholder.Render("not set — press e")
	lw := 14
	// Values are cut with "…" to the fields' column (the progress takes
	// the right 42 columns of a wide screen).
	valW := width - lw
	if width >= 110 {
		valW = width - 42 - lw
	}
	val := func(s string) string {
		if s = safeLine(s); s == "" {
			return none
		}
		return st.Text.Render(truncate(s, valW))
	}
	line := func(label, v string) string {
		return st.FieldLabel.Render(padRight(label+":", lw)) + v
	}
	var left []string
	left = append(left,
		line("Title", val(o.Title)),
		line("Owner", val(o.Owner)),
		line("Status", st.Text.Render(o.Status.Label())+st.Muted.Render("   OWASP Top 10 "+string(p.s.m.Edition()))),
		line("Participants", val(strings.Join(o.Participants, ", "))),
		line("Updated", st.Muted.Render(p.s.opts.stamp(o.Updated))),
	)
	textW := width
	if width >= 110 {
		textW = width - 44
	}
	block := func(label, text string, lines int) []string {
		out := []string{st.FieldLabel.Render(label + ":")}
		text = safe(text)
		if text == "" {
			return append(out, "  "+none)
		}
		w := strings.Split(wrap(text, textW-2), "\n")
		if len(w) > lines {
			w = append(w[:lines-1], w[lines-1]+" "+st.Glyphs.Ellipsis)
		}
		for _, l := range w {
			out = append(out, "  "+st.Text.Render(l))
		}
		return out
	}
	textLines := max(2, (height-len(left)-6)/2)
	left = append(left, "")
	left = append(left, block("Summary", o.Summary, textLines)...)
	left = append(left, block("Scope", o.Scope, textLines)...)
	progress := p.progress()
	if width >= 110 {
		return joinColumns(strings.Join(left, "\n"), width-42, progress, 40)
	}
	// Narrow: progress as one compact line under the fields.
	return strings.Join(left, "\n") + "\n\n" + p.compactProgress(width)
}

// progress lists every section with its completion.
func (p *overviewPage) progress() string {
	st := p.s.styles
	g := st.Glyphs
	lines := []string{st.Bold.Render("Progress") + st.Muted.Render("  "+itoa(p.s.overall())+"% overall"), ""}
	for _, pr := range p.s.completion() {
		mark, style := g.Todo, st.Muted
		switch {
		case pr.Complete():
			mark, style = g.Done, st.ProgressDone
		case pr.Done > 0:
			mark, style = g.Partial, st.Progress
		}
		lines = append(lines, style.Render(mark)+" "+padRight(pr.Section.String(), 22)+st.Muted.Render(padRight(itoa(pr.Done)+"/"+itoa(pr.Total), 9))+style.Render(padLeft(itoa(pr.Percent())+"%", 4)))
	}
	if n := openParking(p.s.m); n > 0 {
		lines = append(lines, "", st.Muted.Render(itoa(n)+" parked idea(s) — L to review"))
	}
	return strings.Join(lines, "\n")
}

func (p *overviewPage) compactProgress(width int) string {
	st := p.s.styles
	var parts []string
	for _, pr := range p.s.completion() {
		parts = append(parts, StepFor(pr.Section).Short()+" "+itoa(pr.Percent())+"%")
	}
	return st.Bold.Render("Progress ") + st.Muted.Render(wrap(strings.Join(parts, st.Glyphs.Separator), width-10))
}

func (p *overviewPage) ShortHelp() []key.Binding {
	if p.form != nil {
		return p.form.help()
	}
	return []key.Binding{p.s.keys.List.Edit}
}

func (p *overviewPage) FullHelp() [][]key.Binding {
	if p.form != nil {
		return p.form.fullHelp()
	}
	return [][]key.Binding{{p.s.keys.List.Edit, p.s.keys.List.Open}}
}

// padLeft right-aligns s in width cells.
func padLeft(s string, width int) string {
	if n := width - len([]rune(s)); n > 0 {
		return strings.Repeat(" ", n) + s
	}
	return s
}

// joinColumns puts two blocks side by side with a gap.
func joinColumns(left string, lw int, right string, rw int) string {
	ll := strings.Split(left, "\n")
	rl := strings.Split(right, "\n")
	n := max(len(ll), len(rl))
	var b strings.Builder
	for i := 0; i < n; i++ {
		l, r := "", ""
		if i < len(ll) {
			l = truncate(ll[i], lw)
		}
		if i < len(rl) {
			r = truncate(rl[i], rw)
		}
		b.WriteString(padRight(l, lw) + "  " + r)
		if i < n-1 {
			b.WriteString("\n")
		}
	}
	return b.String()
}

// submit saves the overview form.
func (p *overviewPage) submit() tea.Cmd {
	o := p.s.m.Overview
	o.Title, o.Owner = p.form.value("title"), p.form.value("owner")
	o.Summary, o.Scope = p.form.value("summary"), p.form.value("scope")
	o.Participants = splitList(p.form.value("participants"))
	o.Status = model.ReviewStatus(p.form.value("status"))
	o.Edition = model.Edition(p.form.value("edition"))
	return p.s.apply(p.s.m.PutOverview(o, p.s.now()))
}
