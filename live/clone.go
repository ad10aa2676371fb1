package live

import (
	"encoding/json"
	"slices"

	"github.com/threatdeck/threatdeck/model"
)

// cloneModel is a copy of m the caller may change without touching m,
// and without copying m's records: the two share their lists until one
// writes one (model.Share), so twenty sessions on a 10,000-threat model
// do not hold twenty copies of it. TestSessionEditsStayPrivate fails if an
// edit in one session could show through another's or the host's model.
func cloneModel(m *model.Model) *model.Model { return m.Share() }

// The clones make nil lists that Normalize makes empty empty too, as a
// model read from the store has them, so the host's copy and the store
// never differ; lists a model may leave out (omitempty) keep their nil.
func cloneOverview(o model.Overview) model.Overview {
	o.Participants = cloneList(o.Participants)
	return o
}

func cloneSurface(s model.SurfaceElement) model.SurfaceElement {
	s.Traits = slices.Clone(s.Traits)
	return s
}

func cloneThreat(t model.Threat) model.Threat {
	t.Assets = cloneList(t.Assets)
	t.Surface = cloneList(t.Surface)
	t.Actors = cloneList(t.Actors)
	t.OWASP = cloneList(t.OWASP)
	t.Mitigations = cloneList(t.Mitigations)
	if t.Vote != nil {
		v := *t.Vote
		v.Votes = slices.Clone(v.Votes)
		t.Vote = &v
	}
	return t
}

func cloneCheck(c model.CheckItem) model.CheckItem {
	c.Threats = cloneList(c.Threats)
	return c
}

func clonePoker(r model.PokerRound) model.PokerRound {
	r.Votes = slices.Clone(r.Votes)
	return r
}

func cloneSession(r model.SessionRecord) model.SessionRecord {
	r.Attendees = slices.Clone(r.Attendees)
	r.Steps = slices.Clone(r.Steps)
	return r
}

func cloneList[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return slices.Clone(s)
}

// cloneEdit copies an edit with values in their plain form, so the host
// never shares a slice with a member's model.
func cloneEdit(e model.Edit) model.Edit {
	recs := make([]model.Record, len(e.Records))
	for i, r := range e.Records {
		v := plain(r.Value)
		switch x := v.(type) {
		case model.Overview:
			v = cloneOverview(x)
		case model.SurfaceElement:
			v = cloneSurface(x)
		case model.Threat:
			v = cloneThreat(x)
		case model.CheckItem:
			v = cloneCheck(x)
		case model.PokerRound:
			v = clonePoker(x)
		case model.SessionRecord:
			v = cloneSession(x)
		case json.RawMessage:
			v = slices.Clone(x)
		}
		recs[i] = model.Record{Kind: r.Kind, ID: r.ID, Value: v}
	}
	e.Records = recs
	return e
}
