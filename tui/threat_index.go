package tui

import (
	"encoding/binary"
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
	// text is matched case-insensitively against id, title, description
	// and the mitigations' descriptions.
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
	orders map[threatSort][]int
	// visible are the rows shown, in order. With no filter and no reverse
	// it is the cached order itself (shared), so a sort change or clearing
	// the filter copies nothing; otherwise it is built in buf. Nothing
	// writes through visible while it is shared.
	visible []int
	shared  bool
	buf     []int
	// lower holds each threat's searchable text lowercased, for the text
	// filter (see lowerTitles); nil until the first one.
	// It is built by the first text filter, not with the index: most
	// visits never type one, and on 10,000 threats it is most of the cost
	// of a first frame's table.
	lower *textIndex
	// hits marks the threats whose text holds the query (scratch space).
	hits []bool
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
	// fkeys are each threat's category and status as small codes, for the
	// category and status filters (nil until one is set): one compact
	// list is read a hundred times faster than the threats' own fields
	// scattered over 40 MB at 100,000 threats. invalidate and a rebuild drop
	// them; update keeps them for the threats it moves.
	fkeys []filterKey
	codes map[string]uint16

	stale, filterStale bool
	// narrow says the pending filter differs from the one visible was
	// built with only by a longer text containing the old one, so only
	// the visible threats need checking (typing on, not backspace).
	narrow bool
}

func newThreatIndex() *threatIndex {
	return &threatIndex{stale: true, orders: map[threatSort][]int{}}
}

// invalidate marks the whole index out of date (the model changed).
func (x *threatIndex) invalidate() { x.stale, x.narrow, x.fkeys = true, false, nil }

// touch marks the threats with ids out of date (put or deleted by a live
// edit): the next ensure moves their rows rather than re-sorting all.
func (x *threatIndex) touch(ids []string) { x.touched = append(x.touched, ids...) }

// setSort changes the order; the next ensure re-filters in that order.
func (x *threatIndex) setSort(s threatSort, reverse bool) {
	if s != x.sort || reverse != x.reverse {
		x.sort, x.reverse = s, reverse
		x.filterStale, x.narrow = true, false
	}
}

// setFilter changes the filter; the next ensure re-filters the cached order.
func (x *threatIndex) setFilter(f threatFilter) {
	if f != x.filter {
		same := x.filter
		same.text = f.text
		x.narrow = same == f && !x.filterStale && !x.stale &&
			strings.Contains(strings.ToLower(f.text), strings.ToLower(x.filter.text))
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
		x.lower, x.risks, x.titles, x.n, x.fkeys = nil, nil, nil, len(m.Threats), nil
		x.stale = false
		x.filterStale, x.narrow = true, false
	}
	if _, ok := x.orders[x.sort]; !ok {
		x.orders[x.sort] = x.sortThreats(m, x.sort)
		x.filterStale, x.narrow = true, false
	}
	if x.filterStale {
		if x.narrow {
			x.narrowText(m)
		} else {
			x.applyFilter(m)
		}
		x.filterStale, x.narrow = false, false
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
		// The search text is one string for all threats: when the
		// threat's text changed, the next text filter builds it again (a
		// millisecond or so), typing never does.
		if x.lower != nil && lowerTitles(m.Threats[i:i+1]).all != x.lower.at(i) {
			x.lower = nil
		}
		if x.fkeys != nil {
			x.fkeys[i] = x.filterKeyOf(t)
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
		// The rows moved (in place, under a shared visible) or may have
		// come in or gone out: narrowing the old rows would miss them.
		x.filterStale, x.narrow = true, false
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
	if q != "" {
		if x.lower == nil {
			x.lower = lowerTitles(m.Threats)
		}
		x.hits = x.lower.matches(q, x.hits)
	}
	if !f.active() && !x.reverse {
		x.visible, x.shared = order, true
		return
	}
	x.visible, x.shared = x.buf[:0], false
	defer func() { x.buf = x.visible }()
	var want filterKey
	if f.category != "" || f.status != "" {
		if x.fkeys == nil {
			x.fkeys = make([]filterKey, len(m.Threats))
			for i := range m.Threats {
				x.fkeys[i] = x.filterKeyOf(&m.Threats[i])
			}
		}
		want = filterKey{cat: x.code(string(f.category), false), status: x.code(string(f.status), false)}
	}
	perThreat := f.asset != "" || q != "" || f.owner != "" || f.overdue
	for k := range order {
		i := order[k]
		if x.reverse {
			i = order[len(order)-1-k]
		}
		if f.category != "" || f.status != "" {
			fk := x.fkeys[i]
			if fk.slow {
				t := &m.Threats[i]
				if f.category != "" && t.Category != f.category ||
					f.status != "" && t.Status != f.status && !(f.status == model.StatusOpen && t.IsOpen()) {
					continue
				}
			} else if f.category != "" && fk.cat != want.cat ||
				f.status != "" && fk.status != want.status && !(f.status == model.StatusOpen && fk.open) {
				continue
			}
		}
		if perThreat {
			t := &m.Threats[i]
			if f.asset != "" && !slices.Contains(t.Assets, f.asset) {
				continue
			}
			if q != "" && !x.hits[i] {
				continue
			}
			if (f.owner != "" || f.overdue) && !mitigationsMatch(t, f) {
				continue
			}
		}
		x.visible = append(x.visible, i)
	}
}

// filterKey is what the category and status filters compare of a threat.
type filterKey struct {
	cat, status uint16
	open        bool // model.Threat.IsOpen
	// slow is set when a value ran out of codes: compare the threat.
	slow bool
}

// noCode is the code of a value no threat has.
const noCode = ^uint16(0)

// code is the small code of a category or status; add gives new values
// one, else they get noCode.
func (x *threatIndex) code(s string, add bool) uint16 {
	if c, ok := x.codes[s]; ok {
		return c
	}
	if !add || len(x.codes) >= int(noCode) {
		return noCode
	}
	if x.codes == nil {
		x.codes = map[string]uint16{}
	}
	c := uint16(len(x.codes))
	x.codes[s] = c
	return c
}

func (x *threatIndex) filterKeyOf(t *model.Threat) filterKey {
	k := filterKey{cat: x.code(string(t.Category), true), status: x.code(string(t.Status), true), open: t.IsOpen()}
	k.slow = k.cat == noCode || k.status == noCode
	return k
}

// loBits and hiBits are the low and high bit of each byte of a word.
const (
	loBits = 0x0101010101010101
	hiBits = 0x8080808080808080
)

// narrowText keeps the visible threats that match the (longer) text, in
// place and in order: every other filter is as it was.
func (x *threatIndex) narrowText(m *model.Model) {
	q := strings.ToLower(x.filter.text)
	if x.lower == nil {
		// The filter being narrowed had no text.
		x.lower = lowerTitles(m.Threats)
	}
	kept := x.visible[:0]
	if x.shared {
		kept = slices.Grow(x.buf[:0], len(x.visible))
	}
	if len(x.visible)*8 >= x.lower.len() {
		// Most threats are still shown: one scan of the whole text is
		// cheaper than a search per threat.
		x.hits = x.lower.matches(q, x.hits)
		for _, i := range x.visible {
			if x.hits[i] {
				kept = append(kept, i)
			}
		}
	} else {
		for _, i := range x.visible {
			if strings.Contains(x.lower.at(i), q) {
				kept = append(kept, i)
			}
		}
	}
	x.visible, x.shared, x.buf = kept, false, kept
}

// textIndex is every threat's searchable text, lowercased, in one string:
// threat i's text ends at ends[i], and a NUL separates it from the next.
type textIndex struct {
	all  string
	ends []int
}

func (ti *textIndex) len() int { return len(ti.ends) }

// at is threat i's text.
func (ti *textIndex) at(i int) string {
	start := 0
	if i > 0 {
		start = ti.ends[i-1] + 1
	}
	return ti.all[start:ti.ends[i]]
}

// matches marks in hits (reused, resized to the threats) the threats
// whose text holds q. It searches the whole text at once: one
// strings.Index over megabytes switches to its vector search, where a call
// per threat restarts every few hundred bytes. After a hit it skips to the
// next threat's text. A query never holds a NUL (filters are cleaned
// text), so no match spans two threats.
func (ti *textIndex) matches(q string, hits []bool) []bool {
	hits = slices.Grow(hits[:0], len(ti.ends))[:len(ti.ends)]
	clear(hits)
	if strings.IndexByte(q, 0) >= 0 {
		return hits
	}
	i := 0
	for off := 0; off <= len(ti.all); {
		j := strings.Index(ti.all[off:], q)
		if j < 0 {
			break
		}
		pos := off + j
		for ti.ends[i] < pos+len(q) {
			i++
		}
		hits[i] = true
		off = ti.ends[i] + 1
	}
	return hits
}

// lowerTitles returns each threat's searchable text lowercased: "id
// title", then its description and each mitigation's description, each
// after a NUL so a query (which never holds one) cannot match across two
// of them. It is one string, one allocation for 10,000 threats, so the
// first filter keystroke stays cheap. It is only matched, never drawn.
func lowerTitles(ts []model.Threat) *textIndex {
	size := 0
	for i := range ts {
		t := &ts[i]
		size += len(t.ID) + 1 + len(t.Title) + 1 + len(t.Description) + 1
		for j := range t.Mitigations {
			size += 1 + len(t.Mitigations[j].Description)
		}
	}
	b := make([]byte, 0, size)
	ends := make([]int, len(ts))
	for i := range ts {
		t := &ts[i]
		if i > 0 {
			b = append(b, 0)
		}
		b = appendLower(b, t.ID)
		b = append(b, ' ')
		b = appendLower(b, t.Title)
		if t.Description != "" {
			b = append(b, 0)
			b = appendLower(b, t.Description)
		}
		for j := range t.Mitigations {
			b = append(b, 0)
			b = appendLower(b, t.Mitigations[j].Description)
		}
		ends[i] = len(b)
	}
	return &textIndex{all: string(b), ends: ends}
}

// appendLower appends s lowercased: copied at once and lowered in place
// while it is ASCII, through strings.ToLower from its first other byte.
// Descriptions make this most of the index's cost, so ASCII is lowered
// eight bytes at a time.
func appendLower(b []byte, s string) []byte {
	start := len(b)
	b = append(b, s...)
	i := start
	for ; i+8 <= len(b); i += 8 {
		w := binary.LittleEndian.Uint64(b[i:])
		if w&hiBits != 0 {
			break // not ASCII: the byte loop below finds where
		}
		// A byte below 0x80 plus 0x3f reaches 0x80 when it is at least
		// 'A'; plus 0x25 when it is past 'Z'. No byte carries into the next.
		upper := (w + 0x3f*loBits) &^ (w + 0x25*loBits) & hiBits
		if upper != 0 {
			binary.LittleEndian.PutUint64(b[i:], w|upper>>2) // 0x80>>2 is 'a'-'A'
		}
	}
	for ; i < len(b); i++ {
		c := b[i]
		if c >= utf8.RuneSelf {
			return append(b[:i], strings.ToLower(s[i-start:])...)
		}
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return b
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
