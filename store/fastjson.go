package store

import (
	"bytes"
	"encoding/json"
	"slices"
	"time"
	"unsafe"

	"github.com/threatdeck/threatdeck/internal/jsonread"
	"github.com/threatdeck/threatdeck/internal/textchunk"
	"github.com/threatdeck/threatdeck/model"
)

// Loading a large model is dominated by decoding its threats: with
// encoding/json a model of 10,000 threats took about 170 ms, against a
// 50 ms budget. decodeThreat reads the JSON that json.Marshal writes for a
// model.Threat directly, without reflection or a separate validation pass.
// It accepts only that exact shape (known field names, strings, integers,
// string lists, mitigation objects); anything else (a field added by a
// newer build, an escape it does not expect) makes it return false, and the
// record is decoded by encoding/json instead. FuzzDecodeThreat checks that
// whenever it accepts input, it agrees with encoding/json.

// recordDecoder decodes the records of one load.
type recordDecoder struct {
	texts *texts
	// rows decodes threats as rows (decodeThreatRow), for a preview.
	rows bool
	mits mitSlab
}

func newRecordDecoder() *recordDecoder {
	return &recordDecoder{texts: newTexts()}
}

// newRowDecoder decodes threats as the rows of the threats table only.
func newRowDecoder() *recordDecoder {
	return &recordDecoder{texts: newTexts(), rows: true}
}

// newBorrowingDecoder decodes threats whose texts are the stored bytes
// themselves (texts.borrow), for Store.ReadModel.
func newBorrowingDecoder() *recordDecoder {
	rd := newRecordDecoder()
	rd.texts.borrow = true
	return rd
}

// sibling is a decoder of the same kind for another goroutine.
func (rd *recordDecoder) sibling() *recordDecoder {
	t := newTexts()
	t.borrow = rd.texts.borrow
	return &recordDecoder{texts: t, rows: rd.rows}
}

// texts makes the strings of one load's records. The short strings that
// recur across thousands of threats (asset and element ids, categories,
// statuses, OWASP ids) are shared, which halved a load's allocations. The
// others are copied into chunks of textChunk bytes, so 10,000 threats'
// titles, descriptions and mitigations take a few hundred allocations
// rather than 60,000. A chunk lives while any of its strings does, so a
// text an edit replaces stays in memory until the model is closed: at
// most the size of the texts that were loaded.
type texts struct {
	intern map[string]string
	chunks textchunk.Chunks
	// lists and mits hand out the threats' string and mitigation lists
	// from shared chunks, as chunk does their texts: 50,000 lists of a
	// 10,000-threat load in a few dozen allocations.
	lists []string
	mits  mitSlab
	// borrow makes every text that needs no unescaping a string over the
	// stored bytes themselves, not a copy (Store.ReadModel: they are valid
	// while the load's read transaction is open). For a one-shot export of
	// 10,000 threats the copies were 7 MB of fresh heap, every page of it
	// faulted in and zeroed, and the lookups that share the recurring
	// strings a tenth of the decoding.
	borrow bool
}

// listChunk is how many strings texts.lists holds at a time.
const listChunk = 2048

// list returns a copy of l from the current list chunk. Its capacity is
// its length, so appending to it copies it out of the chunk.
func (t *texts) list(l []string) []string {
	if len(l) > listChunk/8 {
		return exact(l)
	}
	if cap(t.lists)-len(t.lists) < len(l) {
		t.lists = make([]string, 0, listChunk)
	}
	start := len(t.lists)
	t.lists = append(t.lists, l...)
	return t.lists[start:len(t.lists):len(t.lists)]
}

const textChunk = 16 << 10

func newTexts() *texts {
	return &texts{intern: map[string]string{}, chunks: textchunk.Chunks{Size: textChunk}}
}

// copy returns b as a string, from the current chunk when it fits.
func (t *texts) copy(b []byte) string { return t.chunks.String(b) }

// decode decodes one stored record into v (from model.NewRecordValue).
func (rd *recordDecoder) decode(kind model.RecordKind, data []byte, v any) error {
	if t, ok := v.(*model.Threat); ok && kind == model.RecThreat && rd != nil && rd.rows {
		return rd.decodeRow(data, t)
	}
	if t, ok := v.(*model.Threat); ok && kind == model.RecThreat && rd != nil {
		if decodeThreat(data, t, rd.texts) {
			return nil
		}
		*t = model.Threat{} // drop what the fast path filled in before giving up
	}
	if raw, ok := v.(*json.RawMessage); ok {
		return decodeRaw(data, raw)
	}
	return json.Unmarshal(data, v)
}

// decodeThreat fills t from data, reporting false when data is not in the
// shape json.Marshal gives a model.Threat.
// With nil texts every string is allocated on its own.
func decodeThreat(data []byte, t *model.Threat, texts *texts) bool {
	touch(t)
	d := jsonReader{Reader: jsonread.Reader{B: data}, texts: texts}
	ok := d.object(func(key []byte) bool {
		if ok, known := d.rowField(key, t); known {
			return ok
		}
		switch string(key) {
		case "description":
			return d.str(&t.Description)
		case "vector":
			return d.shared(&t.Vector)
		case "assets":
			return d.strs(&t.Assets)
		case "surface":
			return d.strs(&t.Surface)
		case "actors":
			return d.strs(&t.Actors)
		case "owasp":
			return d.strs(&t.OWASP)
		case "library_id":
			return d.str(&t.LibraryID)
		case "mitigations":
			return d.mitigations(&t.Mitigations)
		case "risk_vote":
			return d.raw(&t.Vote)
		case "treatment":
			return d.shared((*string)(&t.Treatment))
		case "rationale":
			return d.str(&t.Rationale)
		case "decided_by":
			return d.shared(&t.DecidedBy)
		case "decided_at":
			return d.shared((*string)(&t.DecidedAt))
		case "review_by":
			return d.shared((*string)(&t.ReviewBy))
		}
		return d.stamps(key, &t.Stamps)
	})
	d.space()
	return ok && d.I == len(d.B)
}

// touch writes t's first word before anything reads it. A load decodes
// into the zeroed list Extend made, fresh memory in a new process, and the
// first access to a threat was the nil check of taking a field's address,
// a read: Linux then maps its page to the shared zero page, and the first
// write replaces it (a copy-on-write fault, and a flush of every CPU's
// TLB for it), two faults for each page of the list instead of one. An
// export of 10,000 threats took 470 such faults, 5% of its CPU.
func touch(t *model.Threat) { t.ID = "" }

// jsonReader is a cursor over JSON text for decodeThreat.
type jsonReader struct {
	jsonread.Reader
	texts *texts // may be nil
	share bool   // the string being read is one of the recurring ones
}

func (d *jsonReader) space()                                  { d.Space() }
func (d *jsonReader) next(c byte) bool                        { return d.Next(c) }
func (d *jsonReader) null() bool                              { return d.Null() }
func (d *jsonReader) object(field func(key []byte) bool) bool { return d.Object(field) }
func (d *jsonReader) int(out *int) bool                       { return d.Int(out) }

// str reads a JSON string.
func (d *jsonReader) str(out *string) bool { return d.Str(out, d.string) }

// shared reads a string that recurs across records, such as a category.
func (d *jsonReader) shared(out *string) bool {
	d.share = true
	ok := d.str(out)
	d.share = false
	return ok
}

// string converts b, reusing an earlier copy of a recurring string.
func (d *jsonReader) string(b []byte) string {
	switch {
	case d.texts == nil:
		return string(b)
	case d.texts.borrow:
		if len(b) == 0 {
			return ""
		}
		return unsafe.String(&b[0], len(b))
	case !d.share || len(b) > 40:
		return d.texts.copy(b)
	}
	if s, ok := d.texts.intern[string(b)]; ok {
		return s
	}
	s := string(b)
	d.texts.intern[s] = s
	return s
}

// strs reads null (leaving a nil list) or an array of strings.
func (d *jsonReader) strs(out *[]string) bool {
	if d.null() {
		*out = nil
		return true
	}
	if !d.next('[') {
		return false
	}
	if d.next(']') {
		*out = []string{}
		return true
	}
	// Collected on the stack and copied out at their final length: growing
	// the list as it is read allocated two or three times per list.
	var buf [8]string
	list := buf[:0]
	for {
		var s string
		if !d.shared(&s) {
			return false
		}
		list = append(list, s)
		if d.next(']') {
			if d.texts != nil {
				*out = d.texts.list(list)
			} else {
				*out = exact(list)
			}
			return true
		}
		if !d.next(',') {
			return false
		}
	}
}

// mitigations reads null or an array of mitigation objects.
func (d *jsonReader) mitigations(out *[]model.Mitigation) bool {
	if d.null() {
		*out = nil
		return true
	}
	if !d.next('[') {
		return false
	}
	if d.next(']') {
		*out = []model.Mitigation{}
		return true
	}
	var buf [4]model.Mitigation // as in strs
	list := buf[:0]
	for {
		var m model.Mitigation
		ok := d.object(func(key []byte) bool {
			switch string(key) {
			case "id":
				return d.str(&m.ID)
			case "description":
				return d.str(&m.Description)
			case "status":
				return d.shared((*string)(&m.Status))
			case "owner":
				return d.shared(&m.Owner)
			case "due":
				return d.shared((*string)(&m.Due))
			case "ticket":
				return d.str(&m.Ticket)
			case "reason":
				return d.str(&m.Reason)
			}
			return d.stamps(key, &m.Stamps)
		})
		if !ok {
			return false
		}
		list = append(list, m)
		if d.next(']') {
			if d.texts != nil {
				*out = d.texts.mits.take(len(list))
				copy(*out, list)
			} else {
				*out = exact(list)
			}
			return true
		}
		if !d.next(',') {
			return false
		}
	}
}

// exact copies list into a new slice of exactly its length.
func exact[T any](list []T) []T {
	out := make([]T, len(list))
	copy(out, list)
	return out
}

// stamps reads one attribution field (model.Stamps), reporting false for
// any other key.
func (d *jsonReader) stamps(key []byte, st *model.Stamps) bool {
	switch string(key) {
	case "created_by":
		return d.shared(&st.CreatedBy)
	case "updated_by":
		return d.shared(&st.UpdatedBy)
	case "created_at":
		return d.time(&st.CreatedAt)
	case "updated_at":
		return d.time(&st.UpdatedAt)
	}
	return false
}

// time reads a JSON string in the form time.Time marshals to.
func (d *jsonReader) time(out *time.Time) bool {
	var s string
	if !d.str(&s) {
		return false
	}
	return out.UnmarshalText([]byte(s)) == nil
}

// raw decodes one rarely present nested value (a risk-poker decision)
// with encoding/json, leaving the cursor after it.
func (d *jsonReader) raw(out any) bool {
	d.space()
	dec := json.NewDecoder(bytes.NewReader(d.B[d.I:]))
	if err := dec.Decode(out); err != nil {
		return false
	}
	d.I += int(dec.InputOffset())
	return true
}

// A preview (Store.Preview) needs of each threat only what a row of the
// threats table and the completion figures show: its id, title, category,
// methodology, likelihood, impact and status, how many mitigations it has,
// and of those with a due date their status and date (a row marks an
// overdue one). decodeThreatRow reads just those fields and steps over the
// rest, so a 10,000-threat model's first frame costs a few milliseconds
// instead of a full load; when it cannot read a record it gives up and
// encoding/json decodes it whole, as for decodeThreat.
// FuzzDecodeThreatRow checks it agrees with encoding/json on those fields.

// decodeRow decodes one threat record as a row.
func (rd *recordDecoder) decodeRow(data []byte, t *model.Threat) error {
	if decodeThreatRow(data, t, rd.texts, &rd.mits) {
		return nil
	}
	var full model.Threat
	if err := json.Unmarshal(data, &full); err != nil {
		return err
	}
	*t = threatRow(full, &rd.mits)
	return nil
}

// threatRow keeps of t what decodeThreatRow reads.
func threatRow(t model.Threat, mits *mitSlab) model.Threat {
	row := model.Threat{ID: t.ID, Title: t.Title, Methodology: t.Methodology, Category: t.Category,
		Likelihood: t.Likelihood, Impact: t.Impact, Status: t.Status}
	if t.Mitigations != nil {
		if !slices.ContainsFunc(t.Mitigations, func(mt model.Mitigation) bool { return mt.Due != "" }) {
			row.Mitigations = mits.zero(len(t.Mitigations))
			return row
		}
		row.Mitigations = mits.take(len(t.Mitigations))
		for i, mt := range t.Mitigations {
			if mt.Due != "" {
				row.Mitigations[i] = model.Mitigation{Status: mt.Status, Due: mt.Due}
			}
		}
	}
	return row
}

// mitSlab hands out the mitigation lists of previewed threats from shared
// chunks: a row's mitigations are mostly counted, not read, and lists of
// zero mitigations (none has a due date) all share one chunk.
type mitSlab struct{ chunk, zeros []model.Mitigation }

// zero returns a list of n zero mitigations that is never written: it
// shares its memory with every other such list of the preview.
func (s *mitSlab) zero(n int) []model.Mitigation {
	if n == 0 || n > mitChunk/16 {
		return s.take(n)
	}
	if s.zeros == nil {
		s.zeros = make([]model.Mitigation, mitChunk/16)
	}
	return s.zeros[:n:n]
}

const mitChunk = 1024

// take returns a list of n zero mitigations.
func (s *mitSlab) take(n int) []model.Mitigation {
	if n == 0 {
		return []model.Mitigation{}
	}
	if n > mitChunk/4 {
		return make([]model.Mitigation, n)
	}
	if cap(s.chunk)-len(s.chunk) < n {
		s.chunk = make([]model.Mitigation, 0, mitChunk)
	}
	start := len(s.chunk)
	s.chunk = s.chunk[:start+n]
	return s.chunk[start : start+n : start+n]
}

// decodeThreatRow fills t's row fields from data (see decodeRow),
// reporting false when data is not in the shape json.Marshal gives a
// model.Threat.
func decodeThreatRow(data []byte, t *model.Threat, texts *texts, mits *mitSlab) bool {
	touch(t)
	d := jsonReader{Reader: jsonread.Reader{B: data}, texts: texts}
	ok := d.object(func(key []byte) bool {
		if ok, known := d.rowField(key, t); known {
			return ok
		}
		switch string(key) {
		case "mitigations":
			return d.rowMitigations(&t.Mitigations, mits)
		case "description", "vector", "library_id", "treatment", "rationale", "decided_by", "decided_at", "review_by",
			"created_by", "updated_by", "created_at", "updated_at":
			// Times too are stepped over unparsed: parsing them was a
			// third of a preview. The full load behind it still parses
			// (and would report) every one.
			return d.skipStr()
		case "assets", "surface", "actors", "owasp":
			return d.skipStrs()
		case "risk_vote":
			var v *model.RiskDecision
			return d.raw(&v)
		}
		return false
	})
	d.space()
	return ok && d.I == len(d.B)
}

// rowField reads one of the fields a threat's row and its full decode
// share, the same way for both; known is false for the other keys.
func (d *jsonReader) rowField(key []byte, t *model.Threat) (ok, known bool) {
	switch string(key) {
	case "id":
		return d.str(&t.ID), true
	case "title":
		return d.str(&t.Title), true
	case "methodology":
		return d.shared(&t.Methodology), true
	case "category":
		return d.shared((*string)(&t.Category)), true
	case "likelihood":
		return d.int(&t.Likelihood), true
	case "impact":
		return d.int(&t.Impact), true
	case "status":
		return d.shared((*string)(&t.Status)), true
	}
	return false, false
}

// list reads null or an array, calling each with the cursor before every
// element; null reports a null.
func (d *jsonReader) list(each func() bool) (null, ok bool) {
	if d.null() {
		return true, true
	}
	if !d.next('[') {
		return false, false
	}
	if d.next(']') {
		return false, true
	}
	for {
		if !each() {
			return false, false
		}
		if d.next(']') {
			return false, true
		}
		if !d.next(',') {
			return false, false
		}
	}
}

// rowMitigations reads null or an array of mitigation objects, keeping
// only the status and due date of those with a due date.
func (d *jsonReader) rowMitigations(out *[]model.Mitigation, mits *mitSlab) bool {
	var buf [4]model.Mitigation
	list := buf[:0]
	dated := false
	null, ok := d.list(func() bool {
		var m model.Mitigation
		ok := d.object(func(key []byte) bool {
			switch string(key) {
			case "status":
				return d.shared((*string)(&m.Status))
			case "due":
				return d.shared((*string)(&m.Due))
			case "id", "description", "owner", "ticket", "reason", "created_by", "updated_by", "created_at", "updated_at":
				return d.skipStr()
			}
			return false
		})
		if m.Due == "" {
			m = model.Mitigation{}
		} else {
			dated = true
		}
		list = append(list, m)
		return ok
	})
	switch {
	case !ok:
		return false
	case null:
		*out = nil
	case !dated:
		*out = mits.zero(len(list))
	default:
		*out = mits.take(len(list))
		copy(*out, list)
	}
	return true
}

// skipStr steps over a JSON string without converting it (see
// jsonread.Reader.SkipStr: a stored record passed its checksum, and the
// full load behind a preview still decodes every field).
func (d *jsonReader) skipStr() bool { return d.SkipStr() }

// skipStrs steps over null or an array of strings.
func (d *jsonReader) skipStrs() bool {
	_, ok := d.list(d.skipStr)
	return ok
}
