package tui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/threatdeck/threatdeck/model"
)

// threatsPage is the Threats step: a table of every threat, sortable and
// filterable, with a detail view for one threat and its mitigations. The
// table is drawn from a cached index (threatIndex) and only the rows on
// screen are rendered, so it stays responsive with 10,000 threats.
type threatsPage struct {
	s   *session
	k   ScreenKeys
	idx *threatIndex

	cursor, offset int
	// rows is how many table rows the last View drew, for paging.
	rows int
	// typing is set while the "/" filter has the keyboard.
	typing bool

	// detail is the id of the threat whose detail view is open ("" for the table).
	detail       string
	mitCursor    int
	detailOffset int

	form *form
	// formThreat is the threat the form edits ("" for a new one);
	// formMit the mitigation (-1: the threat form itself, len: a new one).
	formThreat string
	formMit    int
	// newCategory presets the category of a threat added from the table.
	confirm *confirm
	// confirmMit is the mitigation a delete confirmation is about (-1: the threat).
	confirmMit int
	// pending is a threat id to put the cursor on once the index is rebuilt.
	pending string
	// idxRev is the session revision the index was last told about.
	idxRev uint64
	// badges caches the 25 rendered risk badges (padded to the column);
	// badgeSig is the style they (and rowCache) were rendered with.
	badges   [model.MaxRating*model.MaxRating + 1]string
	badgeSig string
	// rowCache holds drawn table rows (see rowKey).
	rowCache map[rowKey]string
}

func newThreatsPage(s *session) page {
	return &threatsPage{s: s, k: DefaultScreenKeys(), idx: newThreatIndex(), rows: 10}
}

// Capturing is true while a form, a confirmation or the text filter has
// the keyboard.
func (p *threatsPage) Capturing() bool { return p.form != nil || p.confirm != nil || p.typing }

// Selected is the threat under the cursor, or the one whose detail is open.
func (p *threatsPage) Selected() string {
	if p.detail != "" {
		return p.detail
	}
	p.sync()
	if p.cursor >= 0 && p.cursor < len(p.idx.visible) {
		return p.s.m.Threats[p.idx.visible[p.cursor]].ID
	}
	return ""
}

// Select puts the cursor on a threat, clearing the filters when they hide it.
func (p *threatsPage) Select(id string) {
	if p.s.m.ThreatIndex(id) < 0 {
		return
	}
	p.detail = ""
	p.sync()
	pos := p.idx.position(p.s.m, id)
	if pos < 0 {
		p.idx.setFilter(threatFilter{})
		p.typing = false
		p.sync()
		pos = p.idx.position(p.s.m, id)
	}
	if pos >= 0 {
		p.cursor = pos
	}
}

// Edit opens the form of a threat (after a jump, e.g. from the parking lot).
func (p *threatsPage) Edit(id string) tea.Cmd {
	t, ok := p.s.m.Threat(id)
	if !ok {
		return nil
	}
	p.Select(id)
	p.openThreatForm(t)
	return nil
}

// sync brings the cached index up to date and keeps the cursor in range.
func (p *threatsPage) sync() {
	p.idx.ensure(p.s.m)
	if p.pending != "" {
		if pos := p.idx.position(p.s.m, p.pending); pos >= 0 {
			p.cursor = pos
		}
		p.pending = ""
	}
	p.cursor = max(0, min(p.cursor, len(p.idx.visible)-1))
}

// modelChanged brings the index up to date with a changed model: when the
// session knows which threats changed since the index last heard (a live
// edit of one threat), only their rows move; otherwise (a page shown
// again, a local edit, a reload) it is rebuilt.
func (p *threatsPage) modelChanged(msg tea.Msg) {
	ids, ok := p.s.threatsChangedSince(p.idxRev)
	if _, shown := msg.(shownMsg); shown || !ok {
		p.idx.invalidate()
	} else {
		p.idx.touch(ids)
	}
	p.idxRev = p.s.rev
}

// current is the threat under the table cursor.
func (p *threatsPage) current() (model.Threat, bool) {
	p.sync()
	if p.cursor < 0 || p.cursor >= len(p.idx.visible) {
		return model.Threat{}, false
	}
	return p.s.m.Threats[p.idx.visible[p.cursor]], true
}

// changeFilter applies f, keeping the cursor on the same threat when it
// still passes.
func (p *threatsPage) changeFilter(f threatFilter) {
	keep := p.Selected()
	p.idx.setFilter(f)
	p.pending = keep
	p.sync()
}

func (p *threatsPage) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case shownMsg, modelChangedMsg:
		p.modelChanged(msg)
		if p.detail != "" && p.s.m.ThreatIndex(p.detail) < 0 {
			p.detail = ""
		}
		if p.form != nil && p.formThreat != "" && p.s.m.ThreatIndex(p.formThreat) < 0 {
			p.form = nil
		}
		return nil
	case savedMsg:
		return settle(p.s, &p.form, msg)
	case saveFailedMsg:
		if msg.Applied {
			// The root has reverted the model.
			p.idx.invalidate()
		}
		return settle(p.s, &p.form, msg)
	}
	if p.confirm != nil {
		return p.updateConfirm(msg)
	}
	if p.form != nil {
		return p.updateForm(msg)
	}
	if p.detail != "" {
		return p.updateDetail(msg)
	}
	return p.updateTable(msg)
}

func (p *threatsPage) updateConfirm(msg tea.Msg) tea.Cmd {
	mi := p.confirmMit
	id, yes, done := answer(&p.confirm, msg)
	if !done || !yes {
		return nil
	}
	now := p.s.now()
	if mi < 0 {
		if p.detail == id {
			p.detail = ""
		}
		ch, err := p.s.m.DeleteThreat(id, now)
		if err == nil {
			p.idx.invalidate()
		}
		return p.s.apply(ch, err)
	}
	t, ok := p.s.m.Threat(id)
	if !ok || mi >= len(t.Mitigations) {
		return nil
	}
	t.Mitigations = slices.Delete(slices.Clone(t.Mitigations), mi, mi+1)
	p.mitCursor = max(0, min(p.mitCursor, len(t.Mitigations)-1))
	return p.s.apply(p.s.m.PutThreat(t, now))
}

func (p *threatsPage) openThreatForm(t model.Threat) {
	title := "New threat"
	if t.ID != "" {
		title = "Edit " + t.ID
	}
	p.form = newThreatForm(p.s, title, t)
	p.formThreat, p.formMit = t.ID, -1
}

func (p *threatsPage) openMitigationForm(t model.Threat, i int) {
	n := fmt.Sprintf("mitigation %d", i+1)
	mt := model.Mitigation{Status: model.MitigationPlanned}
	title := "New mitigation for " + t.ID
	if i < len(t.Mitigations) {
		mt = t.Mitigations[i]
		title = "Edit " + mt.ID + " of " + t.ID
	}
	p.form = newForm(p.s, title,
		areaField(n, "Mitigation").required().lines(3).value(mt.Description),
		selectField(n+" status", "Status", enumOptions(model.MitigationStatuses)).value(string(mt.Status)),
		textField(n+" owner", "Owner").value(mt.Owner).withHint("Who does the work"),
		textField(n+" due", "Due").value(string(mt.Due)).withHint("YYYY-MM-DD"),
		textField(n+" ticket", "Ticket").value(mt.Ticket).withHint("https:// link to the work item"),
		textField(n+" reason", "Reason").value(mt.Reason).withHint("Why it will not be done (for won't do)"),
	)
	p.formThreat, p.formMit = t.ID, i
}

func (p *threatsPage) updateForm(msg tea.Msg) tea.Cmd {
	return runForm(&p.form, msg, p.submitForm)
}

func (p *threatsPage) submitForm() tea.Cmd {
	m, now := p.s.m, p.s.now()
	var base model.Threat
	if p.formThreat != "" {
		t, ok := m.Threat(p.formThreat)
		if !ok {
			p.form = nil
			return p.s.fail(fmt.Errorf("threat %s no longer exists", p.formThreat))
		}
		base = t
	} else {
		base.Category = p.idx.filter.category
	}
	if p.formMit < 0 {
		t := threatFromForm(p.form, base)
		ch, err := m.PutThreat(t, now)
		if err == nil {
			p.idx.invalidate()
			p.pending = createdThreatID(ch)
		}
		return p.s.apply(ch, err)
	}
	n := fmt.Sprintf("mitigation %d", p.formMit+1)
	mt := model.Mitigation{Description: p.form.value(n), Status: model.MitigationStatus(p.form.value(n + " status")),
		Owner: p.form.value(n + " owner"), Due: model.Date(p.form.value(n + " due")),
		Ticket: p.form.value(n + " ticket"), Reason: p.form.value(n + " reason")}
	mits := slices.Clone(base.Mitigations)
	if p.formMit < len(mits) {
		mt.ID = mits[p.formMit].ID
		mits[p.formMit] = mt
	} else {
		mits = append(mits, mt)
		p.mitCursor = len(mits) - 1
	}
	base.Mitigations = mits
	return p.s.apply(m.PutThreat(base, now))
}

func (p *threatsPage) updateTyping(msg tea.Msg) tea.Cmd {
	f := p.idx.filter
	switch msg := msg.(type) {
	case tea.PasteMsg:
		f.text += typedText(pasteLines(msg.Content))
	case tea.KeyPressMsg:
		fk := p.s.keys.Filter
		switch {
		case key.Matches(msg, fk.Clear):
			f.text = ""
			p.typing = false
		case key.Matches(msg, fk.Keep):
			p.typing = false
		case key.Matches(msg, fk.Prev):
			p.move(-1)
			return nil
		case key.Matches(msg, fk.Next):
			p.move(1)
			return nil
		case key.Matches(msg, fk.Erase):
			if r := []rune(f.text); len(r) > 0 {
				f.text = string(r[:len(r)-1])
			}
		default:
			if msg.Text == "" {
				return nil
			}
			f.text += typedText(msg.Text)
		}
	default:
		return nil
	}
	p.changeFilter(f)
	return nil
}

func (p *threatsPage) move(d int) {
	p.sync()
	p.cursor = max(0, min(p.cursor+d, len(p.idx.visible)-1))
}

func (p *threatsPage) updateTable(msg tea.Msg) tea.Cmd {
	if p.typing {
		return p.updateTyping(msg)
	}
	switch msg := msg.(type) {
	case tea.MouseWheelMsg:
		switch msg.Button {
		case tea.MouseWheelUp:
			p.move(-3)
		case tea.MouseWheelDown:
			p.move(3)
		}
		return nil
	case tea.MouseClickMsg:
		// A left click on a row selects it: rows start under the filter
		// bar and the header, from the first one drawn.
		p.sync()
		if r := msg.Y - 2; msg.Button == tea.MouseLeft && r >= 0 && r < p.rows && p.offset+r < len(p.idx.visible) {
			p.cursor = p.offset + r
		}
		return nil
	case tea.KeyPressMsg:
		return p.tableKey(msg)
	}
	return nil
}

func (p *threatsPage) tableKey(msg tea.KeyPressMsg) tea.Cmd {
	l, k := p.s.keys.List, p.k
	f := p.idx.filter
	switch {
	case key.Matches(msg, l.Up):
		p.move(-1)
	case key.Matches(msg, l.Down):
		p.move(1)
	case key.Matches(msg, l.PageUp):
		p.move(-max(1, p.rows-1))
	case key.Matches(msg, l.PageDown):
		p.move(max(1, p.rows-1))
	case key.Matches(msg, l.Home):
		p.cursor = 0
	case key.Matches(msg, l.End):
		p.sync()
		p.cursor = len(p.idx.visible) - 1
		p.sync()
	case key.Matches(msg, l.Filter):
		p.typing = true
	case key.Matches(msg, l.Open):
		if t, ok := p.current(); ok {
			p.detail, p.mitCursor, p.detailOffset = t.ID, 0, 0
		}
	case key.Matches(msg, l.Add):
		p.openThreatForm(model.Threat{Category: f.category})
	case key.Matches(msg, l.Edit):
		if t, ok := p.current(); ok {
			p.openThreatForm(t)
		}
	case key.Matches(msg, l.Delete):
		if t, ok := p.current(); ok {
			p.confirm = newConfirm(p.s, "Delete "+t.ID+" “"+safeLine(t.Title)+"” and its mitigations?", t.ID)
			p.confirmMit = -1
		}
	case key.Matches(msg, l.Toggle):
		if t, ok := p.current(); ok {
			t.Status = t.Status.Next()
			ch, err := p.s.m.PutThreat(t, p.s.now())
			if err == nil {
				// Status is no sort key, so the order stands; only a
				// status filter can change what is shown. The index
				// updates this threat's row alone.
				p.pending = t.ID
				p.idx.touch([]string{t.ID})
			}
			return p.s.apply(ch, err)
		}
	case key.Matches(msg, k.Sort):
		i := slices.Index(threatSorts, p.idx.sort)
		p.resort(threatSorts[(i+1)%len(threatSorts)], false)
	case key.Matches(msg, k.Reverse):
		p.resort(p.idx.sort, !p.idx.reverse)
	case key.Matches(msg, k.FilterCategory):
		f.category = nextValue(append([]model.Stride{""}, model.StrideCategories...), f.category)
		p.changeFilter(f)
	case key.Matches(msg, k.FilterStatus):
		f.status = nextValue(append([]model.ThreatStatus{""}, model.ThreatStatuses...), f.status)
		p.changeFilter(f)
	case key.Matches(msg, k.FilterAsset):
		ids := []string{""}
		for _, a := range p.s.m.Assets {
			ids = append(ids, a.ID)
		}
		f.asset = nextValue(ids, f.asset)
		p.changeFilter(f)
	case key.Matches(msg, k.FilterOwner):
		f.owner = nextValue(append([]string{""}, owners(p.s.m)...), f.owner)
		p.changeFilter(f)
	case key.Matches(msg, k.Overdue):
		f.overdue, f.today = !f.overdue, p.today()
		p.changeFilter(f)
	case key.Matches(msg, k.ClearFilters):
		p.changeFilter(threatFilter{})
	}
	return nil
}

// today is the current day in the display time zone, for due dates.
func (p *threatsPage) today() model.Date { return model.DateOf(p.s.opts.local(p.s.now())) }

func (p *threatsPage) resort(s threatSort, reverse bool) {
	keep := p.Selected()
	p.idx.setSort(s, reverse)
	p.pending = keep
	p.sync()
}

// nextValue cycles through list, wrapping; an unknown value gives the first.
func nextValue[T comparable](list []T, v T) T {
	return list[(slices.Index(list, v)+1)%len(list)]
}

func (p *threatsPage) updateDetail(msg tea.Msg) tea.Cmd {
	t, ok := p.s.m.Threat(p.detail)
	if !ok {
		p.detail = ""
		return nil
	}
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		if w, ok := msg.(tea.MouseWheelMsg); ok {
			if w.Button == tea.MouseWheelUp {
				p.mitCursor = max(0, p.mitCursor-1)
			} else if w.Button == tea.MouseWheelDown {
				p.mitCursor = max(0, min(p.mitCursor+1, len(t.Mitigations)-1))
			}
		}
		return nil
	}
	l := p.s.keys.List
	n := len(t.Mitigations)
	switch {
	case key.Matches(km, l.Back):
		p.detail = ""
		p.pending = t.ID
	case key.Matches(km, l.Up):
		p.mitCursor = max(0, p.mitCursor-1)
	case key.Matches(km, l.Down):
		p.mitCursor = max(0, min(p.mitCursor+1, n-1))
	case key.Matches(km, l.Home):
		p.mitCursor = 0
	case key.Matches(km, l.End):
		p.mitCursor = max(0, n-1)
	case key.Matches(km, l.Toggle):
		if p.mitCursor < n {
			t.Mitigations = slices.Clone(t.Mitigations)
			mt := &t.Mitigations[p.mitCursor]
			mt.Status = mt.Status.Next()
			return p.s.apply(p.s.m.PutThreat(t, p.s.now()))
		}
	case key.Matches(km, l.Add):
		p.openMitigationForm(t, n)
	case key.Matches(km, l.Edit):
		if p.mitCursor < n {
			p.openMitigationForm(t, p.mitCursor)
		}
	case key.Matches(km, l.Delete):
		if p.mitCursor < n {
			mt := t.Mitigations[p.mitCursor]
			p.confirm = newConfirm(p.s, "Delete mitigation "+mt.ID+" “"+safeLine(mt.Description)+"”?", t.ID)
			p.confirmMit = p.mitCursor
		}
	case key.Matches(km, p.k.EditThreat):
		p.openThreatForm(t)
	}
	return nil
}

// View draws the table, the detail view or the open form.
func (p *threatsPage) View(width, height int) string {
	if p.form != nil {
		return p.form.View(width, height)
	}
	body := ""
	h := height
	if p.confirm != nil {
		h--
	}
	if p.detail != "" {
		body = p.viewDetail(width, h)
	} else {
		body = p.viewTable(width, h)
	}
	if p.confirm != nil {
		body = clampLines(body, h) + "\n" + p.confirm.View(width)
	}
	return body
}

// Table column widths (the title takes what is left).
const (
	colID     = 7
	colLetter = 1
	colRisk   = 13
	colStatus = 14
	colMits   = 3
)

func (p *threatsPage) viewTable(width, height int) string {
	p.sync()
	st := p.s.styles
	vis := p.idx.visible
	var b strings.Builder
	b.WriteString(p.filterBar(width))
	titleW := max(8, width-2-colID-colLetter-colRisk-colStatus-colMits-5)
	showStatus := width >= 60
	if !showStatus {
		titleW += colStatus + 1
	}
	head := "  " + padRight("ID", colID) + " " + padRight("Title", titleW) + " " + "S" + " " + padRight("Risk", colRisk)
	if showStatus {
		head += " " + padRight("Status", colStatus)
	}
	head += " " + "Mit"
	b.WriteString("\n" + st.Muted.Bold(true).Render(ansi.Truncate(head, width, "")))
	rows := max(1, height-2)
	p.rows = rows
	if len(vis) == 0 {
		msg := "No threats yet. Press a to add one, or accept suggestions on the STRIDE step."
		if len(p.s.m.Threats) > 0 {
			msg = "No threat matches the filters. Press esc to clear them."
		}
		b.WriteString("\n" + st.Muted.Render(wrap(msg, width)))
		return b.String()
	}
	if p.cursor < p.offset {
		p.offset = p.cursor
	}
	if p.cursor >= p.offset+rows {
		p.offset = p.cursor - rows + 1
	}
	p.offset = max(0, min(p.offset, len(vis)-rows))
	end := min(len(vis), p.offset+rows)
	// Presenter mode or a new background restyles: drop the cached badges
	// and rows.
	if sig := st.BadgeCritical.Render("x") + st.BadgeLow.Render("x") + st.Row.Render("x") + st.RowMuted.Render("x") +
		st.Selected.Render("x") + st.Warning.Render("x"); sig != p.badgeSig {
		p.badgeSig = sig
		p.badges = [len(p.badges)]string{}
		p.rowCache = nil
	}
	for i := p.offset; i < end; i++ {
		b.WriteString("\n")
		b.WriteString(p.row(&p.s.m.Threats[vis[i]], i == p.cursor, titleW, showStatus, width))
	}
	return b.String()
}

func (p *threatsPage) row(t *model.Threat, selected bool, titleW int, showStatus bool, width int) string {
	st := p.s.styles
	base := st.Row
	muted := !t.IsOpen()
	if muted {
		base = st.RowMuted
	}
	ptr := "  "
	if selected {
		base = st.Selected
		ptr = st.Glyphs.Pointer + " "
	}
	letter := t.Category.Letter()
	if t.Methodology != "" {
		letter = "*"
	}
	pre := ptr + padRight(truncate(safeLine(t.ID), colID), colID) + " " +
		padRight(truncate(safeLine(t.Title), titleW), titleW) + " " + letter + " "
	badge := p.badge(t.Risk())
	post := " "
	if showStatus {
		post += padRight(t.Status.Label(), colStatus) + " "
	}
	overdue := threatOverdue(t, p.today())
	key := rowKey{pre: pre, post: post, badge: badge, mits: len(t.Mitigations), width: width, overdue: overdue,
		muted: muted, selected: selected}
	if out, ok := p.rowCache[key]; ok {
		return out
	}
	var out string
	if overdue {
		// An open mitigation is past its due date.
		out = ansi.Truncate(base.Render(pre)+badge+base.Render(post)+st.Warning.Render(fmt.Sprintf("%*d!", colMits-1, len(t.Mitigations))), width, "")
	} else {
		out = ansi.Truncate(base.Render(pre)+badge+base.Render(post+fmt.Sprintf("%*d", colMits, len(t.Mitigations))), width, "")
	}
	if p.rowCache == nil || len(p.rowCache) > 4*maxRowsCached {
		p.rowCache = make(map[rowKey]string, maxRowsCached)
	}
	p.rowCache[key] = out
	return out
}

// rowKey is everything a drawn table row depends on, so a row is styled
// once and then reused: a live edit changes one row, yet every frame of
// every session drew them all. The styles are not in it: a restyle
// drops the cache with the badges.
type rowKey struct {
	pre, post, badge string
	mits, width      int
	overdue, muted   bool
	selected         bool
}

// maxRowsCached is about the rows of a tall screen; the cache is dropped
// when it holds four screens' worth.
const maxRowsCached = 100

// badge is the risk badge of a score, padded to the risk column. Badges
// are rendered once per style: there are only 25 of them, and rendering is
// most of what drawing a row costs.
func (p *threatsPage) badge(score int) string {
	st := p.s.styles
	score = max(1, min(score, len(p.badges)-1))
	if p.badges[score] == "" {
		b := st.RiskBadge(model.BandOf(score), score)
		p.badges[score] = b + strings.Repeat(" ", max(0, colRisk-ansi.StringWidth(b)))
	}
	return p.badges[score]
}

// filterBar says how the table is sorted and filtered, and where the
// cursor is.
func (p *threatsPage) filterBar(width int) string {
	st := p.s.styles
	f := p.idx.filter
	arrow := st.Glyphs.Down
	if p.idx.sort != sortRisk {
		arrow = st.Glyphs.Up
	}
	if p.idx.reverse {
		if arrow == st.Glyphs.Up {
			arrow = st.Glyphs.Down
		} else {
			arrow = st.Glyphs.Up
		}
	}
	seg := func(label, val string, on bool) string {
		v := st.Muted.Render(val)
		if on {
			v = st.Key.Render(val)
		}
		return st.Muted.Render(label+" ") + v
	}
	cat := "all"
	if f.category != "" {
		cat = f.category.Letter() + " " + f.category.Label()
	}
	status := "all"
	if f.status != "" {
		status = f.status.Label()
	}
	asset := "all"
	if f.asset != "" {
		asset = f.asset
	}
	parts := []string{
		seg("sort", p.idx.sort.String()+" "+arrow, true),
		seg("cat", cat, f.category != ""),
		seg("status", status, f.status != ""),
		seg("asset", asset, f.asset != ""),
	}
	if f.owner != "" {
		parts = append(parts, seg("owner", safeLine(f.owner), true))
	}
	if f.overdue {
		parts = append(parts, st.Warning.Render("overdue"))
	}
	if p.typing || f.text != "" {
		q := st.Key.Render("/") + st.Match.Render(safeLine(f.text))
		if p.typing {
			q += st.Cursor.Render("_")
		}
		parts = append(parts, q)
	}
	left := strings.Join(parts, "  ")
	count := ""
	if n := len(p.idx.visible); n > 0 {
		count = itoa(p.cursor+1) + "/" + itoa(n)
	} else {
		count = "0"
	}
	if n := len(p.s.m.Threats); f.active() {
		count += " of " + itoa(n)
	}
	count = st.Muted.Render(count)
	gap := width - ansi.StringWidth(left) - ansi.StringWidth(count)
	if gap < 1 {
		return ansi.Truncate(left, width, "")
	}
	return left + strings.Repeat(" ", gap) + count
}

func (p *threatsPage) viewDetail(width, height int) string {
	t, ok := p.s.m.Threat(p.detail)
	if !ok {
		return ""
	}
	st := p.s.styles
	m := p.s.m
	d := newDoc(width)
	d.add(st.Heading.Render(safeLine(t.ID)) + "  " + st.Bold.Render(safeLine(t.Title)))
	cat := t.Category.Label() + " (" + t.Category.Letter() + ")"
	if t.Methodology != "" {
		cat = safeLine(string(t.Category)) + " (" + safeLine(t.Methodology) + ")"
	}
	// The status comes first: at 80 columns the line is cut, and the
	// status is what the detail is opened to see or change.
	d.add(st.RiskBadge(t.Band(), t.Risk()) + " " + st.threatStatusStyle(t.Status).Render(t.Status.Label()) +
		st.Muted.Render(fmt.Sprintf(" · %s · likelihood %d %s · impact %d %s", cat,
			t.Likelihood, ratingLabel(likelihoodLabels, t.Likelihood), t.Impact, ratingLabel(impactLabels, t.Impact))))
	if t.Vector != "" || t.LibraryID != "" {
		var meta []string
		if t.Vector != "" {
			meta = append(meta, "vector: "+safeLine(t.Vector))
		}
		if t.LibraryID != "" {
			meta = append(meta, "from library "+safeLine(t.LibraryID))
		}
		d.add(st.Muted.Render(strings.Join(meta, " · ")))
	}
	if by := attribution(p.s.opts, t.Stamps); by != "" {
		d.add(st.Muted.Render(by))
	}
	if v := t.Vote; v != nil {
		line := fmt.Sprintf("Risk poker: agreed likelihood %d · impact %d by %s from %s", v.Likelihood, v.Impact, safeLine(v.By), itoa(len(v.Votes))+" "+pluralWord(len(v.Votes), "vote", "votes"))
		if sp, ok := model.SpreadOf(v.Votes); ok {
			line += " (" + sp.String() + ")"
		}
		d.wrapped(st.Muted.Render(line), "")
		var votes []string
		for _, x := range v.Votes {
			votes = append(votes, fmt.Sprintf("%s L%d·I%d", safeLine(x.Voter), x.Likelihood, x.Impact))
		}
		if len(votes) > 0 {
			d.wrapped(st.Muted.Render("Votes: "+strings.Join(votes, ", ")), "")
		}
	}
	p.decisionLines(d, t)
	d.blank()
	if t.Description != "" {
		d.wrapped(safe(t.Description), "")
	} else {
		d.add(st.Placeholder.Render("No description. Press E to edit the threat."))
	}
	d.blank()
	links := func(label string, ids []string, name func(string) (string, bool)) {
		if len(ids) == 0 {
			return
		}
		var parts []string
		for _, id := range ids {
			n, ok := name(id)
			if !ok {
				n = "(missing)"
			}
			parts = append(parts, safeLine(id)+" "+safeLine(n))
		}
		d.wrapped(st.Muted.Render(label)+" "+strings.Join(parts, ", "), "")
	}
	links("Assets: ", t.Assets, func(id string) (string, bool) { a, ok := m.Asset(id); return a.Name, ok })
	links("Surface:", t.Surface, func(id string) (string, bool) { e, ok := m.Element(id); return e.Name, ok })
	links("Actors: ", t.Actors, func(id string) (string, bool) { a, ok := m.Actor(id); return a.Name, ok })
	links("OWASP:  ", t.OWASP, func(id string) (string, bool) { it, ok := model.OWASPByID(id); return it.Name, ok })
	d.blank()
	d.add(st.Section.Render(fmt.Sprintf("Mitigations (%d)", len(t.Mitigations))))
	if len(t.Mitigations) == 0 {
		d.add(st.Placeholder.Render("None yet. Press a to add one."))
	}
	p.mitCursor = max(0, min(p.mitCursor, len(t.Mitigations)-1))
	for i, mt := range t.Mitigations {
		draw := func() {
			ptr := "  "
			if i == p.mitCursor {
				ptr = st.Cursor.Render(st.Glyphs.Pointer) + " "
			}
			status := st.mitigationStyle(mt.Status).Render(padRight(mt.Status.Label(), 11))
			text := safe(mt.Description)
			lines := strings.Split(ansi.Wrap(text, max(10, width-21), " -"), "\n")
			first := ptr + "[" + status + "] " + st.Muted.Render(padRight(safeLine(mt.ID), 5)) + " " + lines[0]
			if i == p.mitCursor {
				first = ptr + "[" + status + "] " + st.Muted.Render(padRight(safeLine(mt.ID), 5)) + " " + st.Bold.Render(lines[0])
			}
			d.add(first)
			for _, l := range lines[1:] {
				d.add(strings.Repeat(" ", 21) + l)
			}
			if plan := p.mitigationPlan(mt); plan != "" {
				d.add(strings.Repeat(" ", 21) + ansi.Truncate(st.Muted.Render(plan), max(10, width-21), "…"))
			}
			if by := attribution(p.s.opts, mt.Stamps); by != "" && i == p.mitCursor {
				d.add(strings.Repeat(" ", 21) + ansi.Truncate(st.Muted.Render(by), max(10, width-21), "…"))
			}
		}
		if i == p.mitCursor {
			d.focus(draw)
		} else {
			draw()
		}
	}
	return d.render(height, &p.detailOffset)
}

func ratingLabel(labels []string, v int) string {
	if v < 1 || v > len(labels) {
		return "?"
	}
	return strings.ToLower(labels[v-1])
}

// ShortHelp lists the keys of what has focus.
func (p *threatsPage) ShortHelp() []key.Binding {
	l, k := p.s.keys.List, p.k
	switch {
	case p.confirm != nil:
		return p.confirm.help()
	case p.form != nil:
		return p.form.help()
	case p.typing:
		return p.s.keys.FilterHelp()
	case p.detail != "":
		return []key.Binding{l.Up, l.Down, rebind(l.Toggle, "mitigation status"), l.Add, l.Edit, l.Delete, k.EditThreat, p.s.keys.Poker.Open, l.Back}
	}
	return []key.Binding{l.Up, l.Down, l.Open, l.Add, l.Edit, l.Delete, rebind(l.Toggle, "cycle status"), k.Sort, k.FilterCategory, k.FilterStatus, k.FilterOwner, k.Overdue, l.Filter, p.s.keys.Poker.Open}
}

// FullHelp groups every key of the current mode.
func (p *threatsPage) FullHelp() [][]key.Binding {
	l, k := p.s.keys.List, p.k
	if h, ok := focusFullHelp(p.confirm, p.form, nil); ok {
		return h
	}
	switch {
	case p.typing:
		return p.s.keys.FilterFullHelp()
	case p.detail != "":
		return [][]key.Binding{p.ShortHelp(), {l.Home, l.End}}
	}
	return [][]key.Binding{
		{l.Up, l.Down, l.PageUp, l.PageDown, l.Home, l.End},
		{l.Open, l.Add, l.Edit, l.Delete, rebind(l.Toggle, "cycle status")},
		{k.Sort, k.Reverse, k.FilterCategory, k.FilterStatus, k.FilterAsset, k.FilterOwner, k.Overdue, l.Filter, enabled(k.ClearFilters, p.idx.filter.active())},
		{p.s.keys.Poker.Open},
	}
}

// attribution reads "added by ann 2025-06-02 10:00 · changed by bob …".
func attribution(o Options, st model.Stamps) string {
	var parts []string
	if st.CreatedBy != "" {
		parts = append(parts, strings.TrimSpace("added by "+safeLine(st.CreatedBy)+" "+o.stamp(st.CreatedAt)))
	}
	if st.UpdatedBy != "" && (st.UpdatedBy != st.CreatedBy || !st.UpdatedAt.Equal(st.CreatedAt)) {
		parts = append(parts, strings.TrimSpace("changed by "+safeLine(st.UpdatedBy)+" "+o.stamp(st.UpdatedAt)))
	}
	return strings.Join(parts, " · ")
}
