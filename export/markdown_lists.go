package export

import (
	"github.com/threatdeck/threatdeck/model"
)

// owasp writes the coverage table of the model's OWASP Top 10 edition. An
// item's threats are model.OWASPLinks: those linked to it and those that
// reference it, as the OWASP step shows them.
func (r *report) owasp() {
	ed := string(r.m.Edition())
	r.heading(2, "OWASP Top 10 ("+ed+") Coverage")
	items := r.m.Checklist(model.ListOWASP)
	if len(items) == 0 {
		r.none("No OWASP Top 10 items.")
		return
	}
	links := r.m.OWASPLinks()
	r.s("| ID | Category | State | Note | Threats |\n| --- | --- | --- | --- | --- |\n")
	assessed := 0
	for _, c := range items {
		if c.State.Assessed() {
			assessed++
		}
		r.s("| ")
		r.t(c.ID)
		r.s(" | ")
		r.t(c.Title)
		r.s(" | ")
		r.t(c.State.Label())
		r.s(" | ")
		r.t(c.Note)
		r.s(" | ")
		linked := links[c.ID]
		r.ids(linked)
		r.s(" |\n")
	}
	r.s("\n")
	r.int(assessed)
	r.s(" of ")
	r.int(len(items))
	r.s(" assessed.\n\n")
}

// stateMarks is what follows an item's text for each state; done items are
// the ticked boxes and need no mark.
var stateMarks = map[model.ItemState]string{
	model.NotAssessed:  " (not assessed)",
	model.StatePartial: " (partial)",
	model.StateGap:     " (gap)",
	model.StateNA:      " (not applicable)",
	model.StatePlanned: " (planned)",
	model.StateFuture:  " (future)",
}

// checklist writes a controls, testing or compliance list as task lists,
// grouped by the items' groups in order of first appearance (no group
// headings when there is only one group):
//
//   - [x] Password hashing with bcrypt (10 rounds)
//   - [ ] Multi-factor authentication (planned)
//   - [ ] **GDPR** - User data protection, right to deletion (partial) — note
//   - N/A: **PCI DSS** - If handling payment data (not applicable) — note
func (r *report) checklist(list model.ChecklistKind) {
	r.heading(2, list.Label())
	items := r.m.Checklist(list)
	if len(items) == 0 {
		r.none("No items.")
		return
	}
	var groups []string
	byGroup := map[string][]int{}
	for i, c := range items {
		g := c.Group
		if _, ok := byGroup[g]; !ok {
			groups = append(groups, g)
		}
		byGroup[g] = append(byGroup[g], i)
	}
	for _, g := range groups {
		if len(groups) > 1 {
			name := g
			if name == "" {
				name = "Other"
			}
			r.s("### ")
			r.t(name)
			r.s("\n\n")
		}
		for _, i := range byGroup[g] {
			r.checkItem(&items[i], list == model.ListCompliance)
		}
		r.s("\n")
	}
}

func (r *report) checkItem(c *model.CheckItem, bold bool) {
	switch {
	case c.State == model.StateNA:
		// Not open work, and not done either: no box at all.
		r.s("- N/A: ")
	case c.State.Checked():
		r.s("- [x] ")
	default:
		r.s("- [ ] ")
	}
	if bold {
		r.s("**")
		r.t(c.Title)
		r.s("**")
	} else {
		r.t(c.Title)
	}
	if c.Detail != "" {
		r.s(" - ")
		r.t(c.Detail)
	}
	if mark, ok := stateMarks[c.State]; ok {
		r.s(mark)
	} else if !c.State.Checked() {
		r.s(" (")
		r.t(string(c.State))
		r.s(")")
	}
	if c.Note != "" {
		r.s(" — ")
		r.t(c.Note)
	}
	if len(c.Threats) > 0 {
		r.s(" — threats ")
		r.ids(c.Threats)
	}
	r.s("\n")
}

// free writes one of the Markdown sections, made safe to embed.
func (r *report) free(title, body string) {
	r.heading(2, title)
	if md := safeMarkdown(body); md != "" {
		r.s(md)
		r.s("\n\n")
	} else {
		r.none("Not written yet.")
	}
}

func (r *report) parking() {
	r.heading(2, "Parking Lot")
	resolved := 0
	open := 0
	for _, p := range r.m.Parking {
		if p.Resolved {
			resolved++
			continue
		}
		open++
		r.s("- **")
		r.t(p.ID)
		r.s("** ")
		r.t(p.Text)
		r.s(" _(added ")
		r.s(reportDate(p.Created))
		r.s(")_\n")
	}
	switch {
	case open > 0:
		r.s("\n")
	default:
		r.none("No open items.")
	}
	if resolved > 0 {
		r.int(resolved)
		if resolved == 1 {
			r.s(" resolved item is not shown.\n\n")
		} else {
			r.s(" resolved items are not shown.\n\n")
		}
	}
}

// stillOpen lists what the model still lacks (model.Missing), so a reader
// sees at a glance whether the threat model is finished.
func (r *report) stillOpen() {
	r.heading(2, "Still Open")
	gaps := r.m.Missing()
	if len(gaps) == 0 {
		r.s("Nothing: every section has been worked through.\n")
		return
	}
	for _, g := range gaps {
		r.s("- **")
		r.t(g.Section.String())
		r.s(":** ")
		r.t(g.Message)
		r.s("\n")
	}
}
