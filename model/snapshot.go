package model

import (
	"maps"
	"slices"
)

// Snapshot is a copy of m that later edits of m leave as it is, so it can
// be read on another goroutine (a report rendered in the background)
// while m is edited. Its lists and maps are its own; the records in them
// are shared with m, which is safe because an edit replaces a record
// whole (setRecord) and the mutators clone a record's inner lists before
// they change them. Copying the lists is cheap next to reading them all.
func (m *Model) Snapshot() *Model {
	c := *m
	c.Assets = slices.Clone(m.Assets)
	c.Actors = slices.Clone(m.Actors)
	c.Surface = slices.Clone(m.Surface)
	c.Threats = slices.Clone(m.Threats)
	c.Stride = slices.Clone(m.Stride)
	c.Checklists = slices.Clone(m.Checklists)
	c.Parking = slices.Clone(m.Parking)
	c.Dismissed = slices.Clone(m.Dismissed)
	c.Dismissals = maps.Clone(m.Dismissals)
	c.Extensions = maps.Clone(m.Extensions)
	c.Seq = maps.Clone(m.Seq)
	c.Votes = slices.Clone(m.Votes)
	c.Poker = slices.Clone(m.Poker)
	c.Sessions = slices.Clone(m.Sessions)
	return &c
}
