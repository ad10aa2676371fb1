package model

import (
	"slices"
	"time"
)

// Stamps say who added a record and who changed it last, and when.
type Stamps struct {
	CreatedBy string    `json:"created_by,omitempty"`
	CreatedAt time.Time `json:"created_at,omitzero"`
	UpdatedBy string    `json:"updated_by,omitempty"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`
}

// Contributors lists, once each and in first-seen order, who added or
// changed a threat or any of its mitigations.
func (t Threat) Contributors() []string {
	var out []string
	add := func(names ...string) {
		for _, n := range names {
			if n != "" && !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
	}
	add(t.CreatedBy, t.UpdatedBy)
	for _, mt := range t.Mitigations {
		add(mt.CreatedBy, mt.UpdatedBy)
	}
	if t.Vote != nil {
		add(t.Vote.By)
	}
	return out
}

// Stamp attributes a change to by at at: the edit gets By and At, and every
// threat it writes gets created/updated stamps — created when the change's
// undo shows no old threat, updated otherwise, with the old creation kept;
// each mitigation likewise, compared with the old threat's mitigation of
// the same id (an unchanged mitigation keeps its stamps). It is pure: the
// old values come from ch.Undo, so no model is needed. Apply the returned
// Do to the model to see the stamps there.
func Stamp(ch Change, by string, at time.Time) Change {
	old := map[string]Threat{}
	for _, r := range ch.Undo.Records {
		if r.Kind == RecThreat && r.Value != nil {
			old[r.ID] = deref[Threat](r.Value)
		}
	}
	out := ch
	out.Do.By, out.Do.At = by, at
	out.Do.Records = slices.Clone(ch.Do.Records)
	for i, r := range out.Do.Records {
		if r.Kind != RecThreat || r.Value == nil {
			continue
		}
		t := deref[Threat](r.Value)
		prev, had := old[r.ID]
		t.Mitigations = slices.Clone(t.Mitigations)
		if had {
			t.Stamps = prev.Stamps
			if !sameThreat(prev, t) {
				t.UpdatedBy, t.UpdatedAt = by, at
			}
		} else {
			t.Stamps = Stamps{CreatedBy: by, CreatedAt: at, UpdatedBy: by, UpdatedAt: at}
		}
		for j := range t.Mitigations {
			mt := &t.Mitigations[j]
			pm, ok := findMitigation(prev.Mitigations, mt.ID)
			switch {
			case !ok:
				mt.Stamps = Stamps{CreatedBy: by, CreatedAt: at, UpdatedBy: by, UpdatedAt: at}
			case pm.Description != mt.Description || pm.Status != mt.Status:
				mt.Stamps = pm.Stamps
				mt.UpdatedBy, mt.UpdatedAt = by, at
			default:
				mt.Stamps = pm.Stamps
			}
		}
		out.Do.Records[i] = Record{Kind: r.Kind, ID: r.ID, Value: t}
	}
	return out
}

func findMitigation(list []Mitigation, id string) (Mitigation, bool) {
	for _, m := range list {
		if m.ID == id {
			return m, true
		}
	}
	return Mitigation{}, false
}

// sameThreat reports whether two versions of a threat say the same thing,
// ignoring stamps (a re-save of an unchanged form changes nobody's credit).
func sameThreat(a, b Threat) bool {
	if a.Title != b.Title || a.Description != b.Description || a.Methodology != b.Methodology ||
		a.Category != b.Category || a.Vector != b.Vector || a.Likelihood != b.Likelihood ||
		a.Impact != b.Impact || a.Status != b.Status || a.LibraryID != b.LibraryID ||
		!slices.Equal(a.Assets, b.Assets) || !slices.Equal(a.Surface, b.Surface) ||
		!slices.Equal(a.Actors, b.Actors) || !slices.Equal(a.OWASP, b.OWASP) ||
		len(a.Mitigations) != len(b.Mitigations) || (a.Vote == nil) != (b.Vote == nil) {
		return false
	}
	if a.Vote != nil && !a.Vote.equal(*b.Vote) {
		return false
	}
	for i := range a.Mitigations {
		x, y := a.Mitigations[i], b.Mitigations[i]
		if x.ID != y.ID || x.Description != y.Description || x.Status != y.Status {
			return false
		}
	}
	return true
}

// SplitStamp takes out of ch the overview record every mutator writes just
// to move Overview.Updated, when that is all it changes. In a live session
// that record carries the sender's copy of the overview, so an edit of an
// asset committed just after someone else's overview edit would put the
// old overview back; without it, the edit touches only what it is about.
// restore is the overview as it was, for the caller's model (nil when ch
// is returned whole). The host can bump Updated itself (Touch).
func SplitStamp(ch Change) (out Change, restore *Record) {
	do, undo := -1, -1
	for i, r := range ch.Do.Records {
		if r.Kind == RecOverview {
			do = i
		}
	}
	for i, r := range ch.Undo.Records {
		if r.Kind == RecOverview {
			undo = i
		}
	}
	if do < 0 || undo < 0 || len(ch.Do.Records) == 1 {
		return ch, nil
	}
	cur, old := deref[Overview](ch.Do.Records[do].Value), deref[Overview](ch.Undo.Records[undo].Value)
	old.Updated = cur.Updated
	if !sameOverview(old, cur) {
		return ch, nil
	}
	r := ch.Undo.Records[undo]
	out = ch
	out.Do.Records = slices.Delete(slices.Clone(ch.Do.Records), do, do+1)
	out.Undo.Records = slices.Delete(slices.Clone(ch.Undo.Records), undo, undo+1)
	return out, &r
}

func sameOverview(a, b Overview) bool {
	return a.Title == b.Title && a.Owner == b.Owner && a.Summary == b.Summary && a.Scope == b.Scope &&
		slices.Equal(a.Participants, b.Participants) && a.Status == b.Status && a.Edition == b.Edition &&
		a.Created.Equal(b.Created) && a.Updated.Equal(b.Updated)
}

// Touch is e with the overview's Updated moved to at, for a host that
// commits edits without the overview record (SplitStamp): the record is
// m's own overview, so no one's overview edit is undone by it.
func (m *Model) Touch(e Edit, at time.Time) Edit {
	for _, r := range e.Records {
		if r.Kind == RecOverview {
			return e
		}
	}
	ov := m.Overview
	ov.Updated = at
	e.Records = append(slices.Clone(e.Records), Record{Kind: RecOverview, Value: ov})
	return e
}
