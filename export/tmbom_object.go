package export

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/threatdeck/threatdeck/internal/jsonread"
)

// tmbomField is a member of a TM-BOM object that the importer reads. The
// same name has the same type in every list of the format (a "type" is
// always a string, "threats" always a list of names), so one table serves
// them all.
type tmbomField uint8

const (
	tfSymbolicName tmbomField = iota
	tfTitle
	tfDescription
	tfValidity
	tfTrustZone
	tfTrustZoneA
	tfTrustZoneB
	tfAccessControl
	tfAuthentication
	tfType
	tfObject
	tfPermissions
	tfParent
	tfVendor
	tfProduct
	tfSource
	tfDestination
	tfSensitiveData
	tfEncrypted
	tfDataSensitivity
	tfPlacements
	tfDataStore
	tfSkill
	tfMalicious
	tfApplicability
	tfLikelihood
	tfImpact
	tfThreats
	tfStatus
	tfPriority
	tfEvent
	tfSources
	tfMechanisms
	tfCapecID
	tfCapecTitle
	tfWeaknesses
	tfCweID
	tfCweTitle
	tfComponents
	tfPersona
	tfCount
)

// tmbomFieldNames are the members' names, by field.
var tmbomFieldNames = [tfCount]string{
	"symbolic_name", "title", "description", "validity", "trust_zone", "trust_zone_a", "trust_zone_b",
	"access_control_methods", "authentication_methods", "type", "object", "permissions", "parent_component",
	"vendor", "product", "source", "destination", "has_sensitive_data", "encrypted", "data_sensitivity",
	"placements", "data_store", "skill_level", "malicious_intent", "applicability_to_org", "likelihood",
	"impact", "threats", "status", "priority", "event", "sources", "attack_mechanisms", "capec_id",
	"capec_title", "weaknesses", "cwe_id", "cwe_title", "components_affected", "threat_persona",
}

// tmbomFieldOf is the field a member name stands for.
var tmbomFieldOf = func() map[string]tmbomField {
	m := make(map[string]tmbomField, tfCount)
	for i, n := range tmbomFieldNames {
		m[n] = tmbomField(i)
	}
	return m
}()

// tmbomObject is one object of a TM-BOM file read straight from its bytes:
// one scan finds where each member the importer reads starts, and each is
// decoded into its Go value only when it is read, so an object is never
// built as a map. Reads go through the jreader: the first problem sticks,
// named by the member's JSON path exactly as reading the object built
// would name it (the path is made only then).
type tmbomObject struct {
	r    *jreader
	path string
	raw  []byte
	// at is, per field, one past the offset in raw of the member's value
	// (the last one, as a map keeps), 0 when absent.
	at [tfCount]int32
	// sorted says the members' names (plain) came in strictly increasing
	// order, nested objects' included, so the compact form is the scan's;
	// size is about how many bytes that form takes.
	sorted bool
	size   int
}

// tmbomElement reads element v of a TM-BOM list at path: an object kept
// in its bytes (parseInputLazy) or built (a document read as a whole
// tree, written compact to be read the same way); null reads as an empty
// object, as it did built; anything else is a problem.
func tmbomElement(r *jreader, v any, path string) tmbomObject {
	o := tmbomObject{r: r, path: path}
	switch x := v.(type) {
	case *lazyJSON:
		o.raw = x.raw
	case map[string]any:
		raw, err := appendTree(nil, x, "", 0)
		if err != nil {
			r.fail(path, "cannot be read: %v", err)
			return o
		}
		o.raw = raw
	case nil:
		return o
	default:
		r.wrongType(jnode{v: v, path: path, present: true}, "an object")
		return o
	}
	if r.err == nil && !o.scan() {
		r.fail(path, "is not a valid JSON object")
	}
	return o
}

// scan finds the members of the object in raw, whether their names are
// in order (sorted) and about how long its compact form is (size).
func (o *tmbomObject) scan() bool {
	p := treeParser{data: o.raw}
	out := compactOut{sorted: true}
	ok := p.compactMembers(func(key []byte, plain bool) bool {
		f, known := tmbomFieldOf[string(key)] // no copy: a look-up
		if !plain {
			f, known = tmbomFieldOf[decodeKey(key)]
		}
		if known {
			o.at[f] = int32(p.i) + 1
		}
		return true
	}, &out)
	o.sorted, o.size = out.sorted, out.n
	return ok && p.i == len(p.data)
}

// decodeKey is the name a key with escapes stands for ("" if broken).
func decodeKey(key []byte) string {
	quoted := make([]byte, 0, len(key)+2)
	quoted = append(append(append(quoted, '"'), key...), '"')
	p := treeParser{data: quoted}
	s, ok := p.str(false)
	if !ok {
		return ""
	}
	return s
}

// compactOut is where members and compactValue put a value's compact
// form: appended to buf when write is set, counted in n (about: a string
// written again is counted as it came) either way. sorted is cleared
// when two names of an object, nested ones included, are not plain and
// in strictly increasing order; the compact form is then not what
// appendTree writes, as it sorts them.
type compactOut struct {
	buf    []byte
	write  bool
	n      int
	sorted bool
}

func (w *compactOut) put(b []byte) {
	w.n += len(b)
	if w.write {
		w.buf = append(w.buf, b...)
	}
}

func (w *compactOut) putByte(c byte) {
	w.n++
	if w.write {
		w.buf = append(w.buf, c)
	}
}

// compactMembers reads the object at p.i, calling member (when not nil) for
// each name (without its quotes, and whether it has no escape) with p.i
// at its value, and puts the object compact into w.
func (p *treeParser) compactMembers(member func(key []byte, plain bool) bool, w *compactOut) bool {
	p.space()
	if p.i >= len(p.data) || p.data[p.i] != '{' {
		return false
	}
	p.i++
	p.space()
	w.putByte('{')
	var prev []byte
	for first := true; p.i < len(p.data) && p.data[p.i] != '}'; first = false {
		if !first {
			if p.data[p.i] != ',' {
				return false
			}
			p.i++
			p.space()
			w.putByte(',')
		}
		start := p.i
		if p.i >= len(p.data) || p.data[p.i] != '"' {
			return false
		}
		plain, ok := p.plainString()
		if !ok {
			return false
		}
		quoted := p.data[start:p.i]
		key := quoted[1 : len(quoted)-1]
		if !plain || (prev != nil && bytes.Compare(prev, key) >= 0) {
			w.sorted = false
		}
		prev = key
		w.put(quoted)
		w.putByte(':')
		p.space()
		if p.i >= len(p.data) || p.data[p.i] != ':' {
			return false
		}
		p.i++
		p.space()
		if member != nil && !member(key, plain) {
			return false
		}
		if !p.compactValue(w, 0) {
			return false
		}
		p.space()
	}
	if p.i >= len(p.data) {
		return false
	}
	p.i++
	w.putByte('}')
	return true
}

// compactValue steps over the value at p.i, putting it into w as
// appendTree writes it decoded: no space, a string as it is when
// appendJSONString would write it so and written again otherwise.
func (p *treeParser) compactValue(w *compactOut, depth int) bool {
	if p.i >= len(p.data) || depth > MaxImportDepth {
		return false
	}
	start := p.i
	switch c := p.data[p.i]; {
	case c == '{':
		return p.compactMembers(nil, w)
	case c == '[':
		p.i++
		p.space()
		w.putByte('[')
		for n := 0; p.i < len(p.data) && p.data[p.i] != ']'; n++ {
			if n > 0 {
				if p.data[p.i] != ',' {
					return false
				}
				p.i++
				p.space()
				w.putByte(',')
			}
			if !p.compactValue(w, depth+1) {
				return false
			}
			p.space()
		}
		if p.i >= len(p.data) {
			return false
		}
		p.i++
		w.putByte(']')
		return true
	case c == '"':
		plain, ok := p.plainString()
		if !ok {
			return false
		}
		if plain || !w.write {
			w.put(p.data[start:p.i])
			return true
		}
		s, ok := decodeString(p.data[start:p.i])
		if !ok {
			return false
		}
		w.buf = appendJSONString(w.buf, s)
		return true
	default:
		if !p.skipValue(depth) {
			return false
		}
		w.put(p.data[start:p.i])
		return true
	}
}

// plainString steps over the string at p.i, reporting whether
// appendJSONString writes its text back as it is: no escape, valid
// UTF-8, no U+2028 or U+2029. The text was checked when the document
// was parsed; an escape is stepped over, not checked again.
func (p *treeParser) plainString() (plain, ok bool) {
	b, i := p.data, p.i+1
	plain = true
	for {
		for i+8 <= len(b) && jsonread.Special(binary.LittleEndian.Uint64(b[i:])) == 0 {
			i += 8
		}
		if i >= len(b) {
			return false, false
		}
		switch c := b[i]; {
		case c == '"':
			p.i = i + 1
			return plain, true
		case c == '\\':
			plain = false
			i += 2
		case c < 0x20:
			return false, false
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRune(b[i:])
			if (r == utf8.RuneError && size == 1) || r == '\u2028' || r == '\u2029' {
				plain = false
			}
			i += size
		default:
			i++
		}
	}
}

// decodeString decodes a string token as the tree does: jsonread's hand
// decoder for what it reads the same way, encoding/json for the rest.
func decodeString(tok []byte) (string, bool) {
	r := jsonread.Reader{B: tok}
	var s string
	if r.Str(&s, nil) && r.I == len(tok) {
		return s, true
	}
	p := treeParser{data: tok}
	v, ok := p.str(false)
	if !ok {
		return "", false
	}
	return v, true
}

// value is the decoded start of field f: its first byte, or 0 when the
// member is absent or null.
func (o *tmbomObject) value(f tmbomField) (int, byte) {
	at := int(o.at[f]) - 1
	if at < 0 || o.r.err != nil {
		return 0, 0
	}
	c := o.raw[at]
	if c == 'n' {
		return 0, 0
	}
	return at, c
}

func (o *tmbomObject) fieldPath(f tmbomField) string { return childPath(o.path, tmbomFieldNames[f]) }

// wrong reports the member as not of the type wanted, as jreader does.
func (o *tmbomObject) wrong(f tmbomField, at int, want string) {
	o.r.fail(o.fieldPath(f), "want %s, got %s", want, rawTypeName(o.raw[at]))
}

// rawTypeName is typeName for a JSON value by its first byte.
func rawTypeName(c byte) string {
	switch c {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

// has reports whether the member is present and not null.
func (o *tmbomObject) has(f tmbomField) bool {
	_, c := o.value(f)
	return c != 0
}

// str is jreader.str of the member.
func (o *tmbomObject) str(f tmbomField) string {
	at, c := o.value(f)
	switch c {
	case 0:
		return ""
	case '"':
		s, _ := o.strAt(at)
		return s
	}
	o.wrong(f, at, "a string")
	return ""
}

// strAt decodes the string starting at raw[at].
func (o *tmbomObject) strAt(at int) (string, int) {
	p := treeParser{data: o.raw, i: at}
	plain, ok := p.plainString()
	if !ok {
		o.r.fail(o.path, "is not a valid JSON object")
		return "", p.i
	}
	if plain {
		return string(o.raw[at+1 : p.i-1]), p.i
	}
	s, ok := decodeString(o.raw[at:p.i])
	if !ok {
		o.r.fail(o.path, "is not a valid JSON object")
	}
	return s, p.i
}

// boolean is jreader.boolean of the member.
func (o *tmbomObject) boolean(f tmbomField) bool {
	at, c := o.value(f)
	switch c {
	case 0:
		return false
	case 't', 'f':
		return c == 't'
	}
	o.wrong(f, at, "a boolean")
	return false
}

// number is jreader.number of the member.
func (o *tmbomObject) number(f tmbomField) (float64, bool) {
	at, c := o.value(f)
	if c == 0 {
		return 0, false
	}
	if c != '-' && (c < '0' || c > '9') {
		o.wrong(f, at, "a number")
		return 0, false
	}
	p := treeParser{data: o.raw, i: at}
	tok, _ := p.number()
	n, err := strconv.ParseFloat(string(tok.(json.Number)), 64)
	if err != nil {
		o.r.fail(o.fieldPath(f), "%s is not a usable number", tok)
		return 0, false
	}
	return n, true
}

// each calls elem with the start of each element of the array member (at
// and its first byte) and the element's index; absent or null is none.
func (o *tmbomObject) each(f tmbomField, elem func(i, at int, c byte)) {
	at, c := o.value(f)
	switch c {
	case 0:
		return
	case '[':
	default:
		o.wrong(f, at, "an array")
		return
	}
	p := treeParser{data: o.raw, i: at + 1}
	p.space()
	for i := 0; p.i < len(p.data) && p.data[p.i] != ']' && o.r.err == nil; i++ {
		if i > 0 {
			p.i++ // ,
			p.space()
		}
		elem(i, p.i, p.data[p.i])
		if !p.skipValue(0) {
			o.r.fail(o.path, "is not a valid JSON object")
			return
		}
		p.space()
	}
}

// strings is jreader.strings of the member: its strings trimmed, empty
// ones and nulls skipped.
func (o *tmbomObject) strings(f tmbomField) []string {
	var out []string
	o.each(f, func(i, at int, c byte) {
		switch c {
		case 'n':
			return
		case '"':
			if s, _ := o.strAt(at); strings.TrimSpace(s) != "" {
				out = append(out, strings.TrimSpace(s))
			}
			return
		}
		o.r.fail(indexPath(o.fieldPath(f), i), "want a string, got %s", rawTypeName(c))
	})
	return out
}

// object is the member read as an object of its own; absent or null is
// an empty one, as jreader.object of it gives.
func (o *tmbomObject) object(f tmbomField) tmbomObject {
	at, c := o.value(f)
	if c == 0 {
		return tmbomObject{r: o.r}
	}
	if c != '{' {
		o.wrong(f, at, "an object")
		return tmbomObject{r: o.r}
	}
	return o.nested(at, o.fieldPath(f))
}

// objects calls elem with each element of the array member read as an
// object (null as an empty one).
func (o *tmbomObject) objects(f tmbomField, elem func(*tmbomObject)) {
	o.each(f, func(i, at int, c byte) {
		switch c {
		case 'n':
			elem(&tmbomObject{r: o.r})
		case '{':
			n := o.nested(at, indexPath(o.fieldPath(f), i))
			elem(&n)
		default:
			o.r.fail(indexPath(o.fieldPath(f), i), "want an object, got %s", rawTypeName(c))
		}
	})
}

// nested is the object starting at raw[at], read on its own.
func (o *tmbomObject) nested(at int, path string) tmbomObject {
	p := treeParser{data: o.raw, i: at}
	if !p.skipValue(0) {
		o.r.fail(o.path, "is not a valid JSON object")
		return tmbomObject{r: o.r}
	}
	n := tmbomObject{r: o.r, path: path, raw: o.raw[at:p.i]}
	if !n.scan() {
		o.r.fail(o.path, "is not a valid JSON object")
	}
	return n
}
