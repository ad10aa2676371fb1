package export

import (
	"bytes"
	"encoding/json"
	"strings"
)

// sniff says which format data looks like from its top-level keys alone,
// stopping as soon as they decide it: cheap enough to run before the real
// parse. Threat Dragon's summary and detail usually come first, so its
// huge diagrams are never scanned here. other names a known format
// threatdeck does not read (a CycloneDX BOM), for the error message.
func sniff(data []byte) (f Format, other string) {
	dec := json.NewDecoder(bytes.NewReader(bytes.TrimPrefix(data, utf8BOM)))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return "", ""
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return "", ""
		}
		key, _ := tok.(string)
		seen[key] = true
		switch {
		case key == "schema" || key == "bomFormat":
			var v any
			if dec.Decode(&v) != nil {
				return "", ""
			}
			s, _ := v.(string)
			if key == "schema" && strings.HasPrefix(s, "threatdeck") {
				return FormatThreatdeck, ""
			}
			if key == "bomFormat" && strings.EqualFold(s, "CycloneDX") {
				return "", "CycloneDX BOM (*.cdx.json)"
			}
			continue
		case key == "otmVersion":
			return FormatOTM, ""
		case key == "detail" || (key == "summary" && seen["detail"]):
			// "detail" alone is Threat Dragon's: no other format uses it,
			// and deciding here spares scanning the diagrams.
			return FormatThreatDragon, ""
		case seen["scope"] && (seen["trust_zones"] || seen["data_flows"] || seen["components"] || seen["threats"]):
			return FormatTMBOM, ""
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return "", ""
		}
	}
	return "", ""
}
