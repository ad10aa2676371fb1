package tui

import (
	"slices"
	"strings"

	"github.com/threatdeck/threatdeck/model"
)

// threatSort is the column the threats table is ordered by.
type threatSort int

const (
	sortRisk threatSort = iota
	sortID
	sortTitle
)

var threatSorts = []threatSort{sortRisk, sortID, sortTitle}

func (s threatSort) String() string {
	switch s {
	case sortID:
		return "id"
	case sortTitle:
		return "title"
	}
	return "risk"
}

// threatFilter narrows the threats table. Zero values mean "any".
type threatFilter struct {
	category model.Stride
	status   model.ThreatStatus
	asset    string
	// text is matched case-insensitively against id and title.
	text string
}

func (f threatFilter) active() bool {
	return f.category != "" || f.status != "" || f.asset != "" || f.text != ""
}

// threatIndex caches the order and selection of the threats table as
// indices into m.Threats, so a key press on a 10,000-threat model costs a
// slice lookup, not a sort. The sorted order is rebuilt only when the model
// changes (or the sort does); the visible subset only when the filter does.
type threatIndex struct {
	sort    threatSort
	reverse bool
	filter  threatFilter

	sorted  []int
	visible []int
	// lower holds each threat's "id title" lowercased, for the text filter
	// and the title sort.
	lower []string

	stale, filterStale bool
}

func newThreatIndex() *threatIndex { return &threatIndex{stale: true} }

// invalidate marks the whole index out of date (the model changed).
func (x *threatIndex) invalidate() { x.stale = true }

// refilter marks only the visible subset out of date.
func (x *threatIndex) refilter() { x.filterStale = true }

// setSort changes the order; the next ensure re-sorts.
func (x *threatIndex) setSort(s threatSort, reverse bool) {
	if s != x.sort || reverse != x.reverse {
		x.sort, x.reverse = s, reverse
		x.stale = true
	}
}

// setFilter changes the filter; the next ensure re-filters the cached order.
func (x *threatIndex) setFilter(f threatFilter) {
	if f != x.filter {
		x.filter = f
		x.filterStale = true
	}
}

// ensure brings the index up to date with m.
func (x *threatIndex) ensure(m *model.Model) {
	if x.stale || len(x.lower) != len(m.Threats) {
		x.rebuild(m)
		x.stale = false
		x.filterStale = true
	}
	if x.filterStale {
		x.applyFilter(m)
		x.filterStale = false
	}
}

func (x *threatIndex) rebuild(m *model.Model) {
	n := len(m.Threats)
	x.lower = x.lower[:0]
	for _, t := range m.Threats {
		x.lower = append(x.lower, strings.ToLower(safeLine(t.ID+" "+t.Title)))
	}
	x.sorted = x.sorted[:0]
	switch x.sort {
	case sortRisk:
		// m.Threats is kept in id order, so bucketing by score (highest
		// first) gives risk order with ids ascending among equals, in O(n).
		var buckets [model.MaxRating*model.MaxRating + 1][]int
		for i, t := range m.Threats {
			r := t.Risk()
			buckets[r] = append(buckets[r], i)
		}
		for r := len(buckets) - 1; r >= 0; r-- {
			x.sorted = append(x.sorted, buckets[r]...)
		}
	case sortTitle:
		for i := range n {
			x.sorted = append(x.sorted, i)
		}
		titles := make([]string, n)
		for i, t := range m.Threats {
			titles[i] = strings.ToLower(t.Title)
		}
		slices.SortStableFunc(x.sorted, func(a, b int) int { return strings.Compare(titles[a], titles[b]) })
	default:
		for i := range n {
			x.sorted = append(x.sorted, i)
		}
	}
	if x.reverse {
		slices.Reverse(x.sorted)
	}
}

func (x *threatIndex) applyFilter(m *model.Model) {
	f := x.filter
	if !f.active() {
		x.visible = append(x.visible[:0], x.sorted...)
		return
	}
	q := strings.ToLower(f.text)
	x.visible = x.visible[:0]
	for _, i := range x.sorted {
		t := &m.Threats[i]
		if f.category != "" && t.Category != f.category {
			continue
		}
		if f.status != "" && t.Status != f.status && !(f.status == model.StatusOpen && t.IsOpen()) {
			continue
		}
		if f.asset != "" && !slices.Contains(t.Assets, f.asset) {
			continue
		}
		if q != "" && !strings.Contains(x.lower[i], q) {
			continue
		}
		x.visible = append(x.visible, i)
	}
}

// position returns where the threat with id is in the visible list, or -1.
func (x *threatIndex) position(m *model.Model, id string) int {
	i := m.ThreatIndex(id)
	if i < 0 {
		return -1
	}
	return slices.Index(x.visible, i)
}
