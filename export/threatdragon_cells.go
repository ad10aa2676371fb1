package export

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/threatdeck/threatdeck/model"
)

// A Threat Dragon cell left in its bytes (a *lazyJSON of the input) is
// read here straight from those bytes in one pass (tdRaw.cell): the pass
// writes the cell compact, as appendTree writes the tree of it (keys
// sorted, strings as appendJSONString quotes them), its threats' texts
// left out, and notes where the members an element and its threats are
// made of are. No tree of maps is built and no JSON path is made, so a
// 100,000-cell file costs little more than its own bytes. Anything other
// than the plain shape (a member of an unexpected type, a number that
// does not parse, a repeated key where the reader looks) makes cell
// report false, and the cell is read through its tree instead, which
// says what is wrong and where.

// Where a value is inside a cell, for what the pass notes and strips.
const (
	atOther = iota
	atCell
	atData
	atThreats
	atThreat
	atAttrs
	atAttrsText
	atAttrsLabel
	atLabels
	atLabel0
	atLabelAttrs
	atLabelText
	atEnd // a flow's source or target
	atPosition
	atSize
)

// tdSpans are the values of the members the reader takes, as bytes of
// the input (nil when absent).
type tdSpans struct {
	id, shape, data, source, target, position, size []byte
	attrsText, labelText, labelsText                []byte
	sourceCell, targetCell                          []byte
	x, y, width, height                             []byte
	typ, kind, name, desc, protocol                 []byte
	flags                                           [len(tdFlags)][]byte
	threats                                         []byte
}

// tdFlags are the data members tdTraits reads.
var tdFlags = [...]string{"outOfScope", "isWebApplication", "storesCredentials", "providesAuthentication", "isPublicNetwork"}

// tdThreatSpans are a threat's members the reader takes.
type tdThreatSpans struct {
	self                                                        []byte
	title, desc, mitigation, status, severity, typ, kind, score []byte
}

// tdMember is one member of an object being written: its name and its
// value's compact bytes in the level's buffer.
type tdMember struct {
	key        string
	start, end int
}

// tdRaw reads cells from their bytes; its buffers are reused cell after
// cell.
type tdRaw struct {
	names map[string]string
	// bufs and members hold each nesting level's values while its object
	// is written.
	bufs    [][]byte
	members [][]tdMember
	// The pass over the cell being read.
	data  []byte
	i     int
	strip bool
	bad   bool // a repeated key where the reader looks
	// scan reads the cell for its spans and checks it without writing
	// anything (scanCell).
	scan bool
	// atTarget says which flow end is being read.
	atTarget bool
	// indent and base lay the cell out as the tree writer does at depth
	// base ("" for compact); threatsOut, when set, writes the data's
	// threats and hasOpenThreats in place of the cell's own (an export).
	indent     string
	base       int
	threatsOut func(dst []byte, depth int) ([]byte, error)
	open       bool
	// setDesc writes desc as the data's description.
	setDesc bool
	desc    string
	spans   tdSpans
	threats []tdThreatSpans
	// vocab remembers how each status, severity and type word reads;
	// words interns the short words cells repeat (types, shapes).
	vocab tdVocab
	words map[string]string
}

// tdRawThreat is a threat read from a cell, queued until its element is.
type tdRawThreat struct {
	title, desc, mitigation     string
	status, severity, typ, kind string
}

// cell reads a cell's bytes (valid JSON: the input's parse checked it):
// its id, a tdCell (nil for a free-text block) and its threats, appended
// to threats, and its compact bytes appended to dst. ok is false when the
// cell is not in the plain shape; nothing is then appended.
func (x *tdRaw) cell(dst, raw []byte, threats []tdRawThreat) (id string, cell *tdCell, out []tdRawThreat, kept []byte, ok bool) {
	start := len(dst)
	if kept, ok = x.pass(dst, raw, true); !ok {
		return "", nil, threats, dst, false
	}
	fail := func() (string, *tdCell, []tdRawThreat, []byte, bool) { return "", nil, threats, dst[:start], false }
	s := &x.spans
	if id, ok = x.str(s.id, false); !ok || strings.TrimSpace(id) == "" {
		return fail()
	}
	if !rawNull(s.data) && s.data[0] != '{' {
		return fail()
	}
	typ, ok1 := x.str(s.typ, true)
	shape, ok2 := x.str(s.shape, true)
	if !ok1 || !ok2 {
		return fail()
	}
	if typ == "tm.Text" || shape == "td-text-block" || (typ == "" && shape == "") {
		// A free-text block keeps its threats whole.
		if kept, ok = x.pass(dst[:start], raw, false); !ok {
			return fail()
		}
		return id, nil, threats, kept, true
	}
	cell = &tdCell{id: id, kind: tdKind(typ, shape, !rawNull(s.source) && !rawNull(s.target))}
	if len(s.kind) > 0 && s.kind[0] == '"' {
		k, _ := x.str(s.kind, true)
		if kind := model.ElementKind(k); kind.Valid() && sameShape(kind, cell.kind) {
			cell.kind = kind
		}
	}
	cell.box = shape == "trust-boundary-box" || typ == "tm.BoundaryBox"
	if _, ok = x.str(s.name, false); !ok {
		return fail()
	}
	cell.name = x.cellName()
	if cell.desc, ok = x.str(s.desc, false); !ok {
		return fail()
	}
	if cell.kind == model.KindDataFlow {
		var okS, okT bool
		cell.source, okS = x.end(s.source, s.sourceCell)
		cell.target, okT = x.end(s.target, s.targetCell)
		if !okS || !okT {
			return fail()
		}
	}
	if !rawNull(s.position) && !rawNull(s.size) {
		if s.position[0] != '{' || s.size[0] != '{' {
			return fail()
		}
		var fs [4]float64
		all := true
		for i, v := range [][]byte{s.x, s.y, s.width, s.height} {
			f, present, ok := rawNumber(v)
			if !ok {
				return fail()
			}
			fs[i], all = f, all && present
		}
		cell.x, cell.y, cell.w, cell.h, cell.hasGeometry = fs[0], fs[1], fs[2], fs[3], all
	}
	tdTraitsOf(&cell.traits, x.flag)

	if rawNull(s.threats) {
		return id, cell, threats, kept, true
	}
	if s.threats[0] != '[' {
		return fail()
	}
	out = threats
	for _, ts := range x.threats {
		if ts.self[0] != '{' {
			return fail()
		}
		var t tdRawThreat
		for _, f := range [...]struct {
			v     []byte
			to    *string
			short bool
		}{{ts.title, &t.title, false}, {ts.desc, &t.desc, false}, {ts.mitigation, &t.mitigation, false}, {ts.status, &t.status, true}, {ts.severity, &t.severity, true}, {ts.typ, &t.typ, true}, {ts.kind, &t.kind, true}} {
			if *f.to, ok = x.str(f.v, f.short); !ok {
				return fail()
			}
		}
		if len(ts.score) > 0 && (ts.score[0] == '{' || ts.score[0] == '[') {
			return fail()
		}
		out = append(out, t)
	}
	return id, cell, out, kept, true
}

// cellName is tdCellName on the spans: the data name, else the text
// drawn on the cell.
func (x *tdRaw) cellName() string {
	s := &x.spans
	for _, v := range [][]byte{s.name, s.attrsText, s.labelText, s.labelsText} {
		if len(v) > 0 && v[0] == '"' {
			if t, _ := x.str(v, false); strings.TrimSpace(t) != "" {
				return t
			}
		}
	}
	return ""
}

// flag reads a data member as tdTraitsOf asks: true, a string or nil.
func (x *tdRaw) flag(key string) any {
	var v []byte
	if key == "protocol" {
		v = x.spans.protocol
	} else if i := slices.Index(tdFlags[:], key); i >= 0 {
		v = x.spans.flags[i]
	}
	switch {
	case string(v) == "true":
		return true
	case len(v) > 0 && v[0] == '"':
		s, _ := x.str(v, true)
		return s
	}
	return nil
}

// end reads a flow end as tdEnd does: v is the end, cell its "cell".
func (x *tdRaw) end(v, cell []byte) (string, bool) {
	if rawNull(v) {
		return "", true
	}
	switch v[0] {
	case '"':
		return x.str(v, false)
	case '{':
		return x.str(cell, false)
	}
	return "", false
}

// rawNull reports whether a member's value is absent or null.
func rawNull(v []byte) bool { return v == nil || string(v) == "null" }

// str decodes a string value as the tree does; absent or null gives "",
// any other type ok false. short interns the string (a word cells
// repeat).
func (x *tdRaw) str(v []byte, short bool) (string, bool) {
	if rawNull(v) {
		return "", true
	}
	if v[0] != '"' {
		return "", false
	}
	inner := v[1 : len(v)-1]
	if plainString(inner) {
		if short && len(inner) <= 32 {
			if s, ok := x.words[string(inner)]; ok { // no copy made to look it up
				return s, true
			}
			return remember(&x.words, string(inner), func(s string) string { return s }), true
		}
		return string(inner), true
	}
	var s string
	if json.Unmarshal(v, &s) != nil {
		return "", false
	}
	return s, true
}

// plainString reports whether a token's text has no escape and is valid
// UTF-8, so it is its own decoding (treeParser.str).
func plainString(b []byte) bool {
	for i := 0; i < len(b); i++ {
		if c := b[i]; c == '\\' {
			return false
		} else if c >= utf8.RuneSelf {
			return utf8.Valid(b[i:]) && !slices.Contains(b[i:], '\\')
		}
	}
	return true
}

// rawNumber reads a number value as jreader.number does.
func rawNumber(v []byte) (f float64, present, ok bool) {
	if rawNull(v) {
		return 0, false, true
	}
	if c := v[0]; c != '-' && (c < '0' || c > '9') {
		return 0, false, false
	}
	f, err := strconv.ParseFloat(string(v), 64)
	if err != nil {
		return 0, false, false
	}
	return f, true, true
}

// scanCell is pass writing nothing: the spans noted and the cell checked
// (ok false where pass's is), for an export that looks at a kept cell
// before it writes it. Writing the compact copy it threw away was a third
// of that look.
func (x *tdRaw) scanCell(raw []byte) bool {
	x.scan = true
	defer func() { x.scan = false }()
	_, ok := x.pass(nil, raw, false)
	return ok
}

// pass writes the cell raw compact onto dst, noting the spans.
func (x *tdRaw) pass(dst, raw []byte, strip bool) ([]byte, bool) {
	x.data, x.i, x.strip, x.bad = raw, 0, strip, false
	x.spans = tdSpans{}
	x.threats = x.threats[:0]
	x.space()
	if x.i >= len(raw) || raw[x.i] != '{' {
		return dst, false
	}
	out, ok := x.value(dst, 0, atCell)
	x.data = nil
	return out, ok && !x.bad
}

func (x *tdRaw) space() {
	for x.i < len(x.data) {
		switch x.data[x.i] {
		case ' ', '\t', '\n', '\r':
			x.i++
		default:
			return
		}
	}
}

// value writes the value at x.i compact onto dst.
func (x *tdRaw) value(dst []byte, depth int, where int) ([]byte, bool) {
	if x.i >= len(x.data) || depth > MaxImportDepth {
		return dst, false
	}
	switch c := x.data[x.i]; {
	case c == '{':
		return x.object(dst, depth, where)
	case c == '[':
		return x.array(dst, depth, where)
	case c == '"':
		start := x.i
		end, plain, ok := x.stringEnd()
		if !ok {
			return dst, false
		}
		x.i = end
		if plain {
			if x.scan {
				return dst, true
			}
			return append(dst, x.data[start:end]...), true
		}
		out, ok := appendRawString(dst, x.data[start:end])
		if x.scan {
			out = out[:len(dst)]
		}
		return out, ok
	}
	start := x.i
	for x.i < len(x.data) {
		c := x.data[x.i]
		if (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' || (c >= 'a' && c <= 'z') {
			x.i++
			continue
		}
		break
	}
	if x.i == start {
		return dst, false
	}
	if x.scan {
		return dst, true
	}
	return append(dst, x.data[start:x.i]...), true // a number or a literal, as it is
}

// stringEnd finds the end of the string token at x.i, and whether it is
// already as appendJSONString writes it (printable ASCII, no escape).
func (x *tdRaw) stringEnd() (end int, plain, ok bool) {
	plain = true
	for i := x.i + 1; i < len(x.data); i++ {
		switch c := x.data[i]; {
		case c == '"':
			return i + 1, plain, true
		case c == '\\':
			plain = false
			i++
		case c >= utf8.RuneSelf || c < 0x20:
			plain = false
		}
	}
	return 0, false, false
}

// key reads a member name, interned.
func (x *tdRaw) key() (string, bool) {
	start := x.i
	end, plain, ok := x.stringEnd()
	if !ok {
		return "", false
	}
	x.i = end
	inner := x.data[start+1 : end-1]
	if plain {
		if s, ok := x.names[string(inner)]; ok {
			return s, true
		}
		s := string(inner)
		if len(x.names) < 4096 {
			x.names[s] = s
		}
		return s, true
	}
	p := treeParser{data: x.data[start:end]}
	k, ok := p.str(false)
	if !ok {
		return "", false
	}
	return k, true
}

// inner says where a member's value is, from where its object is.
func inner(where int, key string) int {
	switch where {
	case atCell:
		switch key {
		case "data":
			return atData
		case "attrs":
			return atAttrs
		case "labels":
			return atLabels
		case "source", "target":
			return atEnd
		case "position":
			return atPosition
		case "size":
			return atSize
		}
	case atData:
		if key == "threats" {
			return atThreats
		}
	case atAttrs:
		switch key {
		case "text":
			return atAttrsText
		case "label":
			return atAttrsLabel
		}
	case atLabel0:
		if key == "attrs" {
			return atLabelAttrs
		}
	case atLabelAttrs:
		if key == "labelText" {
			return atLabelText
		}
	}
	return atOther
}

// note keeps the span of a member the reader takes.
func (x *tdRaw) note(where int, key string, v []byte) {
	s := &x.spans
	switch where {
	case atCell:
		switch key {
		case "id":
			s.id = v
		case "shape":
			s.shape = v
		case "data":
			s.data = v
		case "source":
			s.source = v
		case "target":
			s.target = v
		case "position":
			s.position = v
		case "size":
			s.size = v
		}
	case atData:
		switch key {
		case "type":
			s.typ = v
		case kindThreatdeck:
			s.kind = v
		case "name":
			s.name = v
		case "description":
			s.desc = v
		case "protocol":
			s.protocol = v
		case "threats":
			s.threats = v
		default:
			if i := slices.Index(tdFlags[:], key); i >= 0 {
				s.flags[i] = v
			}
		}
	case atThreat:
		t := &x.threats[len(x.threats)-1]
		switch key {
		case "title":
			t.title = v
		case "description":
			t.desc = v
		case "mitigation":
			t.mitigation = v
		case "status":
			t.status = v
		case "severity":
			t.severity = v
		case "type":
			t.typ = v
		case "modelType":
			t.kind = v
		case "score":
			t.score = v
		}
	case atAttrsText, atAttrsLabel, atLabelText:
		if key == "text" {
			switch where {
			case atAttrsText:
				s.attrsText = v
			case atAttrsLabel:
				s.labelText = v
			default:
				s.labelsText = v
			}
		}
	case atEnd:
		// Which end is known from the member being read (x.end).
		if key == "cell" {
			if x.atTarget {
				s.targetCell = v
			} else {
				s.sourceCell = v
			}
		}
	case atPosition:
		switch key {
		case "x":
			s.x = v
		case "y":
			s.y = v
		}
	case atSize:
		switch key {
		case "width":
			s.width = v
		case "height":
			s.height = v
		}
	}
}

// object writes the object at x.i compact onto dst: its members are
// written into the level's buffer as they come, then copied out in key
// order, the last of a repeated key kept.
func (x *tdRaw) object(dst []byte, depth int, where int) ([]byte, bool) {
	for len(x.bufs) <= depth {
		x.bufs, x.members = append(x.bufs, nil), append(x.members, nil)
	}
	buf, ms := x.bufs[depth][:0], x.members[depth][:0]
	x.i++ // {
	x.space()
	if x.i < len(x.data) && x.data[x.i] == '}' {
		x.i++
		if x.scan {
			return dst, true
		}
		return append(dst, "{}"...), true
	}
	for {
		if x.i >= len(x.data) || x.data[x.i] != '"' {
			return dst, false
		}
		k, ok := x.key()
		if !ok {
			return dst, false
		}
		x.space()
		if x.i >= len(x.data) || x.data[x.i] != ':' {
			return dst, false
		}
		x.i++
		x.space()
		if where == atCell && (k == "source" || k == "target") {
			x.atTarget = k == "target"
		}
		start, at := len(buf), x.i
		if buf, ok = x.value(buf, depth+1, inner(where, k)); !ok {
			return dst, false
		}
		if where != atOther {
			x.note(where, k, x.data[at:x.i])
		}
		ms = append(ms, tdMember{key: k, start: start, end: len(buf)})
		x.space()
		if x.i >= len(x.data) {
			return dst, false
		}
		c := x.data[x.i]
		x.i++
		if c == '}' {
			break
		}
		if c != ',' {
			return dst, false
		}
		x.space()
	}
	if where == atData && x.setDesc {
		ms = slices.DeleteFunc(ms, func(m tdMember) bool { return m.key == "description" })
		start := len(buf)
		buf = appendJSONString(buf, x.desc)
		ms = append(ms, tdMember{key: "description", start: start, end: len(buf)})
	}
	if where == atData && x.threatsOut != nil {
		// An export's threats take the place of the kept ones.
		ms = slices.DeleteFunc(ms, func(m tdMember) bool { return m.key == "threats" || m.key == "hasOpenThreats" })
		start := len(buf)
		buf = strconv.AppendBool(buf, x.open)
		ms = append(ms, tdMember{key: "hasOpenThreats", start: start, end: len(buf)})
		start = len(buf)
		var err error
		if buf, err = x.threatsOut(buf, x.base+depth+1); err != nil {
			return dst, false
		}
		ms = append(ms, tdMember{key: "threats", start: start, end: len(buf)})
	}
	x.bufs[depth], x.members[depth] = buf, ms
	if !slices.IsSortedFunc(ms, func(a, b tdMember) int { return strings.Compare(a.key, b.key) }) {
		slices.SortStableFunc(ms, func(a, b tdMember) int { return strings.Compare(a.key, b.key) })
	}
	if x.scan {
		// Only what writing would find: a repeated key where the
		// reader looks.
		for i := 0; i+1 < len(ms); i++ {
			if ms[i+1].key == ms[i].key && where != atOther {
				x.bad = true
			}
		}
		return dst, true
	}
	dst = append(dst, '{')
	first := true
	for i, m := range ms {
		if i+1 < len(ms) && ms[i+1].key == m.key {
			if where != atOther {
				x.bad = true
			}
			continue // the last of a repeated key is the one kept
		}
		if x.strip && where == atThreat && (m.key == "title" || m.key == "description" || m.key == "mitigation") {
			continue
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = newline(dst, x.indent, x.base+depth+1)
		dst = appendJSONString(dst, m.key)
		dst = append(dst, ':')
		if x.indent != "" {
			dst = append(dst, ' ')
		}
		dst = append(dst, buf[m.start:m.end]...)
	}
	if !first {
		dst = newline(dst, x.indent, x.base+depth)
	}
	return append(dst, '}'), true
}

// array writes the array at x.i compact onto dst.
func (x *tdRaw) array(dst []byte, depth int, where int) ([]byte, bool) {
	x.i++ // [
	x.space()
	if x.i < len(x.data) && x.data[x.i] == ']' {
		x.i++
		if x.scan {
			return dst, true
		}
		return append(dst, "[]"...), true
	}
	if !x.scan {
		dst = append(dst, '[')
	}
	for n := 0; ; n++ {
		if !x.scan {
			if n > 0 {
				dst = append(dst, ',')
			}
			dst = newline(dst, x.indent, x.base+depth+1)
		}
		at, elem := x.i, atOther
		switch {
		case where == atThreats:
			elem = atThreat
			x.threats = append(x.threats, tdThreatSpans{})
		case where == atLabels && n == 0:
			elem = atLabel0
		}
		var ok bool
		if dst, ok = x.value(dst, depth+1, elem); !ok {
			return dst, false
		}
		if elem == atThreat {
			x.threats[len(x.threats)-1].self = x.data[at:x.i]
		}
		x.space()
		if x.i >= len(x.data) {
			return dst, false
		}
		c := x.data[x.i]
		x.i++
		if c == ']' {
			if x.scan {
				return dst, true
			}
			return append(newline(dst, x.indent, x.base+depth), ']'), true
		}
		if c != ',' {
			return dst, false
		}
		x.space()
	}
}

// appendRawString writes a string token as appendJSONString writes what
// it decodes to: a token without escapes, of valid UTF-8 and without
// U+2028 or U+2029, is already that.
func appendRawString(dst, tok []byte) ([]byte, bool) {
	plain := true
	for i := 1; i < len(tok)-1; i++ {
		c := tok[i]
		if c == '\\' {
			plain = false
			break
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRune(tok[i:])
			if (r == utf8.RuneError && size == 1) || r == '\u2028' || r == '\u2029' {
				plain = false
				break
			}
			i += size - 1
		}
	}
	if plain {
		return append(dst, tok...), true
	}
	p := treeParser{data: tok}
	s, ok := p.str(false)
	if !ok {
		return dst, false
	}
	return appendJSONString(dst, s), true
}

// compactBound is at most how many bytes a cell's compact form takes:
// its bytes less the space between tokens, plus what quoting can add
// (an invalid byte becomes \ufffd, a raw U+2028 or U+2029 an escape).
func compactBound(raw []byte) int {
	n := 0
	for i := 0; i < len(raw); i++ {
		switch c := raw[i]; c {
		case ' ', '\t', '\n', '\r':
		case '"':
			j := i + 1
			for j < len(raw) && raw[j] != '"' {
				switch c := raw[j]; {
				case c == '\\':
					j += 2
				case c >= utf8.RuneSelf:
					r, size := utf8.DecodeRune(raw[j:])
					if r == utf8.RuneError && size == 1 {
						n += 5
					} else if r == '\u2028' || r == '\u2029' {
						n += 3
					}
					j += size
				default:
					j++
				}
			}
			n += j + 1 - i
			i = j
		default:
			n++
		}
	}
	return n
}

// tdVocab caches how the words of a file read: a 100,000-threat file
// repeats a handful of statuses, severities and types.
type tdVocab struct {
	status   map[string]model.ThreatStatus
	severity map[string]model.RiskBand
	types    map[[2]string]tdClass
}

type tdClass struct {
	methodology string
	category    model.Stride
}

func (v *tdVocab) statusOf(s string) model.ThreatStatus { return remember(&v.status, s, statusFrom) }

func (v *tdVocab) severityOf(s string) model.RiskBand { return remember(&v.severity, s, severityBand) }

func (v *tdVocab) classOf(typ, modelType string) (string, model.Stride) {
	c := remember(&v.types, [2]string{typ, modelType}, func(k [2]string) tdClass {
		meth, cat := classify(k[0], k[1], "Threat Dragon")
		return tdClass{meth, cat}
	})
	return c.methodology, c.category
}

// remember is f(k), kept in *cache for the first 1,024 keys.
func remember[K comparable, V any](cache *map[K]V, k K, f func(K) V) V {
	if v, ok := (*cache)[k]; ok {
		return v
	}
	v := f(k)
	if *cache == nil {
		*cache = map[K]V{}
	}
	if len(*cache) < 1024 {
		(*cache)[k] = v
	}
	return v
}
