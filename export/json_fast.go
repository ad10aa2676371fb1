package export

import (
	"time"
	"unsafe"

	"github.com/threatdeck/threatdeck/internal/jsonread"
	"github.com/threatdeck/threatdeck/internal/textchunk"
	"github.com/threatdeck/threatdeck/model"
)

// The fast path of ParseJSON. Decoding a 10,000-threat document with
// encoding/json was half of an import's time. fastParts reads the shape
// JSON writes — {"schema": …, "model": {…}} with the model's own keys —
// and decodes the threats, nearly all of the document, by hand; every
// other member of the model, and any threat the hand decoder does not take
// (a risk-poker decision, an escape it does not know, a key in another
// case), goes through decodeStrict on its own bytes, exactly as the whole
// document would. Anything else — a key it does not know, a key twice, a
// nesting past MaxJSONDepth, a value that does not decode — makes it give
// up, and ParseJSON's general path decides, and explains, as before. So it
// changes no result, only the time: FuzzFastParts holds it to that.
//
// Strings are copied into chunks of textChunk bytes rather than allocated
// one by one: 10,000 threats' texts take a few hundred allocations, not
// a hundred thousand.

// fastParts decodes data into the parts of a threatdeck document, with
// the schema it names; ok is false when it cannot say.
// inPlace makes the texts strings over data (fastReader.inPlace).
func fastParts(data []byte, inPlace bool) (pt *parts, schema string, ok bool) {
	r := fastReader{Reader: jsonread.Reader{B: data}, text: textchunk.Chunks{Size: textChunk}, inPlace: inPlace}
	pt = &parts{}
	var seen [2]bool
	ok = r.object(1, func(key string) bool {
		switch key {
		case "schema":
			if seen[0] {
				return false
			}
			seen[0] = true
			return r.str(&schema)
		case "model":
			if seen[1] || r.Null() {
				return false
			}
			seen[1] = true
			return r.model(pt)
		}
		return false
	})
	r.Space()
	if !ok || r.I != len(r.B) || !seen[0] || !seen[1] {
		return nil, "", false
	}
	return pt, schema, true
}

// fastReader is a cursor over a JSON document; doc is the document as one
// string, for cutting strings from.
type fastReader struct {
	jsonread.Reader
	text textchunk.Chunks // the texts, cut from shared chunks of textChunk bytes
	// The threats' string lists and mitigations are cut from slabs, with
	// their capacity capped so an append copies: a list of its own for
	// each of 10,000 threats was a third of the reader's time.
	strSlab []string
	mitSlab []model.Mitigation
	// inPlace makes each text that needs no unescaping a string over the
	// document's own bytes instead of a copy: check of a 12 MB export
	// copied 7 MB of texts onto fresh heap pages (ReadModelFile maps
	// the file and keeps it while the model is used).
	inPlace bool
}

// textChunk is the size of the chunks strings are copied into.
const textChunk = 16 << 10

// string returns b as a string, cut from the current chunk of texts.
func (r *fastReader) string(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if r.inPlace {
		return unsafe.String(&b[0], len(b))
	}
	return r.text.String(b)
}

// slab returns a slab's room for n more items, growing it by chunks.
func slab[T any](s *[]T, n int) {
	if cap(*s)-len(*s) < n {
		*s = make([]T, 0, max(n, 4096))
	}
}

// cut moves items onto the slab and returns them as a slice of their own
// length and capacity.
func cut[T any](s *[]T, items []T) []T {
	slab(s, len(items))
	start := len(*s)
	*s = append(*s, items...)
	return (*s)[start:len(*s):len(*s)]
}

// object reads an object at nesting depth (its braces being the depth-th
// level), calling field with the cursor before each member's value. Keys
// must be plain: no escapes.
func (r *fastReader) object(depth int, field func(key string) bool) bool {
	if depth > MaxJSONDepth {
		return false
	}
	return r.Object(func(k []byte) bool {
		// The key is a view of the document's bytes, never kept: each
		// field func only switches on it, and a key it does not know
		// makes it give up. Looking it up in a map of the known keys for
		// a string of its own was a twelfth of reading a document.
		if len(k) == 0 {
			return field("")
		}
		return field(unsafe.String(&k[0], len(k)))
	})
}

// skip moves past one value whose outermost level is at depth, checking
// the nesting limit and the shape of strings; encoding/json checks the
// rest when the bytes are decoded. It returns the value's bytes.
func (r *fastReader) skip(depth int) ([]byte, bool) {
	r.Space()
	start := r.I
	if r.I >= len(r.B) {
		return nil, false
	}
	switch r.B[r.I] {
	case '"':
		return r.B[start:r.I], r.skipString()
	case '{', '[':
	default:
		// A number or a literal: up to what ends a value.
		for r.I < len(r.B) {
			switch r.B[r.I] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return r.B[start:r.I], r.I > start
			}
			r.I++
		}
		return r.B[start:r.I], true
	}
	level := 0
	for r.I < len(r.B) {
		switch r.B[r.I] {
		case '"':
			if !r.skipString() {
				return nil, false
			}
			continue
		case '{', '[':
			if level++; depth+level-1 > MaxJSONDepth {
				return nil, false
			}
		case '}', ']':
			if level--; level == 0 {
				r.I++
				return r.B[start:r.I], true
			}
		}
		r.I++
	}
	return nil, false
}

// skipString moves past the string token at the cursor.
func (r *fastReader) skipString() bool {
	for r.I++; r.I < len(r.B); r.I++ {
		switch r.B[r.I] {
		case '\\':
			r.I++
		case '"':
			r.I++
			return true
		}
	}
	return false
}

// strict decodes the next value (at depth) into v with decodeStrict.
func (r *fastReader) strict(depth int, v any) bool {
	raw, ok := r.skip(depth)
	return ok && decodeStrict(raw, v) == nil
}

// model reads the model object (depth 2).
func (r *fastReader) model(pt *parts) bool {
	var seen [16]bool
	return r.object(2, func(key string) bool {
		at := -1
		var v any
		switch key {
		case "overview":
			at, v = 0, &pt.Overview
		case "assets":
			at, v = 1, &pt.Assets
		case "actors":
			at, v = 2, &pt.Actors
		case "surface":
			at, v = 3, &pt.Surface
		case "threats":
			at = 4
		case "stride":
			at, v = 5, &pt.Stride
		case "checklists":
			at, v = 6, &pt.Checklists
		case "sections":
			at, v = 7, &pt.Sections
		case "parking":
			at, v = 8, &pt.Parking
		case "dismissed":
			at, v = 9, &pt.Dismissed
		case "dismissals":
			at, v = 10, &pt.Dismissals
		case "extensions":
			at, v = 11, &pt.Extensions
		case "seq":
			at, v = 12, &pt.Seq
		case "votes":
			at, v = 13, &pt.Votes
		case "poker":
			at, v = 14, &pt.Poker
		case "sessions":
			at, v = 15, &pt.Sessions
		}
		if at < 0 || seen[at] {
			return false
		}
		seen[at] = true
		if at == 4 {
			return r.threats(&pt.Threats)
		}
		return r.strict(3, v)
	})
}

// threats reads the threats list (depth 3): null or an array of threats.
func (r *fastReader) threats(out *[]model.Threat) bool {
	if r.Null() {
		return true
	}
	if !r.Next('[') {
		return false
	}
	// A threat takes about 1.2 KB as JSON writes it: the guess saves most
	// of the growing of a list of large structs, and a wrong one only
	// costs that. A read in place (check of a file: one shot, collector
	// off) guesses high, since room it never uses is never touched: from
	// a guess of 8,000, a list of 10,000 threats grew by a copy of 3.5 MB
	// into fresh pages, 1.5 ms of the check. An import, whose collector
	// runs, keeps the lower guess: with the higher one its peak RSS was
	// 71-79 MiB over ten runs instead of 72.
	per := 1536
	if r.inPlace {
		per = 1024
	}
	list := make([]model.Threat, 0, len(r.B)/per)
	if r.Next(']') {
		*out = list
		return true
	}
	for {
		list = append(list, model.Threat{})
		t := &list[len(list)-1]
		r.Space()
		start := r.I
		if !r.threat(t) {
			// Not the shape written: the element alone, through
			// encoding/json.
			*t = model.Threat{}
			r.I = start
			if !r.strict(4, t) {
				return false
			}
		}
		if r.Next(']') {
			*out = list
			return true
		}
		if !r.Next(',') {
			return false
		}
	}
}

// threat reads one threat object (depth 4) in the shape JSON writes it:
// every field once, strings, integers, string lists, mitigations.
func (r *fastReader) threat(t *model.Threat) bool {
	var seen uint32
	once := func(bit uint32) bool {
		if seen&bit != 0 {
			return false
		}
		seen |= bit
		return true
	}
	return r.object(4, func(key string) bool {
		switch key {
		case "id":
			return once(1<<0) && r.str(&t.ID)
		case "title":
			return once(1<<1) && r.str(&t.Title)
		case "description":
			return once(1<<2) && r.str(&t.Description)
		case "methodology":
			return once(1<<3) && r.str(&t.Methodology)
		case "category":
			return once(1<<4) && r.str((*string)(&t.Category))
		case "vector":
			return once(1<<5) && r.str(&t.Vector)
		case "assets":
			return once(1<<6) && r.strs(&t.Assets)
		case "surface":
			return once(1<<7) && r.strs(&t.Surface)
		case "actors":
			return once(1<<8) && r.strs(&t.Actors)
		case "owasp":
			return once(1<<9) && r.strs(&t.OWASP)
		case "likelihood":
			return once(1<<10) && r.Int(&t.Likelihood)
		case "impact":
			return once(1<<11) && r.Int(&t.Impact)
		case "status":
			return once(1<<12) && r.str((*string)(&t.Status))
		case "mitigations":
			return once(1<<13) && r.mitigations(&t.Mitigations)
		case "library_id":
			return once(1<<14) && r.str(&t.LibraryID)
		case "treatment":
			return once(1<<15) && r.str((*string)(&t.Treatment))
		case "rationale":
			return once(1<<16) && r.str(&t.Rationale)
		case "decided_by":
			return once(1<<17) && r.str(&t.DecidedBy)
		case "decided_at":
			return once(1<<18) && r.str((*string)(&t.DecidedAt))
		case "review_by":
			return once(1<<19) && r.str((*string)(&t.ReviewBy))
		}
		bit, ok := stampBit(key)
		return ok && once(1<<(20+bit)) && r.stamp(key, &t.Stamps)
	})
}

// mitigations reads null or an array of mitigation objects (depth 5).
func (r *fastReader) mitigations(out *[]model.Mitigation) bool {
	if r.Null() {
		*out = nil
		return true
	}
	if !r.Next('[') {
		return false
	}
	var buf [4]model.Mitigation
	list := buf[:0]
	if r.Next(']') {
		*out = []model.Mitigation{}
		return true
	}
	for {
		var m model.Mitigation
		var seen uint16
		ok := r.object(6, func(key string) bool {
			bit := -1
			var s *string
			switch key {
			case "id":
				bit, s = 0, &m.ID
			case "description":
				bit, s = 1, &m.Description
			case "status":
				bit, s = 2, (*string)(&m.Status)
			case "owner":
				bit, s = 3, &m.Owner
			case "due":
				bit, s = 4, (*string)(&m.Due)
			case "ticket":
				bit, s = 5, &m.Ticket
			case "reason":
				bit, s = 6, &m.Reason
			default:
				sb, ok := stampBit(key)
				if !ok {
					return false
				}
				bit = 7 + sb
			}
			if seen&(1<<bit) != 0 {
				return false
			}
			seen |= 1 << bit
			if s != nil {
				return r.str(s)
			}
			return r.stamp(key, &m.Stamps)
		})
		if !ok {
			return false
		}
		list = append(list, m)
		if r.Next(']') {
			*out = cut(&r.mitSlab, list)
			return true
		}
		if !r.Next(',') {
			return false
		}
	}
}

// stampBit numbers the keys of model.Stamps.
func stampBit(key string) (int, bool) {
	switch key {
	case "created_by":
		return 0, true
	case "created_at":
		return 1, true
	case "updated_by":
		return 2, true
	case "updated_at":
		return 3, true
	}
	return 0, false
}

// stamp reads one attribution field.
func (r *fastReader) stamp(key string, st *model.Stamps) bool {
	switch key {
	case "created_by":
		return r.str(&st.CreatedBy)
	case "updated_by":
		return r.str(&st.UpdatedBy)
	case "created_at":
		return r.time(&st.CreatedAt)
	case "updated_at":
		return r.time(&st.UpdatedAt)
	}
	return false
}

// time reads a time string through time.Time's own UnmarshalJSON, as
// encoding/json does.
func (r *fastReader) time(out *time.Time) bool {
	r.Space()
	start := r.I
	var s string
	if !r.str(&s) {
		return false
	}
	return out.UnmarshalJSON(r.B[start:r.I]) == nil
}

// str reads a JSON string (not null), its text copied into chunks.
func (r *fastReader) str(out *string) bool { return r.Str(out, r.string) }

// strs reads null (a nil list) or an array of strings.
func (r *fastReader) strs(out *[]string) bool {
	if r.Null() {
		*out = nil
		return true
	}
	if !r.Next('[') {
		return false
	}
	if r.Next(']') {
		*out = []string{}
		return true
	}
	var buf [8]string
	list := buf[:0]
	for {
		var s string
		if !r.str(&s) {
			return false
		}
		list = append(list, s)
		if r.Next(']') {
			*out = cut(&r.strSlab, list)
			return true
		}
		if !r.Next(',') {
			return false
		}
	}
}
