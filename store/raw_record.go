package store

import (
	"bytes"
	"encoding/json"

	"github.com/threatdeck/threatdeck/internal/jsonread"
)

// decodeRaw is decode for a record whose value is raw JSON, an extension:
// one tool's kept data, about 95 MB for a 100,000-element Threat Dragon
// or TM-BOM import. json.Unmarshal scans such a value twice to copy it
// (checkValid, then skip), a fifth of the CPU of exporting that TM-BOM
// model; this scans it once, faster, and copies it. The copy is what
// json.Unmarshal makes, the value without the space around it, and a
// value jsonread.Valid does not take goes to json.Unmarshal, whose error
// says what is wrong with it.
func decodeRaw(data []byte, v *json.RawMessage) error {
	if !jsonread.Valid(data) {
		return json.Unmarshal(data, v)
	}
	*v = append((*v)[:0], bytes.Trim(data, " \t\r\n")...)
	return nil
}
