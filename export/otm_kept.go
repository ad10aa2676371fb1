package export

import (
	"bytes"
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"strings"
	"unicode/utf8"
)

// The data an OTM import keeps holds nearly the whole file, entity by
// entity; each entity is kept as its JSON bytes (a *lazyJSON), compact as
// appendTree writes it when an import made it, so a 100,000-element model
// never holds its kept data as trees of maps: an import writes each
// object's bytes once, and an export builds one object at a time.

// otmObjects are kept OTM objects by threatdeck id.
type otmObjects map[string]*lazyJSON

// otmObjectList is a list of kept OTM objects.
type otmObjectList []*lazyJSON

// UnmarshalJSON reads an object of objects (or null) as encoding/json
// read it into map[string]map[string]any, the shape kept data has always
// had, with the same errors; two members of one name add up, as they did.
func (m *otmObjects) UnmarshalJSON(raw []byte) error {
	var v map[string]*lazyJSON
	if err := unmarshalKept(raw, &v, reflect.TypeFor[map[string]map[string]any](), '{'); err != nil {
		return err
	}
	if v == nil || *m == nil {
		*m = v
		return nil
	}
	maps.Copy(*m, v)
	return nil
}

// UnmarshalJSON reads a list of objects (or null) as encoding/json read
// it into []map[string]any.
func (l *otmObjectList) UnmarshalJSON(raw []byte) error {
	var v []*lazyJSON
	if err := unmarshalKept(raw, &v, reflect.TypeFor[[]map[string]any](), '['); err != nil {
		return err
	}
	*l = v
	return nil
}

// UnmarshalJSON keeps an object's bytes; anything but an object is the
// error encoding/json gives for a map[string]any.
func (l *lazyJSON) UnmarshalJSON(raw []byte) error {
	if len(raw) == 0 || raw[0] != '{' {
		return &json.UnmarshalTypeError{Value: jsonKind(raw), Type: reflect.TypeFor[map[string]any]()}
	}
	l.raw, l.compact = bytes.Clone(raw), false
	return nil
}

// unmarshalKept decodes raw, a JSON value, into v when it opens with
// open; null leaves v nil, anything else is a type error naming as.
func unmarshalKept(raw []byte, v any, as reflect.Type, open byte) error {
	if string(raw) == "null" {
		return nil
	}
	if len(raw) == 0 || raw[0] != open {
		return &json.UnmarshalTypeError{Value: jsonKind(raw), Type: as}
	}
	return decodeExtension(raw, v)
}

// jsonKind names a JSON value's kind as encoding/json's errors do.
func jsonKind(raw []byte) string {
	if len(raw) == 0 {
		return "value"
	}
	switch c := raw[0]; {
	case c == '{':
		return "object"
	case c == '[':
		return "array"
	case c == '"':
		return "string"
	case c == 't' || c == 'f':
		return "bool"
	case c == 'n':
		return "null"
	}
	return "number"
}

// decodeOTMExtension reads the data an OTM import kept. The shape
// threatdeck writes is read directly, each entity left in its bytes;
// anything else goes to encoding/json, whose reading of it is what an
// export has always used.
func decodeOTMExtension(raw []byte) (otmExtension, error) {
	if ext, ok := readOTMExtension(raw); ok {
		return ext, nil
	}
	var ext otmExtension
	err := decodeExtension(raw, &ext)
	return ext, err
}

func readOTMExtension(raw []byte) (otmExtension, bool) {
	var ext otmExtension
	if tooDeep(raw, MaxJSONDepth+2) >= 0 || duplicateKeys(raw, 3) {
		return ext, false
	}
	p := treeParser{data: raw, names: make(map[string]string, 64)}
	p.space()
	ok := p.members(func(k string) bool {
		switch k {
		case "document", "project":
			v, ok := p.value()
			obj, isObj := keptObject(v)
			if k == "document" {
				ext.Document = obj
			} else {
				ext.Project = obj
			}
			return ok && isObj
		case "elements", "assets", "threats":
			m, ok := p.keptObjects()
			switch k {
			case "elements":
				ext.Elements = m
			case "assets":
				ext.Assets = m
			default:
				ext.Threats = m
			}
			return ok
		case "states", "mitigation_states":
			states, ok := p.keptStateLists()
			if k == "states" {
				ext.States = states
			} else {
				ext.MitigationStates = states
			}
			return ok
		case "mitigations":
			var ok bool
			ext.Mitigations, ok = p.keptMitigations()
			return ok
		case "unlinked":
			if p.literal("null") {
				return true
			}
			ext.Unlinked = otmObjectList{} // [] stays [], as encoding/json reads it
			return p.elements(func() bool {
				l, ok := p.keptBytes()
				ext.Unlinked = append(ext.Unlinked, l)
				return ok
			})
		}
		return false
	})
	p.space()
	return ext, ok && p.i == len(p.data)
}

// keptBytes reads an object into its bytes, or null into nil.
func (p *treeParser) keptBytes() (*lazyJSON, bool) {
	if p.literal("null") {
		return nil, true
	}
	start := p.i
	if p.i >= len(p.data) || p.data[p.i] != '{' || !p.skipValue(0) {
		return nil, false
	}
	return &lazyJSON{raw: p.data[start:p.i:p.i]}, true
}

// keptObjects reads an object of objects (or null), each into its bytes.
func (p *treeParser) keptObjects() (otmObjects, bool) {
	if p.literal("null") {
		return nil, true
	}
	out := otmObjects{}
	return out, p.idMembers(func(id string) bool {
		l, ok := p.keptBytes()
		out[id] = l
		return ok
	})
}

// keptMitigations reads the mitigations' origins, each object in its bytes.
func (p *treeParser) keptMitigations() (map[string]otmMitigationRef, bool) {
	if p.literal("null") {
		return nil, true
	}
	out := map[string]otmMitigationRef{}
	return out, p.idMembers(func(id string) bool {
		var ref otmMitigationRef
		ok := p.members(func(k string) bool {
			switch k {
			case "object":
				var ok bool
				ref.Object, ok = p.keptBytes()
				return ok
			case "state", "text":
				v, ok := p.value()
				s, isStr := v.(string)
				if k == "state" {
					ref.State = s
				} else {
					ref.Text = s
				}
				return ok && isStr
			}
			return false
		})
		out[id] = ref
		return ok
	})
}

// keptObject is an object or null.
func keptObject(v any) (map[string]any, bool) {
	if v == nil {
		return nil, true
	}
	obj, ok := v.(map[string]any)
	return obj, ok
}

// keptMap is an object (or null) whose every member each reads.
func keptMap[T any](v any, each func(any) (T, bool)) (map[string]T, bool) {
	obj, ok := keptObject(v)
	if !ok || obj == nil {
		return nil, ok
	}
	out := make(map[string]T, len(obj))
	for id, e := range obj {
		t, ok := each(e)
		if !ok {
			return nil, false
		}
		out[id] = t
	}
	return out, true
}

// keptStateLists reads an object (or null) of objects of strings, each
// entity's states by element, straight into the lists keptStates and
// stateLists make of its tree: building that tree of 100,000 maps, and
// a map of maps from it, was a fifth of reading the kept data of a
// 100,000-element OTM import. An entity's null, which they refuse, is
// refused.
func (p *treeParser) keptStateLists() (otmStates, bool) {
	if p.literal("null") {
		return nil, true
	}
	out := otmStates{}
	return out, p.idMembers(func(id string) bool {
		if p.i >= len(p.data) || p.data[p.i] != '{' {
			return false
		}
		list := otmStateList{}
		ok := p.idMembers(func(element string) bool {
			if p.i >= len(p.data) || p.data[p.i] != '"' {
				return false
			}
			state, ok := p.str(false)
			list = append(list, otmOccurrence{element, state})
			return ok
		})
		out[id] = newStateList(list)
		return ok
	})
}

// otmArena holds the bytes of the objects an import keeps, in blocks of
// about a megabyte rather than each in its own slice.
type otmArena struct {
	buf  []byte
	size int // bytes kept in all
	// objs are the kept objects, made a block at a time too.
	objs []lazyJSON
}

// keep writes obj compact (what appendTree writes for it, so it is
// copied out as it is) and returns it as kept bytes.
func (a *otmArena) keep(obj map[string]any) (*lazyJSON, error) {
	if cap(a.buf)-len(a.buf) < 64<<10 {
		a.buf = make([]byte, 0, 1<<20)
	}
	start := len(a.buf)
	var err error
	if a.buf, err = appendTree(a.buf, obj, "", 0); err != nil {
		return nil, err
	}
	a.size += len(a.buf) - start
	if len(a.objs) == cap(a.objs) {
		a.objs = make([]lazyJSON, 0, 1024)
	}
	a.objs = append(a.objs, lazyJSON{raw: a.buf[start:len(a.buf):len(a.buf)], compact: true})
	return &a.objs[len(a.objs)-1], nil
}

// appendJSON writes the extension as json.Marshal would (members in
// key order), each kept object copied as it is: no tree of the whole
// extension is built.
func (x *otmExtension) appendJSON(dst []byte) ([]byte, error) {
	if dst == nil {
		dst = make([]byte, 0, x.sizeHint())
	}
	var err error
	dst = append(dst, `{"assets":`...)
	if dst, err = appendKept(dst, x.Assets); err != nil {
		return nil, err
	}
	dst = append(dst, `,"document":`...)
	if dst, err = appendObject(dst, x.Document); err != nil {
		return nil, err
	}
	dst = append(dst, `,"elements":`...)
	if dst, err = appendKept(dst, x.Elements); err != nil {
		return nil, err
	}
	if len(x.MitigationStates) > 0 {
		dst = append(dst, `,"mitigation_states":`...)
		dst = appendStates(dst, x.MitigationStates)
	}
	dst = append(dst, `,"mitigations":{`...)
	for i, id := range sortedKeys(x.Mitigations) {
		if i > 0 {
			dst = append(dst, ',')
		}
		ref := x.Mitigations[id]
		dst = appendJSONString(dst, id)
		dst = append(dst, `:{"object":`...)
		if dst, err = appendTree(dst, keptValue(ref.Object), "", 0); err != nil {
			return nil, err
		}
		dst = append(dst, `,"state":`...)
		dst = appendJSONString(dst, ref.State)
		dst = append(dst, `,"text":`...)
		dst = appendJSONString(dst, ref.Text)
		dst = append(dst, '}')
	}
	dst = append(dst, `},"project":`...)
	if dst, err = appendObject(dst, x.Project); err != nil {
		return nil, err
	}
	dst = append(dst, `,"states":`...)
	dst = appendStates(dst, x.States)
	dst = append(dst, `,"threats":`...)
	if dst, err = appendKept(dst, x.Threats); err != nil {
		return nil, err
	}
	if len(x.Unlinked) > 0 {
		dst = append(dst, `,"unlinked":[`...)
		for i, l := range x.Unlinked {
			if i > 0 {
				dst = append(dst, ',')
			}
			if dst, err = appendTree(dst, keptValue(l), "", 0); err != nil {
				return nil, err
			}
		}
		dst = append(dst, ']')
	}
	return append(dst, '}'), nil
}

// sizeHint is the size of the extension appendJSON writes (give or take
// the small document and project objects), so it is written into one
// buffer of about its size: on a 100,000-element import it is tens of
// megabytes, held beside the kept objects it is copied from.
func (x *otmExtension) sizeHint() int {
	n := 256 + 64*len(x.Document) + 64*len(x.Project) // framing, and room for the small objects
	kept := func(m otmObjects) {
		for id, l := range m {
			n += jsonStringLen(id) + 1 + 1 // "id": and a comma
			if l == nil || !l.compact {
				n += 4 + 2*len(keptRaw(l)) // null, or re-written: about its size
			} else {
				n += len(l.raw)
			}
		}
	}
	kept(x.Elements)
	kept(x.Assets)
	kept(x.Threats)
	for _, m := range []otmStates{x.States, x.MitigationStates} {
		for id, list := range m {
			n += jsonStringLen(id) + 4
			for _, o := range list {
				n += jsonStringLen(o.element) + jsonStringLen(o.state) + 2
			}
		}
	}
	for id, ref := range x.Mitigations {
		n += jsonStringLen(id) + jsonStringLen(ref.State) + jsonStringLen(ref.Text) + len(`:{"object":,"state":,"text":}`) + 1
		if ref.Object == nil || !ref.Object.compact {
			n += 4 + 2*len(keptRaw(ref.Object))
		} else {
			n += len(ref.Object.raw)
		}
	}
	for _, l := range x.Unlinked {
		n += 5 + 2*len(keptRaw(l))
	}
	return n
}

// sortedKeys are the keys of m in order, in a slice made once.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// keptRaw is a kept object's bytes (none for nil).
func keptRaw(l *lazyJSON) []byte {
	if l == nil {
		return nil
	}
	return l.raw
}

// jsonStringLen is the length of what appendJSONString writes for s.
func jsonStringLen(s string) int {
	n := 2
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f':
				n += 2
			case c < 0x20:
				n += 6
			default:
				n++
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1, r == '\u2028', r == '\u2029':
			n += 6
		default:
			n += size
		}
		i += size
	}
	return n
}

// appendObject writes a kept member object; nil is null.
func appendObject(dst []byte, obj map[string]any) ([]byte, error) {
	if obj == nil {
		return append(dst, "null"...), nil
	}
	return appendTree(dst, obj, "", 0)
}

// appendKept writes kept objects by id in id order; a missing one is null.
func appendKept(dst []byte, m otmObjects) ([]byte, error) {
	return appendSorted(dst, m, func(dst []byte, l *lazyJSON) ([]byte, error) {
		if l != nil && l.compact {
			return append(dst, l.raw...), nil // what appendTree writes for it
		}
		return appendTree(dst, keptValue(l), "", 0)
	})
}

// appendStates writes states by id, then by element id, in order.
func appendStates(dst []byte, m otmStates) []byte {
	dst, _ = appendSorted(dst, m, func(dst []byte, l otmStateList) ([]byte, error) { return l.appendJSON(dst), nil })
	return dst
}

// appendSorted writes m as a JSON object, members in key order, each
// value written by value.
func appendSorted[V any](dst []byte, m map[string]V, value func([]byte, V) ([]byte, error)) ([]byte, error) {
	dst = append(dst, '{')
	for i, id := range sortedKeys(m) {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, id)
		dst = append(dst, ':')
		var err error
		if dst, err = value(dst, m[id]); err != nil {
			return nil, err
		}
	}
	return append(dst, '}'), nil
}

// otmStates are states by threatdeck id (of a threat or a mitigation),
// then by element id: a list each, not a map, for most hold one.
type otmStates map[string]otmStateList

// otmStateList is one entity's state on each element, sorted by element.
type otmStateList []otmOccurrence

// newStateList sorts occurrences by element, the last one given for an
// element counting, as when they are set in a map one after another.
func newStateList(occ []otmOccurrence) otmStateList {
	slices.SortStableFunc(occ, func(a, b otmOccurrence) int { return strings.Compare(a.element, b.element) })
	out := occ[:0]
	for i, o := range occ {
		if i+1 < len(occ) && occ[i+1].element == o.element {
			continue
		}
		out = append(out, o)
	}
	return otmStateList(slices.Clip(out))
}

// stateLists turns states read as maps into lists.
func stateLists(m map[string]map[string]string) otmStates {
	if m == nil {
		return nil
	}
	out := make(otmStates, len(m))
	for id, inner := range m {
		if inner == nil {
			out[id] = nil
			continue
		}
		list := make(otmStateList, 0, len(inner))
		for el, s := range inner {
			list = append(list, otmOccurrence{el, s})
		}
		out[id] = newStateList(list)
	}
	return out
}

// get gives the state on element.
func (l otmStateList) get(element string) (string, bool) {
	i, ok := slices.BinarySearchFunc(l, element, func(o otmOccurrence, el string) int { return strings.Compare(o.element, el) })
	if !ok {
		return "", false
	}
	return l[i].state, true
}

// appendJSON writes the list as an object ({} when there is none, as
// kept data has always been written).
func (l otmStateList) appendJSON(dst []byte) []byte {
	dst = append(dst, '{')
	for i, o := range l {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, o.element)
		dst = append(dst, ':')
		dst = appendJSONString(dst, o.state)
	}
	return append(dst, '}')
}

// MarshalJSON writes the list as the object it stands for.
func (l otmStateList) MarshalJSON() ([]byte, error) { return l.appendJSON(nil), nil }

// UnmarshalJSON reads states as encoding/json read them into
// map[string]map[string]string, with the same errors; two members of
// one name add up, as they did.
func (m *otmStates) UnmarshalJSON(raw []byte) error {
	var v map[string]map[string]string
	if err := decodeExtension(raw, &v); err != nil {
		return err
	}
	lists := stateLists(v)
	if lists == nil || *m == nil {
		*m = lists
		return nil
	}
	maps.Copy(*m, lists)
	return nil
}

// keptValue is a kept object for a tree: null when there is none.
func keptValue(l *lazyJSON) any {
	if l == nil {
		return nil
	}
	return l
}
