package export

import (
	"bytes"
	"encoding/json"
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
func JSON(m *model.Model) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(4<<10 + len(m.Threats)*1024)
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(document{Schema: Schema, Model: canonical(m)}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// canonical returns a copy of m in canonical form (Normalize: empty lists
// rather than null, every STRIDE row and OWASP item present, canonical
// order), so a model straight from the store and the same model after an
// import export identically. Lists Normalize rewrites are copied; the
// entities themselves are shared, read-only.
func canonical(m *model.Model) *model.Model {
	c := *m
	c.Overview.Participants = slices.Clone(m.Overview.Participants)
	c.Assets = slices.Clone(m.Assets)
	c.Actors = slices.Clone(m.Actors)
	c.Surface = slices.Clone(m.Surface)
	c.Threats = slices.Clone(m.Threats)
	c.Stride = slices.Clone(m.Stride)
	c.Checklists = slices.Clone(m.Checklists)
	c.Parking = slices.Clone(m.Parking)
	c.Dismissed = slices.Clone(m.Dismissed)
	c.Extensions = maps.Clone(m.Extensions)
	c.Seq = maps.Clone(m.Seq)
	c.Votes = slices.Clone(m.Votes)
	c.Poker = slices.Clone(m.Poker)
	c.Sessions = slices.Clone(m.Sessions)
	c.Normalize()
	if len(c.Extensions) == 0 {
		c.Extensions = nil // omitted, as an import of it gives
	}
	return &c
}
