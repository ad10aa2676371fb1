package export

import (
	"bytes"
	"encoding/json"

	"github.com/threatdeck/threatdeck/model"
)

// diffDoc is the JSON form of a diff: the summary and whether the models
// are equal, then the items.
type diffDoc struct {
	Summary string `json:"summary"`
	Equal   bool   `json:"equal"`
	model.ModelDiff
}

// DiffJSON renders a model diff as indented JSON, for scripts.
func DiffJSON(d model.ModelDiff) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(diffDoc{Summary: d.Summary(), Equal: d.Equal(), ModelDiff: d}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
