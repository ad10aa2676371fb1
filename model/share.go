package model

import (
	"bytes"
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"unsafe"
)

// A live session keeps one model per session in the host's process. A
// deep copy of a 10,000-threat model is about 9 MiB, so sessions share
// their lists instead (Share): a model writes a shared list in place
// never again, and copies it the first time it changes it (own). Records
// are shared too, down to their inner slices: no code changes a record's
// inner slices in place, as the copies Threat() and the like return
// already share them with the model. An edit from the host can carry the
// host's lists as they were before and after it (WithLists), so a session
// whose list is still the host's takes the host's new one instead of
// copying its own: sessions that only watch stay shared however many
// edits arrive.

// listSet names lists of a model, one bit each.
type listSet uint16

const (
	listAssets listSet = 1 << iota
	listActors
	listSurface
	listThreats
	listStride
	listChecklists
	listParking
	listDismissed
	listVotes
	listPoker
	listSessions

	allLists = 1<<iota - 1
)

// kindList is the list records of kind k live in (0 for singletons, maps
// and the dismissed ids, whose reasons live in a map).
func kindList(k RecordKind) listSet {
	switch k {
	case RecAsset:
		return listAssets
	case RecActor:
		return listActors
	case RecSurface:
		return listSurface
	case RecThreat:
		return listThreats
	case RecStride:
		return listStride
	case RecCheck:
		return listChecklists
	case RecParking:
		return listParking
	case RecVote:
		return listVotes
	case RecPoker:
		return listPoker
	case RecSession:
		return listSessions
	}
	return 0
}

// Share returns a copy of m that shares m's lists and records with it;
// from then on neither writes a shared list in place, so each can be
// changed without the other seeing it. The maps (counters, dismissal
// reasons, other tools' data) are small and copied at once. Calls that
// read or change m must not run while Share does (it marks m's lists).
func (m *Model) Share() *Model {
	m.markShared()
	c := *m
	c.Dismissals = maps.Clone(m.Dismissals)
	if m.Extensions != nil {
		c.Extensions = make(map[string]json.RawMessage, len(m.Extensions))
		for k, v := range m.Extensions {
			c.Extensions[k] = slices.Clone(v)
		}
	}
	c.Seq = maps.Clone(m.Seq)
	return &c
}

// markShared makes every list of m copied before it is next written. Each
// is clipped to its length too, so even an append elsewhere reallocates
// rather than writing past the end of an array another model reads.
func (m *Model) markShared() {
	for _, l := range modelLists {
		l.clip(m)
	}
	m.shared = allLists
}

// own copies list l of m if it is shared, so m may write it in place.
func own[T any](m *Model, l listSet, s *[]T) {
	if m.shared&l != 0 {
		*s = slices.Clone(*s)
		m.shared &^= l
	}
}

// ownList makes the lists in set m's own.
func (m *Model) ownList(set listSet) {
	if set&m.shared == 0 {
		return
	}
	for _, l := range modelLists {
		if set&l.bit != 0 {
			l.own(m)
		}
	}
}

// modelList is what sharing does with one of a model's lists.
type modelList struct {
	bit  listSet
	clip func(m *Model)
	own  func(m *Model)
	// same: a's list is b's array; equal: it holds records equal to b's.
	same, equal func(a, b *Model) bool
	take        func(dst, src *Model)
}

func listOf[T any](bit listSet, field func(*Model) *[]T) modelList {
	return modelList{
		bit:   bit,
		clip:  func(m *Model) { *field(m) = slices.Clip(*field(m)) },
		own:   func(m *Model) { own(m, bit, field(m)) },
		same:  func(a, b *Model) bool { return sameArray(*field(a), *field(b)) },
		equal: func(a, b *Model) bool { return sameList(*field(a), *field(b)) },
		take:  func(dst, src *Model) { *field(dst) = *field(src) },
	}
}

// modelLists are a model's lists, one per listSet bit.
var modelLists = [...]modelList{
	listOf(listAssets, func(m *Model) *[]Asset { return &m.Assets }),
	listOf(listActors, func(m *Model) *[]Actor { return &m.Actors }),
	listOf(listSurface, func(m *Model) *[]SurfaceElement { return &m.Surface }),
	listOf(listThreats, func(m *Model) *[]Threat { return &m.Threats }),
	listOf(listStride, func(m *Model) *[]StrideReview { return &m.Stride }),
	listOf(listChecklists, func(m *Model) *[]CheckItem { return &m.Checklists }),
	listOf(listParking, func(m *Model) *[]ParkingItem { return &m.Parking }),
	listOf(listDismissed, func(m *Model) *[]string { return &m.Dismissed }),
	listOf(listVotes, func(m *Model) *[]Vote { return &m.Votes }),
	listOf(listPoker, func(m *Model) *[]PokerRound { return &m.Poker }),
	listOf(listSessions, func(m *Model) *[]SessionRecord { return &m.Sessions }),
}

// sortList sorts *s stably by cmp, copying it first only when it is out
// of order: a sorted list is what a stable sort leaves it as, and most
// sorts find one, so a shared list is rarely copied just to be sorted.
func sortList[T any](m *Model, l listSet, s *[]T, cmp func(a, b T) int, unsorted *bool) {
	if slices.IsSortedFunc(*s, cmp) {
		return
	}
	if unsorted != nil { // only looking (see Model.Normal)
		*unsorted = true
		return
	}
	own(m, l, s)
	slices.SortStableFunc(*s, cmp)
}

// sortByID is sortList in natural id order (compareIDs), each element's
// id read in place and split once for the check: a Threat is 432 bytes,
// and the check that 100,000 of them are in order passed two of them by
// value to each comparison and split each id twice (half of the 14 ms a
// 100,000-threat load spent normalizing).
func sortByID[T any](m *Model, l listSet, s *[]T, id func(*T) string, unsorted *bool) {
	list := *s
	if len(list) == 0 {
		return
	}
	prev := NewIDKey(id(&list[0]))
	for i := 1; i < len(list); i++ {
		k := NewIDKey(id(&list[i]))
		if prev.Compare(k) > 0 {
			if unsorted != nil { // only looking (see Model.Normal)
				*unsorted = true
				return
			}
			own(m, l, s)
			slices.SortStableFunc(*s, func(a, b T) int { return compareIDs(id(&a), id(&b)) })
			return
		}
		prev = k
	}
}

// Lists are a model's lists as they were at one moment (SharedLists).
type Lists struct{ m Model }

// SharedLists returns m's lists as they are, shared from now on (see
// Share): m copies any of them before it next writes it.
func (m *Model) SharedLists() *Lists {
	m.markShared()
	l := &Lists{*m}
	l.m.Dismissals, l.m.Extensions, l.m.Seq = nil, nil, nil // lists only
	return l
}

// WithLists returns e carrying a model's lists before and after e was
// applied to it (SharedLists, taken just before and just after). A model
// applying the returned edit whose list is still exactly before's takes
// after's instead of writing a copy of its own: the same edit applied to
// the same list gives the same list. Only a model in the same process can
// use them; they are not part of an edit's JSON form.
func (e Edit) WithLists(before, after *Lists) Edit {
	e.lists = &editLists{before, after}
	return e
}

// editLists is what an edit carries of the model it was applied to.
type editLists struct{ before, after *Lists }

// followed lists the lists of m that applying e may take from the lists e
// carries rather than write: each is still the one e was applied to,
// shared, and no two of e's records are the same record (the undo of the
// second would have to see the first written).
func (m *Model) followed(e Edit) listSet {
	if e.lists == nil {
		return 0
	}
	var touched listSet
	for i, r := range e.Records {
		touched |= kindList(r.Kind)
		for _, p := range e.Records[:i] {
			if p.Kind == r.Kind && p.ID == r.ID {
				return 0
			}
		}
	}
	var out listSet
	for _, l := range modelLists {
		if touched&m.shared&l.bit != 0 && l.same(m, &e.lists.before.m) {
			out |= l.bit
		}
	}
	return out
}

// take puts the after lists of e in set into m, shared.
func (m *Model) take(set listSet, e Edit) {
	for _, l := range modelLists {
		if set&l.bit != 0 {
			l.take(m, &e.lists.after.m)
		}
	}
	m.shared |= set
}

// rejoin shares again the lists e wrote that m has its own copy of and
// that are now the same as e's after lists: a session's own edit, once
// its echo is applied, leaves its copy equal to the host's, and the
// session takes the host's back instead of keeping a copy of its own.
// Lists taken (follow) need no look.
func (m *Model) rejoin(e Edit, follow listSet) {
	if e.lists == nil {
		return
	}
	var touched listSet
	for _, r := range e.Records {
		touched |= kindList(r.Kind)
	}
	check := touched &^ follow &^ m.shared
	if check == 0 {
		return
	}
	var same listSet
	for _, l := range modelLists {
		if check&l.bit != 0 && l.equal(m, &e.lists.after.m) {
			same |= l.bit
		}
	}
	if same != 0 {
		m.take(same, e)
	}
}

// sameList reports whether a and b hold equal records (reflect.DeepEqual,
// nil and empty told apart). Records no one changed are bit for bit the
// same in both, copied from one array, and are compared as bytes; only
// the few that differ in bits are compared field by field.
func sameList[T any](a, b []T) bool {
	if len(a) != len(b) || (a == nil) != (b == nil) {
		return false
	}
	if len(a) == 0 || &a[0] == &b[0] {
		return true
	}
	size := int(unsafe.Sizeof(a[0]))
	bits := func(s []T) []byte { return unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), len(s)*size) }
	ab, bb := bits(a), bits(b)
	if bytes.Equal(ab, bb) {
		return true
	}
	for i := range a {
		if !bytes.Equal(ab[i*size:(i+1)*size], bb[i*size:(i+1)*size]) && !reflect.DeepEqual(a[i], b[i]) {
			return false
		}
	}
	return true
}

// sameArray reports whether a and b are the same list: one array, one
// length (and, empty, both nil or neither).
func sameArray[T any](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	if len(a) == 0 {
		return (a == nil) == (b == nil)
	}
	return &a[0] == &b[0]
}
