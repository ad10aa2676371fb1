package export

import (
	"encoding/json"
	"slices"
	"unicode/utf8"
)

// parseTree decodes a whole JSON document into the tree encoding/json
// gives with UseNumber (map[string]any, []any, string, json.Number, bool,
// nil), in one pass without reflection and with member names interned:
// a large Threat Dragon file repeats a few dozen names millions of times.
// It reports only whether data is valid; decodeInput falls back to the
// token pass to say where a broken document breaks. Depth is bounded by
// the caller's tooDeep scan.
func parseTree(data []byte) (any, bool) {
	return parseTreeLazy(data, nil)
}

// parseTreeLazy is parseTree leaving the objects at the given paths
// unbuilt: each is checked (skipValue) and kept as a *lazyJSON of its
// bytes, to be built one at a time when it is read. A path lists member
// names from the root, "" standing for any element of an array: the
// cells of every Threat Dragon diagram are
// {"detail", "diagrams", "", "cells", ""}. This is what keeps a 100,000
// cell document from being held as a whole tree of maps.
func parseTreeLazy(data []byte, lazy [][]string) (any, bool) {
	return parseTreeLimited(data, lazy, 0)
}

// parseTreeLimited is parseTreeLazy also refusing a document with a
// bracket nested more than limit levels deep (0: no limit), as tooDeep
// does, in the same pass: a caller that would scan the document for its
// depth first need not.
func parseTreeLimited(data []byte, lazy [][]string, limit int) (any, bool) {
	p := treeParser{data: data, names: make(map[string]string, 64), lazy: lazy, limit: limit}
	return p.document()
}

// parseTreeNames is parseTree interning member names in names, for a
// caller parsing many small documents with the same few names.
func parseTreeNames(data []byte, names map[string]string) (any, bool) {
	p := treeParser{data: data, names: names}
	return p.document()
}

// document parses the whole of p.data as one value.
func (p *treeParser) document() (any, bool) {
	p.space()
	v, ok := p.value()
	if !ok {
		return nil, false
	}
	p.space()
	return v, p.i == len(p.data)
}

type treeParser struct {
	data  []byte
	i     int
	names map[string]string
	// lazy are the paths of objects left unbuilt; at is the path of the
	// value being parsed, kept only while lazy is set.
	lazy [][]string
	at   []string
	// depth is how many brackets enclose the value being parsed, counted
	// only when limit (the most allowed, as tooDeep counts them) is set.
	depth, limit int
	// unique, when limit is set, refuses an object nested at most unique
	// brackets deep (as depth counts them) that names a member twice, as
	// duplicateKeys does, in the same pass.
	unique int
	// vals, when set, caches short values (valueCache); pool, when set,
	// lends the maps of nested objects (treePool).
	vals *valueCache
	pool *treePool
	// lazies is the block newLazy makes lazy objects in.
	lazies []lazyJSON
}

// treePool lends the maps of the objects nested in an object built for a
// reader that reads it once and drops it, tree and all (buildInto): the
// next object built with the pool takes them back, so the thousands of
// small objects a large file nests in its entities are not made anew for
// each. Nothing read out of such a tree may hold one of its maps.
type treePool struct {
	maps []map[string]any
	used int
	// slices are the lists' backing arrays, lent the same way.
	slices     [][]any
	usedSlices int
}

// maxPooled bounds the maps a pool holds, and the members of one it lends
// again (a larger one is dropped: clearing it would cost more).
const maxPooled, maxPooledMembers = 256, 32

// reset takes every lent map back.
func (tp *treePool) reset() {
	if tp != nil {
		tp.used, tp.usedSlices = 0, 0
	}
}

// slice lends an empty list and its place in the pool (a new list and
// -1 with no pool, or none to spare).
func (tp *treePool) slice() ([]any, int) {
	if tp == nil {
		return []any{}, -1
	}
	if tp.usedSlices < len(tp.slices) {
		tp.usedSlices++
		return tp.slices[tp.usedSlices-1][:0], tp.usedSlices - 1
	}
	if len(tp.slices) < maxPooled {
		tp.slices = append(tp.slices, make([]any, 0, 4))
		tp.usedSlices++
		return tp.slices[tp.usedSlices-1], tp.usedSlices - 1
	}
	return []any{}, -1
}

// get lends an empty map (a new one with no pool).
func (tp *treePool) get() map[string]any {
	if tp == nil {
		return map[string]any{}
	}
	if tp.used < len(tp.maps) {
		m := tp.maps[tp.used]
		if len(m) > maxPooledMembers {
			m = map[string]any{}
			tp.maps[tp.used] = m
		}
		clear(m)
		tp.used++
		return m
	}
	m := map[string]any{}
	if len(tp.maps) < maxPooled {
		tp.maps = append(tp.maps, m)
		tp.used++
	}
	return m
}

// newLazy makes a lazy object of raw, out of a block of them: a large
// list holds hundreds of thousands.
func (p *treeParser) newLazy(raw []byte) *lazyJSON {
	if len(p.lazies) == cap(p.lazies) {
		p.lazies = make([]lazyJSON, 0, 256)
	}
	p.lazies = append(p.lazies, lazyJSON{raw: raw})
	return &p.lazies[len(p.lazies)-1]
}

// enter counts a bracket opened, reporting whether it is within the limit.
func (p *treeParser) enter() bool {
	if p.limit == 0 {
		return true
	}
	p.depth++
	return p.depth <= p.limit
}

// leave counts a bracket closed.
func (p *treeParser) leave() {
	if p.limit != 0 {
		p.depth--
	}
}

// lazyJSON is a JSON object of a document tree not built yet: its bytes,
// valid JSON (checked when it was parsed). compact says they are exactly
// what appendTree writes for it without indent (keys sorted, no space),
// so they can be copied out as they are.
type lazyJSON struct {
	raw     []byte
	compact bool
}

// build decodes the object. names interns member names across the
// objects of one document (nil: for this object alone); a fresh map per
// cell cost more than the cell.
func (l *lazyJSON) build(names map[string]string) (map[string]any, bool) {
	if names == nil {
		names = make(map[string]string, 16)
	}
	p := treeParser{data: l.raw, names: names}
	p.space()
	v, ok := p.value()
	p.space()
	obj, isObj := v.(map[string]any)
	return obj, ok && isObj && p.i == len(p.data)
}

// buildInto is build decoding into obj, emptied first, for a reader that
// reads each object once and drops it: one map serves them all.
// vals (nil: none) caches short values across the objects; pool (nil:
// none) lends the nested objects' maps, taking back those of the object
// built with it before.
func (l *lazyJSON) buildInto(obj map[string]any, names map[string]string, vals *valueCache, pool *treePool) bool {
	if names == nil {
		names = make(map[string]string, 16)
	}
	clear(obj)
	pool.reset()
	p := treeParser{data: l.raw, names: names, vals: vals, pool: pool}
	p.space()
	ok := p.members(func(k string) bool {
		v, ok := p.value()
		obj[k] = v
		return ok
	})
	p.space()
	return ok && p.i == len(p.data)
}

// MarshalJSON writes the bytes: a tree holding lazy objects can go
// through encoding/json too.
func (l *lazyJSON) MarshalJSON() ([]byte, error) { return l.raw, nil }

// lazyHere reports whether the value about to be parsed is at a lazy path.
func (p *treeParser) lazyHere() bool {
	for _, path := range p.lazy {
		if len(path) == len(p.at) && slices.Equal(path, p.at) {
			return true
		}
	}
	return false
}

func (p *treeParser) space() {
	for p.i < len(p.data) {
		switch p.data[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *treeParser) value() (any, bool) {
	if p.i >= len(p.data) {
		return nil, false
	}
	switch c := p.data[p.i]; {
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '"':
		return p.strValue()
	case c == 't':
		return true, p.literal("true")
	case c == 'f':
		return false, p.literal("false")
	case c == 'n':
		return nil, p.literal("null")
	case c == '-' || (c >= '0' && c <= '9'):
		if p.vals != nil {
			start := p.i
			if !p.numberToken() {
				return nil, false
			}
			raw := p.data[start:p.i]
			return cached(p.vals.nums, raw, func() any { return json.Number(raw) }), true
		}
		return p.number()
	}
	return nil, false
}

func (p *treeParser) literal(word string) bool {
	if len(p.data)-p.i < len(word) || string(p.data[p.i:p.i+len(word)]) != word {
		return false
	}
	p.i += len(word)
	return true
}

func (p *treeParser) object() (any, bool) {
	if !p.enter() {
		return nil, false
	}
	defer p.leave()
	p.i++ // {
	obj := p.pool.get()
	p.space()
	if p.i < len(p.data) && p.data[p.i] == '}' {
		p.i++
		return obj, true
	}
	for {
		if p.i >= len(p.data) || p.data[p.i] != '"' {
			return nil, false
		}
		k, ok := p.str(true)
		if !ok {
			return nil, false
		}
		if p.depth <= p.unique && p.limit != 0 {
			if _, dup := obj[k]; dup {
				return nil, false
			}
		}
		p.space()
		if p.i >= len(p.data) || p.data[p.i] != ':' {
			return nil, false
		}
		p.i++
		p.space()
		if p.lazy != nil {
			p.at = append(p.at, k)
		}
		v, ok := p.value()
		if !ok {
			return nil, false
		}
		if p.lazy != nil {
			p.at = p.at[:len(p.at)-1]
		}
		obj[k] = v
		if more, ok := p.more('}'); !ok {
			return nil, false
		} else if !more {
			return obj, true
		}
	}
}

func (p *treeParser) array() (any, bool) {
	if !p.enter() {
		return nil, false
	}
	defer p.leave()
	p.i++ // [
	arr, slot := p.pool.slice()
	if slot >= 0 {
		// The list may grow: the pool lends its larger self next time.
		defer func() { p.pool.slices[slot] = arr[:0] }()
	}
	p.space()
	if p.i < len(p.data) && p.data[p.i] == ']' {
		p.i++
		return arr, true
	}
	if p.lazy != nil {
		p.at = append(p.at, "")
		defer func() { p.at = p.at[:len(p.at)-1] }()
	}
	lazy := p.lazy != nil && p.lazyHere()
	for {
		var v any
		ok := false
		if start := p.i; lazy && p.i < len(p.data) && p.data[p.i] == '{' {
			if ok = p.skipValue(0); ok {
				v = p.newLazy(p.data[start:p.i])
			}
		} else {
			v, ok = p.value()
		}
		if !ok {
			return nil, false
		}
		arr = append(arr, v)
		if more, ok := p.more(']'); !ok {
			return nil, false
		} else if !more {
			return arr, true
		}
	}
}

// str reads a string token. One with no escape and valid UTF-8 (nearly
// all) is sliced out directly; any other is decoded by encoding/json, so
// escapes, surrogates and invalid bytes come out exactly as it has them.
func (p *treeParser) str(name bool) (string, bool) {
	tok, plain, ok := p.strToken()
	if !ok {
		return "", false
	}
	if plain {
		raw := tok[1 : len(tok)-1]
		if name {
			if s, ok := p.names[string(raw)]; ok {
				return s, true
			}
			s := string(raw)
			if len(p.names) < 4096 {
				p.names[s] = s
			}
			return s, true
		}
		return string(raw), true
	}
	var s string
	if json.Unmarshal(tok, &s) != nil {
		return "", false
	}
	return s, true
}

// nameIs reads a member name, reporting whether it is name, as str and
// a comparison would, without making a string of a plain one: lazyMember
// passed over every member of 100,000 cells to find each one's id.
func (p *treeParser) nameIs(name string) (is, ok bool) {
	tok, plain, ok := p.strToken()
	if !ok {
		return false, false
	}
	if plain {
		return string(tok[1:len(tok)-1]) == name, true
	}
	var s string
	if json.Unmarshal(tok, &s) != nil {
		return false, false
	}
	return s == name, true
}

// strToken scans a string token, giving it with its quotes and whether
// its bytes are the string as they stand (no escape, valid UTF-8).
func (p *treeParser) strToken() (tok []byte, plain, ok bool) {
	start := p.i
	p.i++
	plain = true
	for p.i < len(p.data) {
		c := p.data[p.i]
		switch {
		case c == '"':
			p.i++
			return p.data[start:p.i], plain, true
		case c == '\\':
			plain = false
			p.i += 2
		case c < 0x20:
			return nil, false, false
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRune(p.data[p.i:])
			if r == utf8.RuneError && size == 1 {
				plain = false
			}
			p.i += size
		default:
			p.i++
		}
	}
	return nil, false, false
}

// valueCache holds short string and number values already made into
// tree values: the states, types and ratings a large file repeats in
// every object are then made once, not twice per occurrence (the string
// and the interface holding it).
type valueCache struct{ strs, nums map[string]any }

func newValueCache() *valueCache {
	return &valueCache{strs: make(map[string]any, 64), nums: make(map[string]any, 16)}
}

// maxCached bounds what a valueCache holds: values up to maxCachedLen
// bytes, at most maxCached of each kind (a file's ids are short too, but
// never repeat).
const maxCached, maxCachedLen = 4096, 24

// cached gives the value m holds for raw, made by make and kept when
// there is room.
func cached(m map[string]any, raw []byte, make func() any) any {
	if len(raw) > maxCachedLen {
		return make()
	}
	if v, ok := m[string(raw)]; ok {
		return v
	}
	v := make()
	if len(m) < maxCached {
		m[string(raw)] = v
	}
	return v
}

// strValue is str(false) as a tree value, short plain ones from p.vals.
func (p *treeParser) strValue() (any, bool) {
	if p.vals == nil {
		return p.str(false)
	}
	start := p.i
	tok, plain, ok := p.strToken()
	if !ok || !plain {
		p.i = start
		return p.str(false)
	}
	raw := tok[1 : len(tok)-1]
	return cached(p.vals.strs, raw, func() any { return string(raw) }), true
}

// number reads a number token by JSON's grammar, kept as its text.
func (p *treeParser) number() (any, bool) {
	start := p.i
	if !p.numberToken() {
		return nil, false
	}
	return json.Number(p.data[start:p.i]), true
}

// numberToken scans a number token by JSON's grammar.
func (p *treeParser) numberToken() bool {
	if p.data[p.i] == '-' {
		p.i++
	}
	digits := func() int {
		n := 0
		for p.i < len(p.data) && p.data[p.i] >= '0' && p.data[p.i] <= '9' {
			p.i++
			n++
		}
		return n
	}
	if p.i < len(p.data) && p.data[p.i] == '0' {
		p.i++
	} else if digits() == 0 {
		return false
	}
	if p.i < len(p.data) && p.data[p.i] == '.' {
		p.i++
		if digits() == 0 {
			return false
		}
	}
	if p.i < len(p.data) && (p.data[p.i] == 'e' || p.data[p.i] == 'E') {
		p.i++
		if p.i < len(p.data) && (p.data[p.i] == '+' || p.data[p.i] == '-') {
			p.i++
		}
		if digits() == 0 {
			return false
		}
	}
	return true
}

// skipValue checks one value by JSON's grammar without building it (see
// parseTreeLazy); depth guards the recursion as tooDeep does for the
// whole document.
func (p *treeParser) skipValue(depth int) bool {
	if p.i >= len(p.data) || depth > MaxImportDepth {
		return false
	}
	switch c := p.data[p.i]; {
	case c == '{', c == '[':
		closer := byte('}')
		if c == '[' {
			closer = ']'
		}
		if !p.enter() {
			return false
		}
		defer p.leave()
		p.i++
		p.space()
		if p.i < len(p.data) && p.data[p.i] == closer {
			p.i++
			return true
		}
		for {
			if c == '{' {
				if p.i >= len(p.data) || p.data[p.i] != '"' || !p.skipString() {
					return false
				}
				p.space()
				if p.i >= len(p.data) || p.data[p.i] != ':' {
					return false
				}
				p.i++
				p.space()
			}
			if !p.skipValue(depth + 1) {
				return false
			}
			if more, ok := p.more(closer); !more {
				return ok
			}
		}
	case c == '"':
		return p.skipString()
	case c == 't':
		return p.literal("true")
	case c == 'f':
		return p.literal("false")
	case c == 'n':
		return p.literal("null")
	case c == '-' || (c >= '0' && c <= '9'):
		return p.numberToken()
	}
	return false
}

// skipString checks a string token as encoding/json reads one: no raw
// control character, only its escapes, four hex digits after \u
// (invalid UTF-8 is accepted: it decodes to U+FFFD).
func (p *treeParser) skipString() bool {
	p.i++ // "
	for p.i < len(p.data) {
		c := p.data[p.i]
		switch {
		case c == '"':
			p.i++
			return true
		case c == '\\':
			if p.i+1 >= len(p.data) {
				return false
			}
			switch p.data[p.i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				p.i += 2
			case 'u':
				if p.i+6 > len(p.data) {
					return false
				}
				for _, h := range p.data[p.i+2 : p.i+6] {
					if !(h >= '0' && h <= '9' || h >= 'a' && h <= 'f' || h >= 'A' && h <= 'F') {
						return false
					}
				}
				p.i += 6
			default:
				return false
			}
		case c < 0x20:
			return false
		default:
			p.i++
		}
	}
	return false
}

// lazyMember reads the string member key of the object raw holds (the
// last one, as building the object keeps), without building the rest.
func lazyMember(raw []byte, key string) (string, bool) {
	p := treeParser{data: raw}
	p.space()
	if p.i >= len(p.data) || p.data[p.i] != '{' {
		return "", false
	}
	p.i++
	p.space()
	found, val := false, ""
	for p.i < len(p.data) && p.data[p.i] == '"' {
		is, ok := p.nameIs(key)
		if !ok {
			return "", false
		}
		p.space()
		if p.i >= len(p.data) || p.data[p.i] != ':' {
			return "", false
		}
		p.i++
		p.space()
		if is {
			if p.i < len(p.data) && p.data[p.i] == '"' {
				v, ok := p.str(false)
				if !ok {
					return "", false
				}
				found, val = true, v
			} else {
				found = false
				if !p.skipValue(0) {
					return "", false
				}
			}
		} else if !p.skipValue(0) {
			return "", false
		}
		p.space()
		if p.i < len(p.data) && p.data[p.i] == ',' {
			p.i++
			p.space()
		}
	}
	return val, found
}

// duplicateKeys reports whether an object of data nested at most depth
// levels deep names a member twice. A tree keeps the last of such
// members, while encoding/json merges two objects decoded into one struct
// field; readers that mirror encoding/json look here first.
func duplicateKeys(data []byte, depth int) bool {
	p := treeParser{data: data}
	p.space()
	dup, _ := p.dupIn(depth)
	return dup
}

// dupIn checks the value at p, giving whether it holds a duplicate within
// depth levels and whether it is valid.
func (p *treeParser) dupIn(depth int) (bool, bool) {
	if depth <= 0 || p.i >= len(p.data) || (p.data[p.i] != '{' && p.data[p.i] != '[') {
		return false, p.skipValue(0)
	}
	object := p.data[p.i] == '{'
	closer := byte(']')
	if object {
		closer = '}'
	}
	var seen map[string]bool
	if object {
		seen = map[string]bool{}
	}
	p.i++
	p.space()
	if p.i < len(p.data) && p.data[p.i] == closer {
		p.i++
		return false, true
	}
	for {
		if object {
			k, ok := p.str(false)
			if !ok {
				return false, false
			}
			if seen[k] {
				return true, true
			}
			seen[k] = true
			p.space()
			if p.i >= len(p.data) || p.data[p.i] != ':' {
				return false, false
			}
			p.i++
			p.space()
		}
		if dup, ok := p.dupIn(depth - 1); dup || !ok {
			return dup, ok
		}
		if more, ok := p.more(closer); !more {
			return false, ok
		}
	}
}

// more reads what follows a member or an element: a comma (more follows)
// or closer (the container ends); anything else is not JSON.
func (p *treeParser) more(closer byte) (more, ok bool) {
	p.space()
	if p.i >= len(p.data) {
		return false, false
	}
	switch p.data[p.i] {
	case ',':
		p.i++
		p.space()
		return true, true
	case closer:
		p.i++
		return false, true
	}
	return false, false
}

// members reads the object at p member by member: each is called with
// the member's name and p at its value, which it must read. It reports
// whether the object is valid JSON and every call returned true. Names
// are interned when p.names is set.
func (p *treeParser) members(each func(key string) bool) bool {
	return p.container('{', '}', func() bool {
		if p.i >= len(p.data) || p.data[p.i] != '"' {
			return false
		}
		k, ok := p.str(p.names != nil)
		return ok && p.colon() && each(k)
	})
}

// idMembers is members for an object whose member names are ids, which
// never repeat: they are not interned (a names map of every id of a
// 100,000-element file cost more than the names).
func (p *treeParser) idMembers(each func(id string) bool) bool {
	return p.container('{', '}', func() bool {
		if p.i >= len(p.data) || p.data[p.i] != '"' {
			return false
		}
		k, ok := p.str(false)
		return ok && p.colon() && each(k)
	})
}

// colon reads the colon after a member's name, and the space around it.
func (p *treeParser) colon() bool {
	p.space()
	if p.i >= len(p.data) || p.data[p.i] != ':' {
		return false
	}
	p.i++
	p.space()
	return true
}

// elements reads the array at p element by element: each is called with
// p at an element, which it must read.
func (p *treeParser) elements(each func() bool) bool { return p.container('[', ']', each) }

// container reads the object or array at p (open … closer), calling
// each at every member or element, which it must read.
func (p *treeParser) container(open, closer byte, each func() bool) bool {
	if p.i >= len(p.data) || p.data[p.i] != open {
		return false
	}
	p.i++
	p.space()
	if p.i < len(p.data) && p.data[p.i] == closer {
		p.i++
		return true
	}
	for {
		if !each() {
			return false
		}
		if more, ok := p.more(closer); !ok {
			return false
		} else if !more {
			return true
		}
	}
}

// lazyMemberValue decodes member key of the object raw holds (the last
// one, as building the object keeps) without building the rest, member
// names inside it interned in names (nil: for this call alone); raw is
// valid JSON (checked when it was kept).
func lazyMemberValue(raw []byte, key string, names map[string]string) (v any, found bool) {
	if names == nil {
		names = make(map[string]string, 4)
	}
	// The object's own member names are interned too: a name made for
	// every member passed over cost more than the member read.
	p := treeParser{data: raw, names: names}
	p.space()
	ok := p.members(func(k string) bool {
		if k != key {
			return p.skipValue(0)
		}
		var ok bool
		v, ok = p.value()
		found = ok
		return ok
	})
	if !ok || !found {
		return nil, false
	}
	return v, true
}
