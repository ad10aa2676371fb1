package export_test

import (
	"io"
	"testing"

	"github.com/threatdeck/threatdeck/export"
	"github.com/threatdeck/threatdeck/internal/scalemodel"
	"github.com/threatdeck/threatdeck/model"
)

// scaleModel is the scale target's model (internal/scalemodel): 100,000
// elements and 100,000 threats, the size every format must import and
// export in under 3 s and 500 MiB.
func scaleModel(b *testing.B) *model.Model {
	b.Helper()
	m, err := scalemodel.New(interopNow)
	if err != nil {
		b.Fatal(err)
	}
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
