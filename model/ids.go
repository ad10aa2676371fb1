package model

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Id prefixes. Ids are "<prefix>-<n>" with n issued once per model and
// never reused, so a report's "T-012" always means the same threat.
const (
	PrefixAsset      = "AS"
	PrefixActor      = "TA"
	PrefixSurface    = "SE"
	PrefixThreat     = "T"
	PrefixMitigation = "M"
	PrefixCheck      = "C"
	PrefixParking    = "P"
)

// FormatID builds an id from a prefix and a number.
func FormatID(prefix string, n int) string {
	if n < 0 {
		return fmt.Sprintf("%s-%03d", prefix, n)
	}
	// What Sprintf writes, in one allocation: an import issues an id for
	// every entity.
	var digits [20]byte
	d := strconv.AppendInt(digits[:0], int64(n), 10)
	var b strings.Builder
	b.Grow(len(prefix) + 1 + max(3, len(d)))
	b.WriteString(prefix)
	b.WriteByte('-')
	for range 3 - len(d) {
		b.WriteByte('0')
	}
	b.Write(d)
	return b.String()
}

// splitID splits "T-012" into "T" and 12; other ids give (id, -1).
func splitID(id string) (string, int) {
	// The form every issued id takes, "<prefix>-<digits>", read in one
	// pass from the end: loading and normalizing a model of 10,000 threats
	// splits about 100,000 ids, and the general path (splitIDGeneral) was 2% of an
	// export. Up to maxDigits digits, as those cannot overflow an int.
	j := len(id)
	for j > 0 && id[j-1] >= '0' && id[j-1] <= '9' {
		j--
	}
	if d := len(id) - j; d > 0 && d <= maxDigits && j > 0 && id[j-1] == '-' {
		n := 0
		for k := j; k < len(id); k++ {
			n = n*10 + int(id[k]-'0')
		}
		return id[:j-1], n
	}
	return splitIDGeneral(id)
}

// splitIDGeneral is splitID for any id: the last '-' and strconv.Atoi of
// what follows it.
func splitIDGeneral(id string) (string, int) {
	i := strings.LastIndexByte(id, '-')
	if i < 0 {
		return id, -1
	}
	n, err := strconv.Atoi(id[i+1:])
	if err != nil || n < 0 {
		return id, -1
	}
	return id[:i], n
}

// maxDigits is how many decimal digits surely fit an int.
const maxDigits = 9 + 9*(strconv.IntSize/64)

// compareIDs orders ids naturally: by prefix, then number ("T-9" before "T-10").
func compareIDs(a, b string) int { return NewIDKey(a).Compare(NewIDKey(b)) }

// CompareIDs is the natural id order used for every list in a model.
func CompareIDs(a, b string) int { return compareIDs(a, b) }

// IDKey is an id split once for sorting: sorting 10,000 ids with
// CompareIDs splits each of them at every comparison.
type IDKey struct {
	id, prefix string
	n          int
}

// NewIDKey splits id for Compare.
func NewIDKey(id string) IDKey {
	p, n := splitID(id)
	return IDKey{id: id, prefix: p, n: n}
}

// Compare orders keys as CompareIDs orders their ids.
func (a IDKey) Compare(b IDKey) int {
	if c := strings.Compare(a.prefix, b.prefix); c != 0 {
		return c
	}
	if c := cmp.Compare(a.n, b.n); c != 0 {
		return c
	}
	return strings.Compare(a.id, b.id)
}

// ID returns the id the key was made from.
func (a IDKey) ID() string { return a.id }

// nextID reserves the next id for prefix and returns it with the record
// that persists the counter.
func (m *Model) nextID(prefix string) (string, Record) {
	n := m.Seq[prefix] + 1
	if m.Seq == nil {
		m.Seq = map[string]int{}
	}
	m.Seq[prefix] = n
	return FormatID(prefix, n), Record{Kind: RecSeq, ID: prefix, Value: n}
}

func find[T any](list []T, id string, idOf func(T) string) int {
	// Lists are kept in id order, so binary search first; a linear scan
	// covers lists that arrived out of order.
	if i, ok := slices.BinarySearchFunc(list, id, func(e T, id string) int { return compareIDs(idOf(e), id) }); ok {
		return i
	}
	for i, e := range list {
		if idOf(e) == id {
			return i
		}
	}
	return -1
}

// AssetIndex returns the position of the asset with id, or -1.
func (m *Model) AssetIndex(id string) int {
	return find(m.Assets, id, func(a Asset) string { return a.ID })
}

// ActorIndex returns the position of the actor with id, or -1.
func (m *Model) ActorIndex(id string) int {
	return find(m.Actors, id, func(a Actor) string { return a.ID })
}

// SurfaceIndex returns the position of the surface element with id, or -1.
func (m *Model) SurfaceIndex(id string) int {
	return find(m.Surface, id, func(s SurfaceElement) string { return s.ID })
}

// ThreatIndex returns the position of the threat with id, or -1.
func (m *Model) ThreatIndex(id string) int {
	return find(m.Threats, id, func(t Threat) string { return t.ID })
}

// ParkingIndex returns the position of the parking-lot item with id, or -1.
func (m *Model) ParkingIndex(id string) int {
	return find(m.Parking, id, func(p ParkingItem) string { return p.ID })
}

// CheckIndex returns the position of the checklist item with id, or -1.
func (m *Model) CheckIndex(id string) int {
	for i, c := range m.Checklists {
		if c.ID == id {
			return i
		}
	}
	return -1
}

func (m *Model) strideIndex(s Stride) int {
	for i, r := range m.Stride {
		if r.Category == s {
			return i
		}
	}
	return -1
}

// Asset returns the asset with id.
func (m *Model) Asset(id string) (Asset, bool) { return get(m.Assets, m.AssetIndex(id)) }

// Actor returns the actor with id.
func (m *Model) Actor(id string) (Actor, bool) { return get(m.Actors, m.ActorIndex(id)) }

// Element returns the surface element with id.
func (m *Model) Element(id string) (SurfaceElement, bool) { return get(m.Surface, m.SurfaceIndex(id)) }

// Threat returns the threat with id.
func (m *Model) Threat(id string) (Threat, bool) { return get(m.Threats, m.ThreatIndex(id)) }

// Check returns the checklist item with id.
func (m *Model) Check(id string) (CheckItem, bool) { return get(m.Checklists, m.CheckIndex(id)) }

// StrideReviewFor returns the review row of a category.
func (m *Model) StrideReviewFor(s Stride) StrideReview {
	if i := m.strideIndex(s); i >= 0 {
		return m.Stride[i]
	}
	return StrideReview{Category: s}
}

// Checklist returns the items of one list. For OWASP only the model's
// chosen edition is returned.
func (m *Model) Checklist(list ChecklistKind) []CheckItem {
	var out []CheckItem
	for _, c := range m.Checklists {
		if c.List != list {
			continue
		}
		if list == ListOWASP && !strings.HasSuffix(c.ID, ":"+string(m.Edition())) {
			continue
		}
		out = append(out, c)
	}
	return out
}

// Edition is the model's OWASP Top 10 edition (2025 unless chosen otherwise).
func (m *Model) Edition() Edition {
	if m.Overview.Edition.Valid() {
		return m.Overview.Edition
	}
	return OWASP2025
}

func get[T any](list []T, i int) (T, bool) {
	if i < 0 {
		var zero T
		return zero, false
	}
	return list[i], true
}

// checkOrder ranks catalog checklist ids (OWASP by edition and rank, then
// the templates) so catalog items keep their catalog order.
var checkOrder = sync.OnceValue(func() map[string]int {
	order := map[string]int{}
	for _, e := range Editions {
		for _, it := range OWASPCatalog(e) {
			order[it.ID] = len(order)
		}
	}
	for _, t := range loadCatalogs().checklists {
		order[t.ID] = len(order)
	}
	return order
})

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
