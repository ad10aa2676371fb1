package model

import "slices"

// Reserve makes room for n more records of kind k, so a loader that knows
// how many are coming (the store counts a bucket's keys) appends them
// without regrowing the list: for 10,000 threats the regrowth alone cost a
// third of the load time.
func (m *Model) Reserve(k RecordKind, n int) {
	switch k {
	case RecAsset:
		m.Assets = slices.Grow(m.Assets, n)
	case RecActor:
		m.Actors = slices.Grow(m.Actors, n)
	case RecSurface:
		m.Surface = slices.Grow(m.Surface, n)
	case RecThreat:
		m.Threats = slices.Grow(m.Threats, n)
	case RecStride:
		m.Stride = slices.Grow(m.Stride, n)
	case RecCheck:
		m.Checklists = slices.Grow(m.Checklists, n)
	case RecParking:
		m.Parking = slices.Grow(m.Parking, n)
	case RecDismissed:
		m.Dismissed = slices.Grow(m.Dismissed, n)
	}
}
