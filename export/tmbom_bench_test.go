package export_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/threatdeck/threatdeck/export"
)

// tmbomGenerated builds a TM-BOM file with 100,000 elements (five trust
// zones, 66,665 components and 33,330 flows between them) and 100,000
// threats, each affecting one component and addressed by one control.
func tmbomGenerated(b *testing.B) []byte {
	b.Helper()
	const zones, components, threats = 5, 66665, 100000
	doc := map[string]any{"version": "0.1", "scope": map[string]any{"title": "Scale", "description": "Generated"}}
	var tz, comps, flows, ths, ctrls []any
	for i := range zones {
		tz = append(tz, map[string]any{"symbolic_name": fmt.Sprintf("zone-%d", i), "title": fmt.Sprintf("Zone %d", i)})
	}
	for i := range components {
		comps = append(comps, map[string]any{"symbolic_name": fmt.Sprintf("c-%d", i), "title": fmt.Sprintf("Component %d", i),
			"description": "A part of the system under review.", "trust_zone": fmt.Sprintf("zone-%d", i%zones)})
		if i%2 == 1 {
			flows = append(flows, map[string]any{"symbolic_name": fmt.Sprintf("f-%d", i), "title": "HTTPS",
				"source":      map[string]any{"type": "component", "object": fmt.Sprintf("c-%d", i-1)},
				"destination": map[string]any{"type": "component", "object": fmt.Sprintf("c-%d", i)}})
		}
	}
	for i := range threats {
		name := fmt.Sprintf("t-%d", i)
		ths = append(ths, map[string]any{"symbolic_name": name, "title": fmt.Sprintf("Threat %d", i),
			"description": "An attacker could do something unpleasant here.", "event": "tampering",
			"components_affected": []any{fmt.Sprintf("c-%d", i%components)}})
		ctrls = append(ctrls, map[string]any{"symbolic_name": "ctl-" + name, "title": fmt.Sprintf("Control %d", i),
			"threats": []any{name}, "status": []string{"active", "suggested", "retired"}[i%3]})
	}
	doc["trust_zones"], doc["components"], doc["data_flows"], doc["threats"], doc["controls"] = tz, comps, flows, ths, ctrls
	data, err := json.Marshal(doc)
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// BenchmarkImportTMBOM100k imports that file (-bench only).
func BenchmarkImportTMBOM100k(b *testing.B) {
	data := tmbomGenerated(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	stop := peakHeap(b)
	for b.Loop() {
		m, err := export.Import(data, "scale.json")
		if err != nil {
			b.Fatal(err)
		}
		if len(m.Threats) != 100000 || len(m.Surface) < 99990 {
			b.Fatalf("%d threats, %d elements", len(m.Threats), len(m.Surface))
		}
	}
	stop()
}

// BenchmarkExportTMBOMImported100k writes the TM-BOM file of a model
// imported from TM-BOM (the 100k model's own TM-BOM export, read back):
// the export that reads back the whole kept document. Run with -bench
// ExportTMBOMImported100k -benchtime 1x; it is never part of a plain test
// run.
func BenchmarkExportTMBOMImported100k(b *testing.B) {
	benchExportOfImport(b, export.FormatTMBOM, "scale.tm-bom.json", export.TMBOM, export.WriteTMBOM)
}
