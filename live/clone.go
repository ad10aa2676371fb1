package live

import (
	"encoding/json"
	"maps"
	"slices"

	"github.com/threatdeck/threatdeck/model"
)

// cloneModel copies m deeply enough that the copy can be changed without
// touching m: every slice and map is new; strings are shared, being
// immutable.
func cloneModel(m *model.Model) *model.Model {
	c := *m
	c.Overview = cloneOverview(m.Overview)
	c.Assets = slices.Clone(m.Assets)
	c.Actors = slices.Clone(m.Actors)
	c.Surface = slices.Clone(m.Surface)
	c.Threats = slices.Clone(m.Threats)
	for i := range c.Threats {
		c.Threats[i] = cloneThreat(c.Threats[i])
	}
	c.Stride = slices.Clone(m.Stride)
	c.Checklists = slices.Clone(m.Checklists)
	for i := range c.Checklists {
		c.Checklists[i].Threats = cloneList(c.Checklists[i].Threats)
	}
	c.Parking = slices.Clone(m.Parking)
	c.Dismissed = slices.Clone(m.Dismissed)
	if m.Extensions != nil {
		c.Extensions = make(map[string]json.RawMessage, len(m.Extensions))
		for k, v := range m.Extensions {
			c.Extensions[k] = slices.Clone(v)
		}
	}
	c.Seq = maps.Clone(m.Seq)
	return &c
}

// The clones make nil lists empty, as a model read from the store has
// them (model.Normalize), so the host's copy and the store never differ.
func cloneOverview(o model.Overview) model.Overview {
	o.Participants = cloneList(o.Participants)
	return o
}

func cloneThreat(t model.Threat) model.Threat {
	t.Assets = cloneList(t.Assets)
	t.Surface = cloneList(t.Surface)
	t.Actors = cloneList(t.Actors)
	t.OWASP = cloneList(t.OWASP)
	t.Mitigations = cloneList(t.Mitigations)
	return t
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
		case model.Threat:
			v = cloneThreat(x)
		case model.CheckItem:
			x.Threats = cloneList(x.Threats)
			v = x
		case json.RawMessage:
			v = slices.Clone(x)
		}
		recs[i] = model.Record{Kind: r.Kind, ID: r.ID, Value: v}
	}
	e.Records = recs
	return e
}
