package export_test

import (
	"encoding/json"
	"fmt"
	"io"
	"testing"

	"github.com/threatdeck/threatdeck/export"
	"github.com/threatdeck/threatdeck/model"
)

// tdGenerated builds a Threat Dragon model with the given number of
// processes, each holding perCell threats, and a flow between neighbours.
func tdGenerated(b *testing.B, cells, perCell int) []byte {
	b.Helper()
	var list []any
	for i := range cells {
		var threats []any
		for j := range perCell {
			threats = append(threats, map[string]any{
				"id": fmt.Sprintf("t-%d-%d", i, j), "title": fmt.Sprintf("Threat %d on process %d", j, i),
				"type":      []string{"Spoofing", "Tampering", "Repudiation", "Information disclosure", "Denial of service", "Elevation of privilege"}[j%6],
				"modelType": "STRIDE", "status": []string{"Open", "Mitigated", "NotApplicable"}[j%3],
				"severity": []string{"Low", "Medium", "High", "Critical"}[j%4], "score": "",
				"description": "An attacker could do something unpleasant to this process unless it is prevented.",
				"mitigation":  "Validate input, authenticate callers and log what happens.", "number": i*perCell + j + 1,
			})
		}
		list = append(list, map[string]any{
			"id": fmt.Sprintf("cell-%d", i), "shape": "process", "zIndex": i,
			"position": map[string]any{"x": (i % 20) * 150, "y": (i / 20) * 150}, "size": map[string]any{"width": 100, "height": 100},
			"attrs": map[string]any{"text": map[string]any{"text": fmt.Sprintf("Process %d", i)}, "body": map[string]any{"stroke": "#333333", "strokeWidth": 1, "strokeDasharray": nil}},
			"data":  map[string]any{"type": "tm.Process", "name": fmt.Sprintf("Process %d", i), "description": "", "hasOpenThreats": true, "threats": threats},
		})
		if i > 0 {
			list = append(list, map[string]any{
				"id": fmt.Sprintf("flow-%d", i), "shape": "flow", "zIndex": 10,
				"source": map[string]any{"cell": fmt.Sprintf("cell-%d", i-1)}, "target": map[string]any{"cell": fmt.Sprintf("cell-%d", i)},
				"data": map[string]any{"type": "tm.Flow", "name": fmt.Sprintf("Flow %d", i), "hasOpenThreats": false, "threats": []any{}},
			})
		}
	}
	doc := map[string]any{
		"version": "2.3.0",
		"summary": map[string]any{"title": "Generated", "owner": "bench", "description": "", "id": 0},
		"detail": map[string]any{"contributors": []any{}, "reviewer": "", "diagramTop": 1, "threatTop": cells * perCell,
			"diagrams": []any{map[string]any{"id": 0, "title": "Main", "diagramType": "STRIDE", "thumbnail": "x", "version": "2.3.0", "cells": list}}},
	}
	data, err := json.Marshal(doc)
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// BenchmarkImportThreatDragon10k imports a generated 10,000-threat Threat
// Dragon file through export.Import, detection included (target: < 1 s).
func BenchmarkImportThreatDragon10k(b *testing.B) {
	data := tdGenerated(b, 200, 50)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		m, err := export.Import(data, "generated.json")
		if err != nil || len(m.Threats) != 10000 {
			b.Fatalf("%v, %d threats", err, len(m.Threats))
		}
	}
}

// BenchmarkExportThreatDragon10k writes that model back.
func BenchmarkExportThreatDragon10k(b *testing.B) {
	m, err := export.Import(tdGenerated(b, 200, 50), "generated.json")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := export.ThreatDragon(m); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkImportThreatDragon100k imports 100,000 elements (50,000
// processes, 49,999 flows and a boundary-free diagram) holding 100,000
// threats: the scale every format must handle in under 3 s and 500 MiB.
func BenchmarkImportThreatDragon100k(b *testing.B) {
	data := tdGenerated(b, 50000, 2)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	stop := peakHeap(b)
	for b.Loop() {
		m, err := export.Import(data, "generated.json")
		if err != nil {
			b.Fatal(err)
		}
		if len(m.Threats) != 100000 {
			b.Fatalf("%d threats", len(m.Threats))
		}
	}
	stop()
}

// BenchmarkExportThreatDragon100k writes that model back as bytes
// (stdout, the TUI).
func BenchmarkExportThreatDragon100k(b *testing.B) {
	benchTDExport(b, func(m *model.Model) error {
		_, err := export.ThreatDragon(m)
		return err
	})
}

// BenchmarkStreamThreatDragon100k writes that model back as an export
// into a file does, streamed.
func BenchmarkStreamThreatDragon100k(b *testing.B) {
	benchTDExport(b, func(m *model.Model) error { return export.WriteThreatDragon(io.Discard, m) })
}

// benchTDExport times write on the model imported from the generated
// 50,000-cell file.
func benchTDExport(b *testing.B, write func(*model.Model) error) {
	m, err := export.Import(tdGenerated(b, 50000, 2), "generated.json")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	stop := peakHeap(b)
	for b.Loop() {
		if err := write(m); err != nil {
			b.Fatal(err)
		}
	}
	stop()
}

// BenchmarkExportThreatDragonImported100k writes the Threat Dragon file
// of a model imported from Threat Dragon (the 100k model's own Threat
// Dragon export, read back): the export that re-emits every kept cell.
// Run with -bench ExportThreatDragonImported100k -benchtime 1x; it is
// never part of a plain test run.
func BenchmarkExportThreatDragonImported100k(b *testing.B) {
	benchExportOfImport(b, export.FormatThreatDragon, "scale.threat-dragon.json", export.ThreatDragon, export.WriteThreatDragon)
}
