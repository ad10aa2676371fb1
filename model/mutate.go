package model

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// Clock returns the current time; tests replace it for reproducible stamps.
// Times are UTC and whole seconds so exports are stable.
type Clock func() time.Time

// DefaultClock is the wall clock, UTC, to the second.
func DefaultClock() time.Time { return time.Now().UTC().Truncate(time.Second) }

// New returns an empty model with the catalog checklists seeded: both OWASP
// editions, security controls, testing and compliance, and six unreviewed
// STRIDE rows.
func New(title, owner string, now time.Time) (*Model, error) {
	m := &Model{Overview: Overview{Title: title, Owner: owner, Created: now, Updated: now}}
	if err := m.validateOverview(&m.Overview); err != nil {
		return nil, err
	}
	for _, list := range []ChecklistKind{ListControls, ListTesting, ListCompliance} {
		for _, t := range ChecklistCatalog(list) {
			m.Checklists = append(m.Checklists, CheckItem{ID: t.ID, List: t.List, Group: t.Group, Title: t.Title, Detail: t.Detail})
		}
	}
	m.Normalize()
	return m, nil
}

// Normalize fills in what every model has whatever its origin (an older
// workbook, an import): the six STRIDE rows, the OWASP items of both
// editions, empty lists rather than nil, and canonical order.
func (m *Model) Normalize() {
	m.ownList(allLists) // it writes records in place
	for _, s := range StrideCategories {
		if m.strideIndex(s) < 0 {
			m.Stride = append(m.Stride, StrideReview{Category: s})
		}
	}
	for _, e := range Editions {
		for _, it := range OWASPCatalog(e) {
			if m.CheckIndex(it.ID) < 0 {
				m.Checklists = append(m.Checklists, CheckItem{ID: it.ID, List: ListOWASP, Group: "OWASP Top 10 " + string(e), Title: it.Name})
			}
		}
	}
	if !m.Overview.Status.Valid() {
		m.Overview.Status = ReviewDraft
	}
	if !m.Overview.Edition.Valid() {
		m.Overview.Edition = OWASP2025
	}
	m.Assets = nonNil(m.Assets)
	m.Actors = nonNil(m.Actors)
	m.Surface = nonNil(m.Surface)
	m.Threats = nonNil(m.Threats)
	m.Parking = nonNil(m.Parking)
	m.Dismissed = nonNil(m.Dismissed)
	m.Overview.Participants = nonNil(m.Overview.Participants)
	for i := range m.Threats {
		t := &m.Threats[i]
		t.Assets, t.Surface, t.Actors, t.OWASP = nonNil(t.Assets), nonNil(t.Surface), nonNil(t.Actors), nonNil(t.OWASP)
		t.Mitigations = nonNil(t.Mitigations)
	}
	for i := range m.Checklists {
		m.Checklists[i].Threats = nonNil(m.Checklists[i].Threats)
	}
	if m.Seq == nil {
		m.Seq = map[string]int{}
	}
	m.Sort()
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// commit stamps the overview with now, applies the records and returns the
// change with its undo.
func (m *Model) commit(now time.Time, label string, recs ...Record) Change {
	ov := m.Overview
	for _, r := range recs {
		if r.Kind == RecOverview {
			ov = deref[Overview](r.Value)
		}
	}
	ov.Updated = now
	recs = slices.DeleteFunc(recs, func(r Record) bool { return r.Kind == RecOverview })
	recs = append(recs, Record{Kind: RecOverview, Value: ov})
	do := Edit{Label: label, Records: recs}
	return Change{Do: do, Undo: m.Apply(do)}
}

// withID gives a new entity an id, returning the counter record to persist.
func (m *Model) withID(id *string, prefix string) []Record {
	if *id != "" {
		return nil
	}
	var seq Record
	*id, seq = m.nextID(prefix)
	return []Record{seq}
}

func verb(isNew bool) string {
	if isNew {
		return "Added"
	}
	return "Saved"
}

// PutOverview validates and saves the overview.
func (m *Model) PutOverview(o Overview, now time.Time) (Change, error) {
	if err := m.validateOverview(&o); err != nil {
		return Change{}, err
	}
	return m.commit(now, "Saved overview", Record{Kind: RecOverview, Value: o}), nil
}

// PutSections validates and saves the free-form sections.
func (m *Model) PutSections(s Sections, now time.Time) (Change, error) {
	if err := m.validateSections(&s); err != nil {
		return Change{}, err
	}
	return m.commit(now, "Saved sections", Record{Kind: RecSections, Value: s}), nil
}

// PutAsset validates and saves an asset; one without an id is added.
func (m *Model) PutAsset(a Asset, now time.Time) (Change, error) {
	if err := m.validateAsset(&a); err != nil {
		return Change{}, err
	}
	recs := m.withID(&a.ID, PrefixAsset)
	return m.commit(now, fmt.Sprintf("%s asset %s", verb(recs != nil), a.ID), append(recs, Record{RecAsset, a.ID, a})...), nil
}

// PutActor validates and saves a threat actor; one without an id is added.
func (m *Model) PutActor(a Actor, now time.Time) (Change, error) {
	if err := m.validateActor(&a); err != nil {
		return Change{}, err
	}
	recs := m.withID(&a.ID, PrefixActor)
	return m.commit(now, fmt.Sprintf("%s actor %s", verb(recs != nil), a.ID), append(recs, Record{RecActor, a.ID, a})...), nil
}

// PutElement validates and saves an attack-surface element; one without an id is added.
func (m *Model) PutElement(s SurfaceElement, now time.Time) (Change, error) {
	if err := m.validateElement(&s); err != nil {
		return Change{}, err
	}
	recs := m.withID(&s.ID, PrefixSurface)
	return m.commit(now, fmt.Sprintf("%s surface element %s", verb(recs != nil), s.ID), append(recs, Record{RecSurface, s.ID, s})...), nil
}

// PutThreat validates and saves a threat with its mitigations; a threat or
// mitigation without an id is added.
func (m *Model) PutThreat(t Threat, now time.Time) (Change, error) {
	if err := m.prepareThreat(&t, now); err != nil {
		return Change{}, err
	}
	recs := m.withID(&t.ID, PrefixThreat)
	isNew := recs != nil
	for i := range t.Mitigations {
		recs = append(recs, m.withID(&t.Mitigations[i].ID, PrefixMitigation)...)
	}
	return m.commit(now, fmt.Sprintf("%s threat %s", verb(isNew), t.ID), append(recs, Record{RecThreat, t.ID, t})...), nil
}

// PutStride saves the review of one STRIDE category.
func (m *Model) PutStride(r StrideReview, now time.Time) (Change, error) {
	if err := m.validateStride(&r); err != nil {
		return Change{}, err
	}
	return m.commit(now, "Saved "+r.Category.Label()+" review", Record{RecStride, string(r.Category), r}), nil
}

// PutCheck validates and saves a checklist item; one without an id is a
// custom item and is added.
func (m *Model) PutCheck(ci CheckItem, now time.Time) (Change, error) {
	ci.Threats = slices.Clone(ci.Threats)
	if err := m.validateCheck(&ci); err != nil {
		return Change{}, err
	}
	recs := m.withID(&ci.ID, PrefixCheck)
	return m.commit(now, fmt.Sprintf("%s %s", verb(recs != nil), ci.Title), append(recs, Record{RecCheck, ci.ID, ci})...), nil
}

// PutParking saves a parking-lot item; one without an id is added.
func (m *Model) PutParking(p ParkingItem, now time.Time) (Change, error) {
	if p.Created.IsZero() {
		p.Created = now
	}
	if err := m.validateParking(&p); err != nil {
		return Change{}, err
	}
	recs := m.withID(&p.ID, PrefixParking)
	return m.commit(now, fmt.Sprintf("%s parking-lot item %s", verb(recs != nil), p.ID), append(recs, Record{RecParking, p.ID, p})...), nil
}

// SetEdition switches the OWASP Top 10 edition; the other edition's
// assessments are kept.
func (m *Model) SetEdition(e Edition, now time.Time) (Change, error) {
	o := m.Overview
	o.Edition = e
	return m.PutOverview(o, now)
}

// Dismiss records that a library suggestion does not apply, so it is not
// suggested again.
func (m *Model) Dismiss(libraryID string, now time.Time) (Change, error) {
	return m.DismissWithReason(libraryID, "", now)
}

// SetExtension stores another tool's data that has no home in threatdeck.
func (m *Model) SetExtension(tool string, data []byte, now time.Time) Change {
	return m.commit(now, "Saved "+tool+" data", Record{RecExtension, tool, json.RawMessage(data)})
}

// ErrNotFound is returned when an edit names an entity the model does not have.
type ErrNotFound struct {
	Kind RecordKind
	ID   string
}

func (e ErrNotFound) Error() string { return fmt.Sprintf("%s %q not found", e.Kind, e.ID) }

// DeleteAsset removes an asset and unlinks it from every threat.
func (m *Model) DeleteAsset(id string, now time.Time) (Change, error) {
	if m.AssetIndex(id) < 0 {
		return Change{}, ErrNotFound{RecAsset, id}
	}
	recs := m.unlinkThreats(id, func(t *Threat) *[]string { return &t.Assets })
	return m.commit(now, "Deleted asset "+id, append(recs, Record{Kind: RecAsset, ID: id})...), nil
}

// DeleteActor removes a threat actor and unlinks it from every threat.
func (m *Model) DeleteActor(id string, now time.Time) (Change, error) {
	if m.ActorIndex(id) < 0 {
		return Change{}, ErrNotFound{RecActor, id}
	}
	recs := m.unlinkThreats(id, func(t *Threat) *[]string { return &t.Actors })
	return m.commit(now, "Deleted actor "+id, append(recs, Record{Kind: RecActor, ID: id})...), nil
}

// DeleteElement removes a surface element, unlinks it from every threat and
// detaches data flows that started or ended at it.
func (m *Model) DeleteElement(id string, now time.Time) (Change, error) {
	if m.SurfaceIndex(id) < 0 {
		return Change{}, ErrNotFound{RecSurface, id}
	}
	recs := m.unlinkThreats(id, func(t *Threat) *[]string { return &t.Surface })
	for _, s := range m.Surface {
		if s.Source == id || s.Target == id {
			if s.Source == id {
				s.Source = ""
			}
			if s.Target == id {
				s.Target = ""
			}
			recs = append(recs, Record{RecSurface, s.ID, s})
		}
	}
	return m.commit(now, "Deleted surface element "+id, append(recs, Record{Kind: RecSurface, ID: id})...), nil
}

// DeleteThreat removes a threat and unlinks it from every checklist item.
func (m *Model) DeleteThreat(id string, now time.Time) (Change, error) {
	if m.ThreatIndex(id) < 0 {
		return Change{}, ErrNotFound{RecThreat, id}
	}
	var recs []Record
	for _, c := range m.Checklists {
		if slices.Contains(c.Threats, id) {
			c.Threats = slices.DeleteFunc(slices.Clone(c.Threats), func(s string) bool { return s == id })
			recs = append(recs, Record{RecCheck, c.ID, c})
		}
	}
	return m.commit(now, "Deleted threat "+id, append(recs, Record{Kind: RecThreat, ID: id})...), nil
}

// DeleteCheck removes a checklist item. Catalog items come back on the next
// Normalize only for OWASP; other lists are the team's to shape.
func (m *Model) DeleteCheck(id string, now time.Time) (Change, error) {
	if m.CheckIndex(id) < 0 {
		return Change{}, ErrNotFound{RecCheck, id}
	}
	if _, ok := OWASPByID(id); ok {
		return Change{}, ValidationError{{"id", "OWASP Top 10 items cannot be deleted; mark them not applicable"}}
	}
	return m.commit(now, "Deleted checklist item "+id, Record{Kind: RecCheck, ID: id}), nil
}

// DeleteParking removes a parking-lot item.
func (m *Model) DeleteParking(id string, now time.Time) (Change, error) {
	if m.ParkingIndex(id) < 0 {
		return Change{}, ErrNotFound{RecParking, id}
	}
	return m.commit(now, "Deleted parking-lot item "+id, Record{Kind: RecParking, ID: id}), nil
}

// Revert applies an undo edit, stamping the overview, and returns the
// change that would redo it.
func (m *Model) Revert(undo Edit, now time.Time) Change {
	return m.commit(now, undo.Label, undo.Records...)
}

func (m *Model) unlinkThreats(id string, field func(*Threat) *[]string) []Record {
	var recs []Record
	for _, t := range m.Threats {
		ids := field(&t)
		if slices.Contains(*ids, id) {
			*ids = slices.DeleteFunc(slices.Clone(*ids), func(s string) bool { return s == id })
			recs = append(recs, Record{RecThreat, t.ID, t})
		}
	}
	return recs
}
