package export_test

import (
	"fmt"
	"io"
	"testing"

	"github.com/threatdeck/threatdeck/export"
	"github.com/threatdeck/threatdeck/model"
)

// scaleModel is a native model with 100,000 elements (two thirds
// processes and stores in five trust zones, one third flows between them)
// and 100,000 threats, each on one element with one mitigation: the size
// every format must import and export in under 3 s and 500 MiB.
func scaleModel(b *testing.B) *model.Model {
	b.Helper()
	const elements, threats = 100000, 100000
	m, err := model.New("Scale", "bench", interopNow)
	if err != nil {
		b.Fatal(err)
	}
	m.Surface = make([]model.SurfaceElement, 0, elements)
	for i := 1; i <= elements; i++ {
		e := model.SurfaceElement{ID: model.FormatID(model.PrefixSurface, i), Name: fmt.Sprintf("Element %d", i),
			Kind: model.KindProcess, TrustZone: fmt.Sprintf("Zone %d", i%5), Description: "A part of the system under review."}
		switch {
		case i%3 == 0 && i > 2:
			e.Kind, e.TrustZone = model.KindDataFlow, ""
			e.Source, e.Target = model.FormatID(model.PrefixSurface, i-2), model.FormatID(model.PrefixSurface, i-1)
		case i%3 == 1:
			e.Kind = model.KindDataStore
		}
		m.Surface = append(m.Surface, e)
	}
	m.Threats = make([]model.Threat, 0, threats)
	for i := 1; i <= threats; i++ {
		m.Threats = append(m.Threats, model.Threat{
			ID: model.FormatID(model.PrefixThreat, i), Title: fmt.Sprintf("Threat %d", i),
			Description: "An attacker could do something unpleasant here unless it is prevented.",
			Category:    model.StrideCategories[i%6], Vector: "API Security",
			Surface:    []string{model.FormatID(model.PrefixSurface, 1+(i-1)%elements)},
			Likelihood: 1 + i%5, Impact: 1 + (i/5)%5, Status: model.StatusOpen,
			Mitigations: []model.Mitigation{{ID: model.FormatID(model.PrefixMitigation, i), Description: "Validate input and log what happens.", Status: model.MitigationPlanned}},
		})
	}
	m.Seq[model.PrefixSurface], m.Seq[model.PrefixThreat], m.Seq[model.PrefixMitigation] = elements, threats, threats
	m.Normalize()
	return m
}

// BenchmarkFormats100k exports the 100k model in every format of the
// table (and streams it, for a format that streams into a file) and
// imports each export that the table can read back. Run with
// -bench Formats100k -benchtime 1x; it is never part of a plain test run.
func BenchmarkFormats100k(b *testing.B) {
	m := scaleModel(b)
	for _, f := range export.Formats() {
		if f.Export == nil {
			continue
		}
		if f.Stream != nil {
			// What an export into a file does: the document written as
			// it is made, never held whole. First, while no export is held.
			b.Run("stream/"+string(f.Name), func(b *testing.B) {
				b.ReportAllocs()
				stop := peakHeap(b)
				for b.Loop() {
					if err := f.Stream(io.Discard, m); err != nil {
						b.Fatal(err)
					}
				}
				stop()
			})
		}
		var out []byte
		b.Run("export/"+string(f.Name), func(b *testing.B) {
			b.ReportAllocs()
			stop := peakHeap(b)
			for b.Loop() {
				var err error
				if out, err = f.Export(m); err != nil {
					b.Fatal(err)
				}
			}
			stop()
			b.ReportMetric(float64(len(out))/(1<<20), "MiB")
		})
		if f.Import == nil || out == nil {
			continue
		}
		b.Run("import/"+string(f.Name), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(out)))
			stop := peakHeap(b)
			for b.Loop() {
				got, err := f.Import(out, "scale")
				if err != nil {
					b.Fatal(err)
				}
				if len(got.Threats) != len(m.Threats) {
					b.Fatalf("%d threats back, want %d", len(got.Threats), len(m.Threats))
				}
			}
			stop()
		})
	}
}

// BenchmarkSARIF100k writes check's SARIF for the 100k model, every open
// threat a finding.
func BenchmarkSARIF100k(b *testing.B) {
	m := scaleModel(b)
	findings := model.Check(m, model.CheckOptions{FailOn: model.RiskLow})
	b.ReportAllocs()
	stop := peakHeap(b)
	for b.Loop() {
		if _, err := export.SARIF(m, findings, export.CheckSource{Path: "docs/scale.json"}, "bench"); err != nil {
			b.Fatal(err)
		}
	}
	stop()
}
