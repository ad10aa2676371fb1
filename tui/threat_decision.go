package tui

import (
	"strings"

	"github.com/threatdeck/threatdeck/model"
)

// threatOverdue reports whether one of t's open mitigations is past due.
func threatOverdue(t *model.Threat, today model.Date) bool {
	for _, mt := range t.Mitigations {
		if mt.Overdue(today) {
			return true
		}
	}
	return false
}

// decisionLines describe a threat's decision for its detail view: the
// treatment with who decided when and the review date, then the rationale.
func (p *threatsPage) decisionLines(d *doc, t model.Threat) {
	st := p.s.styles
	if t.Treatment == "" && t.Rationale == "" {
		return
	}
	parts := []string{"Treatment: " + t.Decision().Label()}
	if t.DecidedBy != "" || t.DecidedAt != "" {
		by := "decided"
		if t.DecidedBy != "" {
			by += " by " + safeLine(t.DecidedBy)
		}
		if t.DecidedAt != "" {
			by += " on " + string(t.DecidedAt)
		}
		parts = append(parts, by)
	}
	line := st.Muted.Render(strings.Join(parts, " · "))
	if t.ReviewBy != "" {
		review := "review by " + string(t.ReviewBy)
		if t.ReviewOverdue(p.today()) {
			line += st.Muted.Render(" · ") + st.Warning.Render(review+" (overdue)")
		} else {
			line += st.Muted.Render(" · " + review)
		}
	}
	d.wrapped(line, "")
	if t.Rationale != "" {
		d.hanging(safe(t.Rationale), st.Muted.Render("Why: "))
	}
}

// mitigationPlan is a mitigation's owner, due date, ticket and won't-do
// reason on one line, or "".
func (p *threatsPage) mitigationPlan(mt model.Mitigation) string {
	st := p.s.styles
	var parts []string
	if mt.Owner != "" {
		parts = append(parts, "owner "+safeLine(mt.Owner))
	}
	if mt.Due != "" {
		due := "due " + string(mt.Due)
		if mt.Overdue(p.today()) {
			parts = append(parts, st.Warning.Render(due+" (overdue)"))
		} else {
			parts = append(parts, due)
		}
	}
	if mt.Ticket != "" {
		parts = append(parts, safeLine(mt.Ticket))
	}
	if mt.Reason != "" {
		parts = append(parts, "won't do: "+safeLine(mt.Reason))
	}
	return strings.Join(parts, " · ")
}
