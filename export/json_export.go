package export

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/threatdeck/threatdeck/internal/jsonread"
	"github.com/threatdeck/threatdeck/model"
)

// Schema is the format tag of threatdeck's JSON document. The number after
// the slash is the schema version; see the package documentation.
const Schema = "threatdeck/1"

// JSON renders m as a threatdeck/1 document: indented, keys in a fixed
// order, lists in canonical order, no HTML escaping (so "<" stays "<" and
// the file reads naturally). It is deterministic and lossless: ParseJSON
// gives back an equal model, and exporting that gives the same bytes. The
// workbook id (Model.ID) is not part of the document; m is not modified.
//
// Other tools' data (extensions) is written compact, one tool per line: it
// is often a whole diagram, which indentation would make several times
// larger. Every string is cleaned (cleanJSON's rules). A document past
// MaxJSONBytes is refused, so what JSON writes ParseJSON always reads.
//
// The document is written in one pass into one buffer, field by field, in
// exactly the bytes encoding/json's indenting encoder gives the model
// (TestJSONWriterMatchesEncoder holds it to them): threats and their
// mitigations, nearly all of a large model, by hand; the few other records
// through json.Marshal and json.Indent one by one. Encoding the model as
// one tree and indenting that took three times the Markdown report's time
// and four times its memory.
func JSON(m *model.Model) ([]byte, error) {
	c := canonical(m)
	w := jsonWriter{b: make([]byte, 0, 4<<10+len(c.Threats)*1400)}
	w.document(c)
	if err := w.finish(); err != nil {
		return nil, err
	}
	return w.b, nil
}

// WriteJSON writes the document JSON gives for m to out as it is made, a
// piece at a time, so the whole document is never held in memory (for
// writing into a file; WriteFileFrom makes that atomic). It fails as JSON
// does, after the document is complete, and then what out received is
// not the document: past MaxJSONBytes nothing more is written to out.
func WriteJSON(out io.Writer, m *model.Model) error {
	w := jsonWriter{b: make([]byte, 0, 2*jsonSpill), out: out}
	w.document(canonical(m))
	return w.finish()
}

// jsonSpill is how much WriteJSON gathers before it writes.
const jsonSpill = 64 << 10

// document writes the whole document for the canonical model c.
func (w *jsonWriter) document(c *model.Model) {
	w.b = append(w.b, "{\n  \"schema\": "...)
	w.str(Schema)
	w.b = append(w.b, ",\n  \"model\": {"...)
	const d = 2 // the model's fields' depth
	w.field(d, "overview", true)
	w.value(d, c.Overview)
	w.field(d, "assets", false)
	list(w, d, c.Assets, func(a *model.Asset) { w.value(d+1, a) })
	w.field(d, "actors", false)
	list(w, d, c.Actors, func(a *model.Actor) { w.value(d+1, a) })
	w.field(d, "surface", false)
	list(w, d, c.Surface, func(s *model.SurfaceElement) { w.value(d+1, s) })
	w.field(d, "threats", false)
	w.threats(d, c.Threats)
	w.field(d, "stride", false)
	list(w, d, c.Stride, func(s *model.StrideReview) { w.value(d+1, s) })
	w.field(d, "checklists", false)
	list(w, d, c.Checklists, func(ci *model.CheckItem) { w.value(d+1, ci) })
	w.field(d, "sections", false)
	w.value(d, c.Sections)
	w.field(d, "parking", false)
	list(w, d, c.Parking, func(p *model.ParkingItem) { w.value(d+1, p) })
	w.field(d, "dismissed", false)
	w.strs(d, c.Dismissed)
	if len(c.Dismissals) > 0 {
		w.field(d, "dismissals", false)
		w.value(d, c.Dismissals)
	}
	if len(c.Extensions) > 0 {
		w.field(d, "extensions", false)
		w.extensions(d, c.Extensions)
	}
	w.field(d, "seq", false)
	w.value(d, c.Seq)
	if len(c.Votes) > 0 {
		w.field(d, "votes", false)
		w.value(d, c.Votes)
	}
	if len(c.Poker) > 0 {
		w.field(d, "poker", false)
		w.value(d, c.Poker)
	}
	if len(c.Sessions) > 0 {
		w.field(d, "sessions", false)
		w.value(d, c.Sessions)
	}
	w.b = append(w.b, "\n  }\n}\n"...)
}

// finish writes what WriteJSON still holds and reports the first problem.
func (w *jsonWriter) finish() error {
	if w.out != nil {
		w.flush()
	}
	if w.err != nil {
		return w.err
	}
	if n := w.n + len(w.b); n > MaxJSONBytes {
		return fmt.Errorf("the model is %d MiB as threatdeck JSON, past the %d MiB threatdeck can import again; export it in another format", n>>20, MaxJSONBytes>>20)
	}
	return nil
}

// spill writes what WriteJSON gathered once it is jsonSpill or more.
func (w *jsonWriter) spill() {
	if w.out != nil && len(w.b) >= jsonSpill {
		w.flush()
	}
}

// flush hands b to out, counting it in n; past MaxJSONBytes it only
// counts, for finish to say how large the document is.
func (w *jsonWriter) flush() {
	w.emit(w.b)
	w.b = w.b[:0]
}

// emit hands b to out as flush does.
func (w *jsonWriter) emit(b []byte) {
	if w.err == nil && w.n+len(b) <= MaxJSONBytes {
		if _, err := w.out.Write(b); err != nil {
			w.fail(err)
		}
	}
	w.n += len(b)
}

// canonical returns a copy of m in canonical form (Normalize: empty lists
// rather than null, every STRIDE row and OWASP item present, canonical
// order), so a model straight from the store and the same model after an
// import export identically. A model already in that form (model.Normal:
// one straight from the store is) is only copied shallowly, its lists
// shared and read; otherwise the copy starts from a model.Snapshot, so the
// lists Normalize rewrites are its own; the entities are shared, read-only.
func canonical(m *model.Model) *model.Model {
	if m.Normal() {
		c := *m
		if len(c.Extensions) == 0 {
			c.Extensions = nil
		}
		return &c
	}
	c := m.Snapshot()
	c.Overview.Participants = slices.Clone(m.Overview.Participants)
	c.Normalize()
	if len(c.Extensions) == 0 {
		c.Extensions = nil // omitted, as an import of it gives
	}
	return c
}

// jsonWriter appends an indented JSON document (two spaces a level, as
// json.Encoder.SetIndent("", "  ") writes it) to b. The first error is
// kept in err and later writes still run harmlessly.
type jsonWriter struct {
	b   []byte
	err error
	// out, when set (WriteJSON), receives b whenever it grows past
	// jsonSpill; n counts what it was given.
	out io.Writer
	n   int
}

// indent starts a new line at depth.
func (w *jsonWriter) indent(depth int) {
	if 2*depth < len(newlineSpaces) {
		w.b = append(w.b, newlineSpaces[:1+2*depth]...)
		return
	}
	w.b = append(w.b, '\n')
	for range depth {
		w.b = append(w.b, ' ', ' ')
	}
}

// newlineSpaces is a newline and the indentation of the deepest level the
// document has.
const newlineSpaces = "\n                "

// field starts the member key of an object at depth (its members are one
// level deeper); first is whether it is the object's first member.
func (w *jsonWriter) field(depth int, key string, first bool) {
	if !first {
		w.b = append(w.b, ',')
	}
	w.indent(depth)
	w.str(key)
	w.b = append(w.b, ':', ' ')
}

// list writes a JSON array whose elements are at depth+1: null for a nil
// slice, [] for an empty one, as encoding/json does.
func list[T any](w *jsonWriter, depth int, items []T, elem func(*T)) {
	if items == nil {
		w.b = append(w.b, "null"...)
		return
	}
	if len(items) == 0 {
		w.b = append(w.b, '[', ']')
		return
	}
	w.b = append(w.b, '[')
	for i := range items {
		if i > 0 {
			w.b = append(w.b, ',')
		}
		w.indent(depth + 1)
		elem(&items[i])
		w.spill()
	}
	w.indent(depth)
	w.b = append(w.b, ']')
}

// strs writes a list of strings whose elements are at depth+1.
func (w *jsonWriter) strs(depth int, s []string) {
	list(w, depth, s, func(v *string) { w.str(*v) })
}

// value writes any value at depth through encoding/json, then cleaned: the
// path for the small records.
func (w *jsonWriter) value(depth int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		w.fail(err)
		return
	}
	compact := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	var out bytes.Buffer
	out.Grow(len(compact) * 2)
	prefix := make([]byte, 0, 2*depth)
	for range depth {
		prefix = append(prefix, ' ', ' ')
	}
	if err := json.Indent(&out, compact, string(prefix), "  "); err != nil {
		w.fail(err)
		return
	}
	w.b = append(w.b, cleanJSON(out.Bytes())...)
}

func (w *jsonWriter) fail(err error) {
	if w.err == nil {
		w.err = err
	}
}

// extensions writes the extensions object: each tool's data compact, on
// its own line, cleaned. Tool names are written as json.Marshal writes
// them.
func (w *jsonWriter) extensions(depth int, exts map[string]json.RawMessage) {
	w.b = append(w.b, '{')
	for i, k := range slices.Sorted(maps.Keys(exts)) {
		if i > 0 {
			w.b = append(w.b, ',')
		}
		w.indent(depth + 1)
		key, _ := json.Marshal(k)
		w.b = append(w.b, cleanJSON(key)...)
		w.b = append(w.b, ':', ' ')
		var data bytes.Buffer
		if err := json.Compact(&data, exts[k]); err != nil {
			w.fail(fmt.Errorf("the %s data kept with the model is damaged: %w", k, err))
			return
		}
		w.b = append(w.b, cleanJSON(data.Bytes())...)
	}
	w.indent(depth)
	w.b = append(w.b, '}')
}

// str writes s as encoding/json does without HTML escaping, cleaned as
// cleanJSON would clean the token: a string of printable ASCII, newlines
// and tabs, nearly every string, is written as it is.
func (w *jsonWriter) str(s string) {
	start := len(w.b)
	w.b = append(w.b, '"')
	run := 0 // s[run:i] is plain, not yet written
	for i := 0; i < len(s); i++ {
		// Eight plain bytes at a time: most text has nothing to escape.
		for i+8 <= len(s) && jsonSpecial(load8(s, i)) == 0 {
			i += 8
		}
		if i == len(s) {
			break
		}
		c := s[i]
		if c >= 0x20 && c < 0x7f && c != '"' && c != '\\' {
			continue
		}
		var esc byte
		switch c {
		case '"', '\\':
			esc = c
		case '\n':
			esc = 'n'
		case '\t':
			esc = 't'
		default:
			w.b = w.b[:start]
			tok := appendJSONString(nil, s) // tree_encode.go's, encoding/json's quoting
			if fixed, changed := cleanToken(tok); changed {
				tok = fixed
			}
			w.b = append(w.b, tok...)
			return
		}
		w.b = append(w.b, s[run:i]...)
		w.b = append(w.b, '\\', esc)
		run = i + 1
	}
	w.b = append(w.b, s[run:]...)
	w.b = append(w.b, '"')
}

// load8 is the eight bytes of s from i on as a little-endian word (the
// compiler makes it one load).
func load8(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// jsonSpecial is non-zero when one of the eight bytes of x is one str does
// not copy as it is: those of jsonread.Special, and DEL.
func jsonSpecial(x uint64) uint64 {
	return jsonread.Special(x) | jsonread.HasByte(x, 0x7f)
}

// threat writes a threat (at depth) as encoding/json writes model.Threat:
// its fields in declaration order, the embedded Stamps in place, the
// omitempty and omitzero ones only when set.
func (w *jsonWriter) threat(depth int, t *model.Threat) {
	d := depth + 1
	w.b = append(w.b, '{')
	w.field(d, "id", true)
	w.str(t.ID)
	w.field(d, "title", false)
	w.str(t.Title)
	w.field(d, "description", false)
	w.str(t.Description)
	if t.Methodology != "" {
		w.field(d, "methodology", false)
		w.str(t.Methodology)
	}
	w.field(d, "category", false)
	w.str(string(t.Category))
	w.field(d, "vector", false)
	w.str(t.Vector)
	w.field(d, "assets", false)
	w.strs(d, t.Assets)
	w.field(d, "surface", false)
	w.strs(d, t.Surface)
	w.field(d, "actors", false)
	w.strs(d, t.Actors)
	w.field(d, "owasp", false)
	w.strs(d, t.OWASP)
	w.field(d, "likelihood", false)
	w.int(t.Likelihood)
	w.field(d, "impact", false)
	w.int(t.Impact)
	w.field(d, "status", false)
	w.str(string(t.Status))
	w.field(d, "mitigations", false)
	list(w, d, t.Mitigations, func(m *model.Mitigation) { w.mitigation(d+1, m) })
	w.optional(d, "library_id", t.LibraryID)
	if t.Vote != nil {
		w.field(d, "risk_vote", false)
		w.value(d, t.Vote)
	}
	w.stamps(d, &t.Stamps)
	w.optional(d, "treatment", string(t.Treatment))
	w.optional(d, "rationale", t.Rationale)
	w.optional(d, "decided_by", t.DecidedBy)
	w.optional(d, "decided_at", string(t.DecidedAt))
	w.optional(d, "review_by", string(t.ReviewBy))
	w.indent(depth)
	w.b = append(w.b, '}')
}

// mitigation writes a mitigation (at depth) as encoding/json writes it.
func (w *jsonWriter) mitigation(depth int, m *model.Mitigation) {
	d := depth + 1
	w.b = append(w.b, '{')
	w.field(d, "id", true)
	w.str(m.ID)
	w.field(d, "description", false)
	w.str(m.Description)
	w.field(d, "status", false)
	w.str(string(m.Status))
	w.stamps(d, &m.Stamps)
	w.optional(d, "owner", m.Owner)
	w.optional(d, "due", string(m.Due))
	w.optional(d, "ticket", m.Ticket)
	w.optional(d, "reason", m.Reason)
	w.indent(depth)
	w.b = append(w.b, '}')
}

// stamps writes the attribution fields that are set (model.Stamps, whose
// fields are omitempty and omitzero).
func (w *jsonWriter) stamps(d int, st *model.Stamps) {
	w.optional(d, "created_by", st.CreatedBy)
	w.time(d, "created_at", st.CreatedAt)
	w.optional(d, "updated_by", st.UpdatedBy)
	w.time(d, "updated_at", st.UpdatedAt)
}

// optional writes an omitempty string field when it is set.
func (w *jsonWriter) optional(d int, key, v string) {
	if v != "" {
		w.field(d, key, false)
		w.str(v)
	}
}

// time writes an omitzero time field when it is set.
func (w *jsonWriter) time(d int, key string, t time.Time) {
	if t.IsZero() {
		return
	}
	data, err := t.MarshalJSON()
	if err != nil {
		w.fail(err)
		return
	}
	w.field(d, key, false)
	w.b = append(w.b, data...)
}

func (w *jsonWriter) int(n int) {
	w.b = strconv.AppendInt(w.b, int64(n), 10)
}
