package export

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/threatdeck/threatdeck/model"
)

// sessionRecord writes the "Session Record" section: each facilitated
// session (who attended and when, the time spent per step, the risk-poker
// rounds it held), then every agreed risk with its votes and the
// contributors of each threat. A model never worked on in a session, with
// no votes and no attribution, has no such section, so older reports stay
// as they were. The order is fixed (sessions by id, threats by id) and all
// user text is escaped.
func (r *report) sessionRecord() {
	m := r.m
	var decided, credited []*model.Threat
	for i := range m.Threats {
		t := &m.Threats[i]
		if t.Vote != nil {
			decided = append(decided, t)
		}
		if len(t.Contributors()) > 0 {
			credited = append(credited, t)
		}
	}
	if len(m.Sessions) == 0 && len(decided) == 0 && len(credited) == 0 {
		return
	}
	r.heading(2, "Session Record")
	sessions := slices.Clone(m.Sessions)
	slices.SortFunc(sessions, func(a, b model.SessionRecord) int { return strings.Compare(a.ID, b.ID) })
	for _, s := range sessions {
		r.session(s)
	}
	if len(decided) > 0 {
		r.heading(3, "Risk Poker Results")
		for _, t := range decided {
			r.decision(t)
		}
		r.s("\n")
	}
	if len(credited) > 0 {
		r.heading(3, "Contributors by Threat")
		r.s("| Threat | Added by | Last changed by | Contributors |\n| --- | --- | --- | --- |\n")
		for _, t := range credited {
			r.s("| ")
			r.t(t.ID)
			r.s(" ")
			r.t(t.Title)
			r.s(" | ")
			r.textOr(t.CreatedBy, "—")
			r.s(" | ")
			r.textOr(t.UpdatedBy, "—")
			r.s(" | ")
			r.t(strings.Join(t.Contributors(), ", "))
			r.s(" |\n")
		}
		r.s("\n")
	}
}

// session writes one session: facts, attendance, step times, rounds.
func (r *report) session(s model.SessionRecord) {
	r.s("### Session ")
	r.t(s.ID)
	r.s("\n\n- **Facilitator:** ")
	r.textOr(s.Facilitator, "—")
	r.s("\n- **Started:** ")
	r.s(stamp(s.Started))
	r.s("\n- **Ended:** ")
	if s.Ended.IsZero() {
		r.s("not recorded")
	} else {
		r.s(stamp(s.Ended))
		r.s(" (")
		r.s(minutes(s.Ended.Sub(s.Started)))
		r.s(")")
	}
	r.s("\n\n")
	if len(s.Attendees) > 0 {
		r.s("| Attendee | Role | Joined | Left |\n| --- | --- | --- | --- |\n")
		for _, a := range s.Attendees {
			r.s("| ")
			r.t(a.Name)
			r.s(" | ")
			r.t(string(a.Role))
			r.s(" | ")
			r.s(stamp(a.Joined))
			r.s(" | ")
			if a.Left.IsZero() {
				r.s("—")
			} else {
				r.s(stamp(a.Left))
			}
			r.s(" |\n")
		}
		r.s("\n")
	}
	if len(s.Steps) > 0 {
		r.s("| Step | Time spent |\n| --- | --- |\n")
		for _, st := range s.Steps {
			r.s("| ")
			r.t(stepLabel(st.Step))
			r.s(" | ")
			r.s(minutes(time.Duration(st.Seconds) * time.Second))
			r.s(" |\n")
		}
		r.s("\n")
	} else {
		r.none("The session timer was not running, so no time per step was recorded.")
	}
	rounds := r.m.RoundsIn(s)
	if len(rounds) == 0 {
		return
	}
	r.s("**Votes and decisions**\n\n")
	for _, rd := range rounds {
		r.s("- **")
		r.t(rd.ThreatID)
		r.s("**")
		if t, ok := r.m.Threat(rd.ThreatID); ok {
			r.s(" ")
			r.t(t.Title)
		}
		r.s(": round ")
		r.int(rd.Round)
		r.s(", started by ")
		r.textOr(rd.StartedBy, "—")
		r.s(" at ")
		r.s(stamp(rd.StartedAt))
		votes := rd.Votes
		if rd.State != model.PokerRecorded {
			votes = r.m.RoundVotes(rd.ThreatID)
		}
		switch rd.State {
		case model.PokerOpen:
			r.s("; ")
			r.int(len(votes))
			if len(votes) == 1 {
				r.s(" vote so far, not revealed")
			} else {
				r.s(" votes so far, not revealed")
			}
		default:
			r.s("; ")
			r.votes(votes)
			if rd.State == model.PokerRecorded {
				r.s("; **agreed likelihood ")
				r.int(rd.Likelihood)
				r.s(", impact ")
				r.int(rd.Impact)
				r.s("**")
			} else {
				r.s("; revealed, no value recorded yet")
			}
		}
		r.s("\n")
	}
	r.s("\n")
}

// decision writes one agreed risk and its votes.
func (r *report) decision(t *model.Threat) {
	v := t.Vote
	r.s("- **")
	r.t(t.ID)
	r.s("** ")
	r.t(t.Title)
	r.s(": likelihood ")
	r.int(v.Likelihood)
	r.s(", impact ")
	r.int(v.Impact)
	r.s(", agreed by ")
	r.textOr(v.By, "—")
	r.s(" on ")
	r.s(stamp(v.At))
	r.s(" from ")
	r.votes(v.Votes)
	r.s("\n")
}

// votes writes "2 votes (ann L2 · I4, bob L4 · I5), spread likelihood 2–4, impact 4–5".
func (r *report) votes(votes []model.Vote) {
	r.int(len(votes))
	if len(votes) == 1 {
		r.s(" vote")
	} else {
		r.s(" votes")
	}
	if len(votes) == 0 {
		return
	}
	r.s(" (")
	for i, v := range votes {
		if i > 0 {
			r.s(", ")
		}
		r.t(v.Voter)
		r.s(fmt.Sprintf(" L%d · I%d", v.Likelihood, v.Impact))
	}
	r.s(")")
	if sp, ok := model.SpreadOf(votes); ok {
		r.s(fmt.Sprintf(", spread likelihood %s, impact %s", spread(sp.LikelihoodMin, sp.LikelihoodMax), spread(sp.ImpactMin, sp.ImpactMax)))
	}
}

func spread(lo, hi int) string {
	if lo == hi {
		return fmt.Sprint(lo)
	}
	return fmt.Sprintf("%d–%d", lo, hi)
}

// stamp is a session time in UTC, so the report reads the same anywhere.
func stamp(t time.Time) string {
	if t.IsZero() {
		return "not recorded"
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// minutes is a duration as "1 h 05 min", "12 min" or, under a minute,
// "40 s".
func minutes(d time.Duration) string {
	if d < 30*time.Second {
		return fmt.Sprintf("%d s", int(d/time.Second))
	}
	m := int(d.Round(time.Minute) / time.Minute)
	if m >= 60 {
		return fmt.Sprintf("%d h %02d min", m/60, m%60)
	}
	return fmt.Sprintf("%d min", m)
}

// stepLabel turns a stored step name ("attack-surface") into words.
func stepLabel(name string) string {
	name = strings.ReplaceAll(name, "-", " ")
	if name == "" {
		return "—"
	}
	return strings.ToUpper(name[:1]) + name[1:]
}
