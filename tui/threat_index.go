package tui

import (
	"slices"
	"strings"
	"unicode/utf8"

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
	// owner keeps threats with a mitigation of that owner; overdue those
	// with an open mitigation due before today.
	owner   string
	overdue bool
	today   model.Date
}

func (f threatFilter) active() bool {
	return f.category != "" || f.status != "" || f.asset != "" || f.text != "" || f.owner != "" || f.overdue
}

// threatIndex caches the order and selection of the threats table as
// indices into m.Threats, so a key press on a 10,000-threat model costs a
// slice lookup, not a sort. Each sort order is computed at most once per
// model change and kept; reversing walks it backwards; the visible subset
// is rebuilt only when the filter (or the model) changes.
type threatIndex struct {
	sort    threatSort
	reverse bool
	filter  threatFilter

	// orders holds the computed order of each sort for the current model.
	orders  map[threatSort][]int
	visible []int
	// lower holds each threat's "id title" lowercased, for the text filter.
	// It is built by the first text filter, not with the index: most
	// visits never type one, and on 10,000 threats it is most of the cost
	// of a first frame's table.
	lower []string
	// n is the number of threats the index was built for.
	n int
	// risks and titles are the sort keys the orders were computed from,
	// per threat (nil until that order is computed), so an edit of a few
	// threats moves just those rows (see touch).
	risks  []uint8
	titles []string
	// touched are threats changed since the last ensure, when only they
	// changed.
	touched []string

	stale, filterStale bool
}

func newThreatIndex() *threatIndex {
	return &threatIndex{stale: true, orders: map[threatSort][]int{}}
}

// invalidate marks the whole index out of date (the model changed).
func (x *threatIndex) invalidate() { x.stale = true }

// touch marks the threats with ids out of date (put or deleted by a live
// edit): the next ensure moves their rows rather than re-sorting all.
func (x *threatIndex) touch(ids []string) { x.touched = append(x.touched, ids...) }

// refilter marks only the visible subset out of date (an edit that
// changed no sort key, e.g. a status).
func (x *threatIndex) refilter() { x.filterStale = true }

// setSort changes the order; the next ensure re-filters in that order.
func (x *threatIndex) setSort(s threatSort, reverse bool) {
	if s != x.sort || reverse != x.reverse {
		x.sort, x.reverse = s, reverse
		x.filterStale = true
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
	if len(x.touched) > 0 && !x.stale && x.n == len(m.Threats) && !x.update(m) {
		x.stale = true
	}
	x.touched = x.touched[:0]
	if x.stale || x.n != len(m.Threats) {
		clear(x.orders)
		x.lower, x.risks, x.titles, x.n = nil, nil, nil, len(m.Threats)
		x.stale = false
		x.filterStale = true
	}
	if _, ok := x.orders[x.sort]; !ok {
		x.orders[x.sort] = x.sortThreats(m, x.sort)
		x.filterStale = true
	}
	if x.filterStale {
		x.applyFilter(m)
		x.filterStale = false
	}
}

// update moves the rows of the touched threats to where their new sort
// keys put them, in every computed order, and refreshes their text-filter
// entries. It reports false when a touched threat is gone (a delete and an
// add that kept the count): the positions shifted, so rebuild.
func (x *threatIndex) update(m *model.Model) bool {
	moved := false
	for _, id := range x.touched {
		i := m.ThreatIndex(id)
		if i < 0 {
			return false
		}
		t := &m.Threats[i]
		if x.lower != nil {
			x.lower[i] = lowerTitles(m.Threats[i : i+1])[0]
		}
		if order, ok := x.orders[sortRisk]; ok {
			if r := uint8(t.Risk()); r != x.risks[i] {
				x.risks[i] = r
				x.orders[sortRisk] = reposition(order, i, x.riskLess)
				moved = true
			}
		}
		if order, ok := x.orders[sortTitle]; ok {
			if k := strings.ToLower(t.Title); k != x.titles[i] {
				x.titles[i] = k
				x.orders[sortTitle] = reposition(order, i, x.titleLess)
				moved = true
			}
		}
	}
	// Without a filter the visible rows are the order itself; with one, a
	// touched threat may have come in or gone out.
	if moved || x.filter.active() {
		x.filterStale = true
	}
	return true
}

// reposition moves i within order, which is sorted by cmp except for i,
// to where cmp puts it.
func reposition(order []int, i int, cmp func(a, b int) int) []int {
	if at := slices.Index(order, i); at >= 0 {
		order = slices.Delete(order, at, at+1)
	}
	at, _ := slices.BinarySearchFunc(order, i, cmp)
	return slices.Insert(order, at, i)
}

// riskLess orders by risk, highest first, then by position (id order).
func (x *threatIndex) riskLess(a, b int) int {
	if x.risks[a] != x.risks[b] {
		return int(x.risks[b]) - int(x.risks[a])
	}
	return a - b
}

// titleLess orders by lowercased title, then by position (id order).
func (x *threatIndex) titleLess(a, b int) int {
	if c := strings.Compare(x.titles[a], x.titles[b]); c != 0 {
		return c
	}
	return a - b
}

// sortThreats orders the threats by s, keeping the keys for update; ties
// keep id order.
func (x *threatIndex) sortThreats(m *model.Model, s threatSort) []int {
	n := len(m.Threats)
	out := make([]int, 0, n)
	switch s {
	case sortRisk:
		// m.Threats is kept in id order, so bucketing by score (highest
		// first) gives risk order with ids ascending among equals, in O(n).
		x.risks = make([]uint8, n)
		var count [model.MaxRating*model.MaxRating + 2]int
		for i := range m.Threats {
			r := m.Threats[i].Risk()
			x.risks[i] = uint8(r)
			count[r]++
		}
		// start[r] is where score r begins, highest scores first.
		var start [len(count)]int
		pos := 0
		for r := len(count) - 1; r >= 0; r-- {
			start[r] = pos
			pos += count[r]
		}
		out = out[:n]
		for i, r := range x.risks {
			out[start[r]] = i
			start[r]++
		}
	case sortTitle:
		x.titles = make([]string, n)
		for i := range m.Threats {
			x.titles[i] = strings.ToLower(m.Threats[i].Title)
		}
		for i := range n {
			out = append(out, i)
		}
		slices.SortFunc(out, x.titleLess)
	default:
		for i := range n {
			out = append(out, i)
		}
	}
	return out
}

func (x *threatIndex) applyFilter(m *model.Model) {
	f := x.filter
	order := x.orders[x.sort]
	q := strings.ToLower(f.text)
	if q != "" && x.lower == nil {
		x.lower = lowerTitles(m.Threats)
	}
	x.visible = x.visible[:0]
	for k := range order {
		i := order[k]
		if x.reverse {
			i = order[len(order)-1-k]
		}
		if f.active() {
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
			if (f.owner != "" || f.overdue) && !mitigationsMatch(t, f) {
				continue
			}
		}
		x.visible = append(x.visible, i)
	}
}

// lowerTitles returns each threat's "id title" lowercased. The strings
// share one backing array: for 10,000 threats that is one allocation, not
// 20,000, so the first filter keystroke stays within the key-press budget.
// They are only matched against, never drawn.
func lowerTitles(ts []model.Threat) []string {
	size := 0
	for i := range ts {
		size += len(ts[i].ID) + 1 + len(ts[i].Title)
	}
	var b strings.Builder
	b.Grow(size)
	ends := make([]int, len(ts))
	for i := range ts {
		writeLower(&b, ts[i].ID)
		b.WriteByte(' ')
		writeLower(&b, ts[i].Title)
		ends[i] = b.Len()
	}
	all := b.String()
	out := make([]string, len(ts))
	start := 0
	for i, end := range ends {
		out[i] = all[start:end]
		start = end
	}
	return out
}

// writeLower writes s lowercased, byte by byte while it is ASCII.
func writeLower(b *strings.Builder, s string) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			b.WriteString(strings.ToLower(s[i:]))
			return
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b.WriteByte(c)
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

// mitigationsMatch reports whether one of t's mitigations passes the owner
// and overdue filters.
func mitigationsMatch(t *model.Threat, f threatFilter) bool {
	for _, mt := range t.Mitigations {
		if (f.owner == "" || mt.Owner == f.owner) && (!f.overdue || mt.Overdue(f.today)) {
			return true
		}
	}
	return false
}

// owners lists the distinct mitigation owners of m, sorted.
func owners(m *model.Model) []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range m.Threats {
		for _, mt := range t.Mitigations {
			if mt.Owner != "" && !seen[mt.Owner] {
				seen[mt.Owner] = true
				out = append(out, mt.Owner)
			}
		}
	}
	slices.Sort(out)
	return out
}
