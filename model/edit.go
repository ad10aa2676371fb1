package model

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"
)

// RecordKind names a kind of record a model is stored as. The store keeps
// one bbolt bucket per kind, so an edit rewrites only what it touches.
type RecordKind string

// Record kinds.
const (
	RecOverview  RecordKind = "overview"  // ID ""; Value Overview
	RecAsset     RecordKind = "asset"     // Value Asset
	RecActor     RecordKind = "actor"     // Value Actor
	RecSurface   RecordKind = "surface"   // Value SurfaceElement
	RecThreat    RecordKind = "threat"    // Value Threat (mitigations inside)
	RecStride    RecordKind = "stride"    // ID the category; Value StrideReview
	RecCheck     RecordKind = "check"     // Value CheckItem
	RecSections  RecordKind = "sections"  // ID ""; Value Sections
	RecParking   RecordKind = "parking"   // Value ParkingItem
	RecDismissed RecordKind = "dismissed" // ID the library id; Value Dismissal (true before reasons were kept)
	RecExtension RecordKind = "extension" // ID the tool; Value json.RawMessage
	RecSeq       RecordKind = "seq"       // ID the prefix; Value int
	RecVote      RecordKind = "vote"      // ID VoteID(threat, voter); Value Vote
	RecPoker     RecordKind = "poker"     // ID the threat id; Value PokerRound
	RecSession   RecordKind = "session"   // ID the session id; Value SessionRecord
)

// RecordKinds lists every record kind.
var RecordKinds = []RecordKind{RecOverview, RecAsset, RecActor, RecSurface, RecThreat, RecStride, RecCheck, RecSections, RecParking, RecDismissed, RecExtension, RecSeq, RecVote, RecPoker, RecSession}

// Record is one stored unit of a model. A nil Value deletes the record.
type Record struct {
	Kind  RecordKind
	ID    string
	Value any
}

// Edit is a set of records written together: one user action, persisted in
// one transaction.
type Edit struct {
	// Label says what the edit did, for the status line and undo ("Added asset AS-3").
	Label   string
	Records []Record
	// By is who made the edit: the local user, or in a live session the
	// participant's name. The live host sets it from the connection, so a
	// client cannot claim to be someone else; "" means the local user.
	By string `json:",omitempty"`
	// At is when the edit was committed; zero means "now" to the store.
	At time.Time `json:",omitzero"`

	// lists are the host's lists before and after the edit (WithLists).
	lists *editLists
}

// Change is an applied edit and the edit that reverses it.
type Change struct {
	Do   Edit
	Undo Edit
}

// Apply writes e's records into m and returns the edit that reverses it.
func (m *Model) Apply(e Edit) Edit {
	undo := Edit{Label: "Undo: " + e.Label}
	follow := m.followed(e)
	for _, r := range e.Records {
		// Id counters only move forward, so an undone addition never
		// hands its id to something else.
		if r.Kind != RecSeq {
			old, _ := m.record(r.Kind, r.ID)
			undo.Records = append(undo.Records, Record{Kind: r.Kind, ID: r.ID, Value: old})
		}
		if kindList(r.Kind)&follow == 0 {
			m.setRecord(r)
		}
	}
	if follow != 0 {
		m.take(follow, e)
	}
	m.rejoin(e, follow)
	slices.Reverse(undo.Records)
	return undo
}

// Records lists every record of m, in a stable order, each Value a copy.
func (m *Model) Records() []Record {
	out := m.RecordRefs()
	for i, r := range out {
		if v := reflect.ValueOf(r.Value); v.Kind() == reflect.Pointer {
			out[i].Value = v.Elem().Interface()
		}
	}
	return out
}

// RecordRefs is Records with each value held in m (the overview, the
// sections and every list's entries) a pointer into m instead of a copy:
// the store writes a whole model this way, and copying its 100,000
// threats first held 65 MB more for the whole write. The values are
// only to be read, while m does not change.
func (m *Model) RecordRefs() []Record {
	out := make([]Record, 0, 2+len(m.Assets)+len(m.Actors)+len(m.Surface)+len(m.Threats)+len(m.Stride)+len(m.Checklists)+
		len(m.Parking)+len(m.Dismissed)+len(m.Extensions)+len(m.Seq)+len(m.Votes)+len(m.Poker)+len(m.Sessions))
	out = append(out, Record{Kind: RecOverview, Value: &m.Overview}, Record{Kind: RecSections, Value: &m.Sections})
	for i := range m.Assets {
		a := &m.Assets[i]
		out = append(out, Record{RecAsset, a.ID, a})
	}
	for i := range m.Actors {
		a := &m.Actors[i]
		out = append(out, Record{RecActor, a.ID, a})
	}
	for i := range m.Surface {
		s := &m.Surface[i]
		out = append(out, Record{RecSurface, s.ID, s})
	}
	for i := range m.Threats {
		t := &m.Threats[i]
		out = append(out, Record{RecThreat, t.ID, t})
	}
	for i := range m.Stride {
		s := &m.Stride[i]
		out = append(out, Record{RecStride, string(s.Category), s})
	}
	for i := range m.Checklists {
		c := &m.Checklists[i]
		out = append(out, Record{RecCheck, c.ID, c})
	}
	for i := range m.Parking {
		p := &m.Parking[i]
		out = append(out, Record{RecParking, p.ID, p})
	}
	for _, d := range m.Dismissed {
		out = append(out, Record{RecDismissed, d, m.Dismissals[d]})
	}
	for _, k := range sortedKeys(m.Extensions) {
		out = append(out, Record{RecExtension, k, m.Extensions[k]})
	}
	for _, k := range sortedKeys(m.Seq) {
		out = append(out, Record{RecSeq, k, m.Seq[k]})
	}
	for i := range m.Votes {
		v := &m.Votes[i]
		out = append(out, Record{RecVote, VoteID(v.ThreatID, v.Voter), v})
	}
	for i := range m.Poker {
		r := &m.Poker[i]
		out = append(out, Record{RecPoker, r.ThreatID, r})
	}
	for i := range m.Sessions {
		r := &m.Sessions[i]
		out = append(out, Record{RecSession, r.ID, r})
	}
	return out
}

// NewRecordValue returns a pointer to a zero value of the kind's type, for
// decoding a stored record.
func NewRecordValue(k RecordKind) (any, error) {
	switch k {
	case RecOverview:
		return new(Overview), nil
	case RecAsset:
		return new(Asset), nil
	case RecActor:
		return new(Actor), nil
	case RecSurface:
		return new(SurfaceElement), nil
	case RecThreat:
		return new(Threat), nil
	case RecStride:
		return new(StrideReview), nil
	case RecCheck:
		return new(CheckItem), nil
	case RecSections:
		return new(Sections), nil
	case RecParking:
		return new(ParkingItem), nil
	case RecDismissed:
		return new(Dismissal), nil
	case RecExtension:
		return new(json.RawMessage), nil
	case RecSeq:
		return new(int), nil
	case RecVote:
		return new(Vote), nil
	case RecPoker:
		return new(PokerRound), nil
	case RecSession:
		return new(SessionRecord), nil
	}
	return nil, fmt.Errorf("unknown record kind %q", k)
}

// AppendRecord adds a decoded record (a value or a pointer from
// NewRecordValue) to m without looking for an existing one: the fast path
// for loading, where every id arrives once. Call Sort afterwards.
func (m *Model) AppendRecord(k RecordKind, id string, v any) {
	m.ownList(kindList(k))
	switch k {
	case RecAsset:
		m.Assets = append(m.Assets, deref[Asset](v))
	case RecActor:
		m.Actors = append(m.Actors, deref[Actor](v))
	case RecSurface:
		m.Surface = append(m.Surface, deref[SurfaceElement](v))
	case RecThreat:
		m.Threats = append(m.Threats, deref[Threat](v))
	case RecStride:
		m.Stride = append(m.Stride, deref[StrideReview](v))
	case RecCheck:
		m.Checklists = append(m.Checklists, deref[CheckItem](v))
	case RecParking:
		m.Parking = append(m.Parking, deref[ParkingItem](v))
	case RecDismissed:
		m.ownList(listDismissed)
		m.Dismissed = append(m.Dismissed, id)
		if d := deref[Dismissal](v); d != (Dismissal{}) {
			m.setDismissal(id, &d)
		}
	case RecVote:
		m.Votes = append(m.Votes, deref[Vote](v))
	case RecPoker:
		m.Poker = append(m.Poker, deref[PokerRound](v))
	case RecSession:
		m.Sessions = append(m.Sessions, deref[SessionRecord](v))
	default:
		m.setRecord(Record{Kind: k, ID: id, Value: v})
	}
}

// Sort puts every list in its canonical order: entities by id number,
// STRIDE rows in STRIDE order, checklist items in catalog order then by id.
func (m *Model) Sort() { m.sortLists(nil) }

// sortLists sorts m's lists into canonical order or, with unsorted set,
// only sets *unsorted when one of them is not in it.
func (m *Model) sortLists(unsorted *bool) {
	sortByID(m, listAssets, &m.Assets, func(x *Asset) string { return x.ID }, unsorted)
	sortByID(m, listActors, &m.Actors, func(x *Actor) string { return x.ID }, unsorted)
	sortByID(m, listSurface, &m.Surface, func(x *SurfaceElement) string { return x.ID }, unsorted)
	sortByID(m, listThreats, &m.Threats, func(x *Threat) string { return x.ID }, unsorted)
	sortByID(m, listParking, &m.Parking, func(x *ParkingItem) string { return x.ID }, unsorted)
	sortList(m, listStride, &m.Stride, func(a, b StrideReview) int {
		return indexOf(StrideCategories, a.Category) - indexOf(StrideCategories, b.Category)
	}, unsorted)
	order := checkOrder()
	sortList(m, listChecklists, &m.Checklists, func(a, b CheckItem) int {
		if d := indexOf(ChecklistKinds, a.List) - indexOf(ChecklistKinds, b.List); d != 0 {
			return d
		}
		oa, okA := order[a.ID]
		ob, okB := order[b.ID]
		switch {
		case okA && okB:
			return oa - ob
		case okA:
			return -1
		case okB:
			return 1
		}
		return compareIDs(a.ID, b.ID)
	}, unsorted)
	sortList(m, listDismissed, &m.Dismissed, strings.Compare, unsorted)
	m.sortLive(unsorted)
}

func deref[T any](v any) T {
	switch x := v.(type) {
	case T:
		return x
	case *T:
		return *x
	}
	var zero T
	return zero
}

// record returns the current value of one record, or nil when absent.
func (m *Model) record(k RecordKind, id string) (any, bool) {
	switch k {
	case RecOverview:
		return m.Overview, true
	case RecSections:
		return m.Sections, true
	case RecAsset:
		if i := m.AssetIndex(id); i >= 0 {
			return m.Assets[i], true
		}
	case RecActor:
		if i := m.ActorIndex(id); i >= 0 {
			return m.Actors[i], true
		}
	case RecSurface:
		if i := m.SurfaceIndex(id); i >= 0 {
			return m.Surface[i], true
		}
	case RecThreat:
		if i := m.ThreatIndex(id); i >= 0 {
			return m.Threats[i], true
		}
	case RecStride:
		if i := m.strideIndex(Stride(id)); i >= 0 {
			return m.Stride[i], true
		}
	case RecCheck:
		if i := m.CheckIndex(id); i >= 0 {
			return m.Checklists[i], true
		}
	case RecParking:
		if i := m.ParkingIndex(id); i >= 0 {
			return m.Parking[i], true
		}
	case RecDismissed:
		if slices.Contains(m.Dismissed, id) {
			return m.Dismissals[id], true
		}
	case RecExtension:
		if v, ok := m.Extensions[id]; ok {
			return v, true
		}
	case RecSeq:
		if v, ok := m.Seq[id]; ok {
			return v, true
		}
	case RecVote:
		if i := m.voteIndex(id); i >= 0 {
			return m.Votes[i], true
		}
	case RecPoker:
		if i := m.PokerIndex(id); i >= 0 {
			return m.Poker[i], true
		}
	case RecSession:
		if i := m.sessionIndex(id); i >= 0 {
			return m.Sessions[i], true
		}
	}
	return nil, false
}

// setRecord writes or (with a nil Value) deletes one record, keeping lists
// in canonical order.
func (m *Model) setRecord(r Record) {
	del := r.Value == nil
	m.ownList(kindList(r.Kind))
	switch r.Kind {
	case RecOverview:
		if !del {
			m.Overview = deref[Overview](r.Value)
		}
	case RecSections:
		if !del {
			m.Sections = deref[Sections](r.Value)
		}
	case RecAsset:
		m.Assets = upsert(m.Assets, r, m.AssetIndex(r.ID))
	case RecActor:
		m.Actors = upsert(m.Actors, r, m.ActorIndex(r.ID))
	case RecSurface:
		m.Surface = upsert(m.Surface, r, m.SurfaceIndex(r.ID))
	case RecThreat:
		m.Threats = upsert(m.Threats, r, m.ThreatIndex(r.ID))
	case RecStride:
		m.Stride = upsert(m.Stride, r, m.strideIndex(Stride(r.ID)))
		m.Sort()
	case RecCheck:
		m.Checklists = upsert(m.Checklists, r, m.CheckIndex(r.ID))
		if !del {
			m.Sort()
		}
	case RecParking:
		m.Parking = upsert(m.Parking, r, m.ParkingIndex(r.ID))
	case RecDismissed:
		m.ownList(listDismissed)
		m.Dismissed = slices.DeleteFunc(m.Dismissed, func(s string) bool { return s == r.ID })
		m.setDismissal(r.ID, nil)
		if !del {
			m.Dismissed = append(m.Dismissed, r.ID)
			slices.Sort(m.Dismissed)
			d := deref[Dismissal](r.Value)
			m.setDismissal(r.ID, &d)
		}
	case RecExtension:
		if del {
			delete(m.Extensions, r.ID)
			return
		}
		if m.Extensions == nil {
			m.Extensions = map[string]json.RawMessage{}
		}
		m.Extensions[r.ID] = deref[json.RawMessage](r.Value)
	case RecSeq:
		if del {
			delete(m.Seq, r.ID)
			return
		}
		if m.Seq == nil {
			m.Seq = map[string]int{}
		}
		m.Seq[r.ID] = deref[int](r.Value)
	case RecVote:
		m.Votes = setKeyed(m.Votes, r, m.voteIndex(r.ID), func(v Vote) string { return VoteID(v.ThreatID, v.Voter) })
	case RecPoker:
		m.Poker = setKeyed(m.Poker, r, m.PokerIndex(r.ID), func(p PokerRound) string { return p.ThreatID })
	case RecSession:
		m.Sessions = setKeyed(m.Sessions, r, m.sessionIndex(r.ID), func(s SessionRecord) string { return s.ID })
	}
}

// upsert replaces, deletes or inserts (in id order) one element of list.
func upsert[T any](list []T, r Record, i int) []T {
	return upsertAt(list, r, i, func(list []T, v T) int {
		at := len(list)
		if id := recordID(any(v)); id != "" {
			at, _ = slices.BinarySearchFunc(list, id, func(e T, id string) int { return compareIDs(recordID(any(e)), id) })
		}
		return at
	})
}

// upsertAt replaces (i ≥ 0), deletes (a nil Value) or inserts at pos one
// element of list.
func upsertAt[T any](list []T, r Record, i int, pos func(list []T, v T) int) []T {
	if r.Value == nil {
		if i >= 0 {
			return slices.Delete(list, i, i+1)
		}
		return list
	}
	v := deref[T](r.Value)
	if i >= 0 {
		list[i] = v
		return list
	}
	return slices.Insert(list, pos(list, v), v)
}

func recordID(v any) string {
	switch x := v.(type) {
	case Asset:
		return x.ID
	case Actor:
		return x.ID
	case SurfaceElement:
		return x.ID
	case Threat:
		return x.ID
	case ParkingItem:
		return x.ID
	}
	return ""
}
