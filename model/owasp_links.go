package model

import "slices"

// OWASPLinks maps each checklist item id to the threats linked to it:
// those the item lists and those whose own OWASP tags name it, in id
// order without repeats. The OWASP step and the report both show these,
// so a threat tagged A03 appears under A03 in both.
func (m *Model) OWASPLinks() map[string][]string {
	out := map[string][]string{}
	for i := range m.Threats {
		t := &m.Threats[i]
		for _, o := range t.OWASP {
			out[o] = append(out[o], t.ID)
		}
	}
	for i := range m.Checklists {
		c := &m.Checklists[i]
		if len(c.Threats) > 0 {
			out[c.ID] = append(out[c.ID], c.Threats...)
		}
	}
	for k, ids := range out {
		slices.SortFunc(ids, CompareIDs)
		out[k] = slices.Compact(ids)
	}
	return out
}
