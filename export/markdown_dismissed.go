package export

import "github.com/threatdeck/threatdeck/model"

// dismissed is the appendix of suggestions the team ruled out, with the
// reason given, so a reviewer sees what was considered and why it was not
// taken. It is left out when nothing was dismissed.
func (r *report) dismissed() {
	if len(r.m.Dismissed) == 0 {
		return
	}
	r.heading(2, "Appendix: Considered and Dismissed")
	r.s("Suggested threats the team considered and ruled out.\n\n" +
		"| Suggestion | Threat | Reason | Dismissed |\n| --- | --- | --- | --- |\n")
	for _, id := range r.m.Dismissed {
		d := r.m.Dismissals[id]
		r.s("| ")
		r.t(id)
		r.s(" | ")
		lt, _ := model.LibraryThreatByID(id)
		r.textOr(lt.Title, "—")
		r.s(" | ")
		r.textOr(d.Reason, "_no reason given_")
		r.s(" | ")
		if d.At.IsZero() {
			r.s("—")
		} else {
			r.s(reportDate(d.At))
		}
		r.s(" |\n")
	}
	r.s("\n")
}
