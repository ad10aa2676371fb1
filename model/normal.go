package model

// Normal reports whether m is already in the form Normalize gives it, so
// that Normalize would change nothing: every STRIDE row and OWASP item
// present, valid overview status and edition, empty lists rather than
// nil, and every list in canonical order. It only reads m. A model loaded
// from the store is normal; an export that must not write the caller's
// model can then use it as it is instead of normalizing a copy (for a
// 10,000-threat model, a 4 MB copy of its threats and a second pass of
// sort checks). It must say false whenever Normalize would change
// anything (TestNormalMatchesNormalize).
func (m *Model) Normal() bool {
	for _, s := range StrideCategories {
		if m.strideIndex(s) < 0 {
			return false
		}
	}
	for _, e := range Editions {
		for _, it := range OWASPCatalog(e) {
			if m.CheckIndex(it.ID) < 0 {
				return false
			}
		}
	}
	if !m.Overview.Status.Valid() || !m.Overview.Edition.Valid() {
		return false
	}
	if m.Assets == nil || m.Actors == nil || m.Surface == nil || m.Threats == nil || m.Parking == nil ||
		m.Dismissed == nil || m.Overview.Participants == nil || m.Seq == nil {
		return false
	}
	for i := range m.Threats {
		t := &m.Threats[i]
		if t.Assets == nil || t.Surface == nil || t.Actors == nil || t.OWASP == nil || t.Mitigations == nil {
			return false
		}
	}
	for i := range m.Checklists {
		if m.Checklists[i].Threats == nil {
			return false
		}
	}
	unsorted := false
	m.sortLists(&unsorted)
	return !unsorted
}
