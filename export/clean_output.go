package export

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"

	"github.com/threatdeck/threatdeck/model"
)

// Every string an export writes is cleaned by the rules that text entering
// a model follows (model.CleanText): the model's own text has been cleaned
// on the way in, but data kept verbatim for another tool (the Threat
// Dragon document, OTM attributes, a JSON export's extensions) has not
// always been, and a file written by an older threatdeck may hold
// characters today's rules remove. cleanJSON is the one place that
// guarantees it, at the end of every JSON writer: it rewrites only the
// string tokens that need it, so the layout and every number stay exactly
// as written.

// cleanJSON returns data, a valid JSON text, with every string token
// (member names too) cleaned. Strings made only of printable ASCII and the
// escapes \n \t \" \\ \/ are left alone, so typical output costs one scan.
func cleanJSON(data []byte) []byte {
	var out []byte // nil until the first change
	last := 0      // data[:last] is in out already
	for i := 0; i < len(data); i++ {
		if data[i] != '"' {
			continue
		}
		end, suspect := scanString(data, i)
		if suspect {
			if fixed, changed := cleanToken(data[i:end]); changed {
				if out == nil {
					out = make([]byte, 0, len(data))
				}
				out = append(out, data[last:i]...)
				out = append(out, fixed...)
				last = end
			}
		}
		i = end - 1
	}
	if out == nil {
		return data
	}
	return append(out, data[last:]...)
}

// scanString returns the end (one past the closing quote) of the string
// token starting at data[start], and whether it holds anything cleaning
// could change: a non-ASCII byte, a raw control or an escape other than
// \n \t \" \\ \/.
func scanString(data []byte, start int) (end int, suspect bool) {
	for i := start + 1; i < len(data); i++ {
		c := data[i]
		switch {
		case c == '"':
			return i + 1, suspect
		case c == '\\':
			if i+1 < len(data) {
				switch data[i+1] {
				case 'n', 't', '"', '\\', '/':
				default:
					suspect = true
				}
			}
			i++
		case c < 0x20 || c >= utf8.RuneSelf || c == 0x7f:
			suspect = true
		}
	}
	return len(data), true
}

// cleanToken cleans one JSON string token, giving the token to write and
// whether it differs.
func cleanToken(tok []byte) ([]byte, bool) {
	var s string
	if err := json.Unmarshal(tok, &s); err != nil {
		return tok, false // not a whole token (the writers only give valid JSON)
	}
	c := model.CleanText(s)
	if c == s && utf8.Valid(tok) {
		return tok, false
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(c); err != nil {
		return tok, false
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), true
}

// cleanRaw is cleanJSON for a kept json.RawMessage: the same message when
// nothing changes, so a clean extension keeps its exact bytes.
func cleanRaw(raw json.RawMessage) json.RawMessage {
	return json.RawMessage(cleanJSON(raw))
}

// decodeExtension decodes the data a foreign importer kept with a model
// (Model.Extensions[tool]) into v, numbers kept exactly as written.
func decodeExtension(raw json.RawMessage, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	return dec.Decode(v)
}

// extensionShapes are the tools whose kept data an exporter reads back:
// a threatdeck JSON document holding one of these in another shape is
// refused at import, rather than imported and then failing to export.
var extensionShapes = map[string]func() any{
	ToolThreatDragon: func() any { return new(tdExtension) },
	ToolOTM:          func() any { return new(otmExtension) },
}

// checkExtension reports why raw cannot be the data tool's exporter
// reads, or nil.
func checkExtension(tool string, raw json.RawMessage) error {
	shape, ok := extensionShapes[tool]
	if !ok {
		return nil
	}
	return decodeExtension(raw, shape())
}
