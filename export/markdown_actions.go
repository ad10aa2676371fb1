package export

import (
	"cmp"
	"net/url"
	"slices"
	"strings"

	"github.com/threatdeck/threatdeck/model"
)

// actionItem is one open mitigation on one threat, for the action items.
type actionItem struct {
	owner  string
	due    model.Date
	threat *model.Threat
	mit    *model.Mitigation
}

// actions writes what a team takes out of a session: the open mitigations
// by owner, soonest due first, each with its ticket linked ("Action
// Items"), then the risks accepted, transferred or avoided with who decided
// why and when to look again ("Risk Decisions").
func (r *report) actions() {
	r.heading(2, "Action Items")
	// Counted first, so the list is made once at its size: grown as it
	// was filled, it allocated twice that for 20,000 open mitigations.
	n := 0
	for i := range r.m.Threats {
		for j := range r.m.Threats[i].Mitigations {
			if r.m.Threats[i].Mitigations[j].IsOpen() {
				n++
			}
		}
	}
	items := make([]actionItem, 0, n)
	for i := range r.m.Threats {
		t := &r.m.Threats[i]
		for j := range t.Mitigations {
			if mt := &t.Mitigations[j]; mt.IsOpen() {
				items = append(items, actionItem{owner: mt.Owner, due: mt.Due, threat: t, mit: mt})
			}
		}
	}
	if len(items) == 0 {
		r.none("No open mitigations.")
	} else {
		// Unassigned work last, so it stands out at the end; within an
		// owner, dated work first, soonest first.
		slices.SortStableFunc(items, func(a, b actionItem) int {
			if (a.owner == "") != (b.owner == "") {
				if a.owner == "" {
					return 1
				}
				return -1
			}
			if c := strings.Compare(a.owner, b.owner); c != 0 {
				return c
			}
			if (a.due == "") != (b.due == "") {
				if a.due == "" {
					return 1
				}
				return -1
			}
			return cmp.Compare(a.due, b.due)
		})
		for i, it := range items {
			r.spill()
			if i == 0 || it.owner != items[i-1].owner {
				if i > 0 {
					r.s("\n")
				}
				if it.owner == "" {
					r.heading(3, "Unassigned")
				} else {
					r.b = append(r.b, "### "...)
					r.t(it.owner)
					r.s("\n\n")
				}
				r.s("| Due | Mitigation | Threat | Status | Ticket |\n| --- | --- | --- | --- | --- |\n")
			}
			r.s("| ")
			r.textOr(string(it.due), "—")
			r.s(" | ")
			r.t(it.mit.Description)
			r.s(" | ")
			r.t(it.threat.ID)
			r.s(" ")
			r.t(it.threat.Title)
			r.s(" | ")
			r.s(r.mitStatus(it.mit.Status))
			r.s(" | ")
			r.ticket(it.mit.Ticket)
			r.s(" |\n")
		}
		r.s("\n")
	}
	r.decisions()
}

// ticket writes a ticket as a link. Tickets are validated http(s) URLs
// without spaces, quotes or angle brackets, so the <…> destination form
// holds any of them (parentheses included); one that is not is written as
// escaped text, never as a link.
func (r *report) ticket(s string) {
	if s == "" {
		r.s("—")
		return
	}
	if model.ValidTicket(s) != nil {
		r.t(s)
		return
	}
	r.s("[")
	r.t(ticketLabel(s))
	r.s("](<")
	r.s(s)
	r.s(">)")
}

// ticketLabel is a short name for a ticket link: the last part of its path
// ("SEC-12" for …/browse/SEC-12), else its host.
func ticketLabel(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return s
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	if last := parts[len(parts)-1]; last != "" {
		if un, err := url.PathUnescape(last); err == nil {
			return un
		}
		return last
	}
	return u.Host
}

// decisions lists the threats whose risk was accepted, transferred or
// avoided: what was decided, why, by whom, when, and when to review it.
func (r *report) decisions() {
	r.heading(2, "Risk Decisions")
	n := 0
	for i := range r.m.Threats {
		t := &r.m.Threats[i]
		d := t.Decision()
		if !d.NeedsRationale() {
			continue
		}
		if n == 0 {
			r.s("| Threat | Decision | Rationale | Decided by | Decided | Review by |\n| --- | --- | --- | --- | --- | --- |\n")
		}
		n++
		r.spill()
		r.s("| ")
		r.t(t.ID)
		r.s(" ")
		r.t(t.Title)
		r.s(" | ")
		r.t(d.Label())
		r.s(" | ")
		r.textOr(t.Rationale, "_none recorded_")
		for _, v := range []string{t.DecidedBy, string(t.DecidedAt), string(t.ReviewBy)} {
			r.s(" | ")
			r.textOr(v, "—")
		}
		r.s(" |\n")
	}
	if n == 0 {
		r.none("No risk has been accepted, transferred or avoided.")
		return
	}
	r.s("\n")
}

// textOr writes user text escaped for one line, or the placeholder (which
// is Markdown, written as is) when the text is empty.
func (r *report) textOr(s, placeholder string) {
	if s == "" {
		r.s(placeholder)
		return
	}
	r.t(s)
}
