package model

import (
	"slices"
	"time"
)

// The Build mutators serve an importer assembling a fresh model: each
// validates and cleans one entity exactly as the matching Put mutator does
// (the same validation code) and issues the ids it lacks from the model's
// counters, but records no edit — no undo records, no label, no overview
// stamp — and does not put the entity into the model: the importer installs
// the results itself, sorted once. A fresh model has no undo to offer, and
// building an edit per entity was most of an import's allocations. Links
// are checked against the model as it stands.

// BuildAsset returns the asset as PutAsset would save it.
func (m *Model) BuildAsset(a Asset) (Asset, error) {
	if err := m.validateAsset(&a); err != nil {
		return Asset{}, err
	}
	m.withID(&a.ID, PrefixAsset)
	return a, nil
}

// BuildActor returns the threat actor as PutActor would save it.
func (m *Model) BuildActor(a Actor) (Actor, error) {
	if err := m.validateActor(&a); err != nil {
		return Actor{}, err
	}
	m.withID(&a.ID, PrefixActor)
	return a, nil
}

// BuildElement returns the attack-surface element as PutElement would
// save it.
func (m *Model) BuildElement(s SurfaceElement) (SurfaceElement, error) {
	if err := m.validateElement(&s); err != nil {
		return SurfaceElement{}, err
	}
	m.withID(&s.ID, PrefixSurface)
	return s, nil
}

// BuildThreat returns the threat, with its mitigations, as PutThreat
// would save it at now.
func (m *Model) BuildThreat(t Threat, now time.Time) (Threat, error) {
	t.Mitigations = slices.Clone(t.Mitigations) // the caller's are never cleaned in place
	if err := m.BuildOwnThreat(&t, now); err != nil {
		return Threat{}, err
	}
	return t, nil
}

// BuildOwnThreat builds *t in place as BuildThreat builds a copy, for an
// importer whose threat, mitigations included, is its own to give: they
// are cleaned and given ids where they are, not copied first. On an error
// *t is left part cleaned and must not be used. An import of 10,000
// threats copied 10,000 lists of mitigations it then threw away.
func (m *Model) BuildOwnThreat(t *Threat, now time.Time) error {
	m.stampDecision(t, now)
	if err := m.validateThreat(t); err != nil {
		return err
	}
	m.withID(&t.ID, PrefixThreat)
	for i := range t.Mitigations {
		m.withID(&t.Mitigations[i].ID, PrefixMitigation)
	}
	return nil
}

// prepareThreat stamps and validates a threat the way every save of one
// does; the mitigations are copied first so the caller's slice is never
// cleaned in place.
func (m *Model) prepareThreat(t *Threat, now time.Time) error {
	t.Mitigations = slices.Clone(t.Mitigations)
	m.stampDecision(t, now)
	return m.validateThreat(t)
}
