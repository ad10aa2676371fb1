package export

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/threatdeck/threatdeck/model"
)

// Schema is the format tag of threatdeck's JSON document. The number after
// the slash is the schema version; see the package documentation.
const Schema = "threatdeck/1"

// document is the JSON envelope: {"schema": "threatdeck/1", "model": {...}}.
type document struct {
	Schema string       `json:"schema"`
	Model  *model.Model `json:"model"`
}

// JSON renders m as a threatdeck/1 document: indented, keys in a fixed
// order, lists in canonical order, no HTML escaping (so "<" stays "<" and
// the file reads naturally). It is deterministic and lossless: ParseJSON
// gives back an equal model, and exporting that gives the same bytes. The
// workbook id (Model.ID) is not part of the document; m is not modified.
//
// Other tools' data (extensions) is written compact, one tool per line: it
// is often a whole diagram, which indentation would make several times
// larger. Every string is cleaned (cleanJSON). A document past
// MaxJSONBytes is refused, so what JSON writes ParseJSON always reads.
func JSON(m *model.Model) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(4<<10 + len(m.Threats)*1024)
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	c := canonical(m)
	exts := c.Extensions
	c.Extensions = nil
	if err := enc.Encode(document{Schema: Schema, Model: c}); err != nil {
		return nil, err
	}
	out := buf.Bytes()
	if len(exts) > 0 {
		var err error
		if out, err = spliceExtensions(out, exts); err != nil {
			return nil, err
		}
	}
	out = cleanJSON(out)
	if len(out) > MaxJSONBytes {
		return nil, fmt.Errorf("the model is %d MiB as threatdeck JSON, past the %d MiB threatdeck can import again; export it in another format", len(out)>>20, MaxJSONBytes>>20)
	}
	return out, nil
}

// seqKey is where "extensions" goes: just before "seq", the last key of
// the model object. A raw newline never occurs inside a JSON string, so
// only the model's own key matches.
const seqKey = "\n    \"seq\": "

// spliceExtensions writes the extensions object into doc, each tool's
// data compact on its own line.
func spliceExtensions(doc []byte, exts map[string]json.RawMessage) ([]byte, error) {
	at := bytes.Index(doc, []byte(seqKey))
	if at < 0 {
		return nil, errors.New("internal error: no seq in the document")
	}
	var b bytes.Buffer
	b.Grow(len(doc) + 64)
	b.Write(doc[:at])
	b.WriteString("\n    \"extensions\": {")
	for i, k := range slices.Sorted(maps.Keys(exts)) {
		if i > 0 {
			b.WriteByte(',')
		}
		key, _ := json.Marshal(k)
		b.WriteString("\n      ")
		b.Write(key)
		b.WriteString(": ")
		if err := json.Compact(&b, exts[k]); err != nil {
			return nil, fmt.Errorf("the %s data kept with the model is damaged: %w", k, err)
		}
	}
	b.WriteString("\n    },")
	b.Write(doc[at:])
	return b.Bytes(), nil
}

// canonical returns a copy of m in canonical form (Normalize: empty lists
// rather than null, every STRIDE row and OWASP item present, canonical
// order), so a model straight from the store and the same model after an
// import export identically. It starts from a model.Snapshot, so the
// lists Normalize rewrites are its own; the entities are shared, read-only.
func canonical(m *model.Model) *model.Model {
	c := m.Snapshot()
	c.Overview.Participants = slices.Clone(m.Overview.Participants)
	c.Normalize()
	if len(c.Extensions) == 0 {
		c.Extensions = nil // omitted, as an import of it gives
	}
	return c
}
