package model

import (
	"slices"
	"strings"
	"time"
)

// SessionRecord is the record of one facilitated session on a model: who
// attended and when, and how long was spent on each step. Votes and
// decisions are the model's poker rounds that fall inside the session.
// The facilitator's TUI writes it (RecSession), so only one writer keeps it.
type SessionRecord struct {
	ID          string       `json:"id"`
	Facilitator string       `json:"facilitator"`
	Started     time.Time    `json:"started"`
	Ended       time.Time    `json:"ended,omitzero"`
	Attendees   []Attendance `json:"attendees"`
	Steps       []StepTime   `json:"steps"`
}

// Attendance is one person's time in a session.
type Attendance struct {
	Name   string    `json:"name"`
	Role   Role      `json:"role"`
	Joined time.Time `json:"joined"`
	Left   time.Time `json:"left,omitzero"`
}

// StepTime is the time spent on one step, in whole seconds.
type StepTime struct {
	Step    string `json:"step"`
	Seconds int64  `json:"seconds"`
}

// Shared reports whether the record is worth keeping: someone besides
// the facilitator attended, or the session timer counted time on a step
// (a facilitator timing a session alone, in a room on one screen).
func (r SessionRecord) Shared() bool {
	names := map[string]bool{}
	for _, a := range r.Attendees {
		names[a.Name] = true
	}
	return len(names) > 1 || len(r.Steps) > 0
}

// SessionID is the id of a session record started at t.
func SessionID(t time.Time) string { return "S-" + t.UTC().Format("20060102T150405Z") }

// Attend returns rec with the participants present at now: those new to
// it join, those gone leave, those back rejoin (a new line, so each stay
// has its own times). Names are cleaned; rec is not modified.
func (rec SessionRecord) Attend(present []Participant, now time.Time) SessionRecord {
	out := rec
	out.Attendees = slices.Clone(rec.Attendees)
	here := map[string]Role{}
	for _, p := range present {
		if n := strings.TrimSpace(CleanLine(p.Name)); n != "" {
			here[n] = p.Role
		}
	}
	open := map[string]bool{}
	for i := range out.Attendees {
		a := &out.Attendees[i]
		if !a.Left.IsZero() {
			continue
		}
		if _, ok := here[a.Name]; ok {
			open[a.Name] = true
		} else {
			a.Left = now
		}
	}
	names := make([]string, 0, len(here))
	for n := range here {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		if !open[n] {
			out.Attendees = append(out.Attendees, Attendance{Name: n, Role: here[n], Joined: now})
		}
	}
	return out
}

// SameAs reports whether two session records hold the same information.
func (rec SessionRecord) SameAs(o SessionRecord) bool {
	return rec.ID == o.ID && rec.Facilitator == o.Facilitator && rec.Started.Equal(o.Started) &&
		rec.Ended.Equal(o.Ended) && slices.Equal(rec.Attendees, o.Attendees) && slices.Equal(rec.Steps, o.Steps)
}

// PutSession saves a session record. It does not stamp the overview: the
// record is about the meeting, not the model's content.
func (m *Model) PutSession(rec SessionRecord) (Change, error) {
	if rec.ID == "" {
		return Change{}, ValidationError{{Field: "id", Message: "a session record needs an id"}}
	}
	rec.Facilitator = CleanLine(rec.Facilitator)
	rec.Attendees = slices.Clone(rec.Attendees)
	for i := range rec.Attendees {
		rec.Attendees[i].Name = CleanLine(rec.Attendees[i].Name)
	}
	rec.Steps = slices.Clone(rec.Steps)
	return m.recordOnly("Session record "+rec.ID, Record{RecSession, rec.ID, rec}), nil
}

// RoundsIn lists the poker rounds started during a session (between its
// start and end; an open session has no end), by start time.
func (m *Model) RoundsIn(rec SessionRecord) []PokerRound {
	var out []PokerRound
	for _, r := range m.Poker {
		if r.StartedAt.Before(rec.Started) || (!rec.Ended.IsZero() && r.StartedAt.After(rec.Ended)) {
			continue
		}
		out = append(out, r)
	}
	slices.SortStableFunc(out, func(a, b PokerRound) int { return a.StartedAt.Compare(b.StartedAt) })
	return out
}
