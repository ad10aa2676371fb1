package export_test

import (
	"io"
	"testing"

	"github.com/threatdeck/threatdeck/export"
)

// BenchmarkExportOTMImported100k writes the OTM file of a model imported
// from OTM (the 100k model's own OTM export, read back): the export that
// re-emits every kept original object. Run with -bench
// ExportOTMImported100k -benchtime 1x; it is never part of a plain test
// run.
func BenchmarkExportOTMImported100k(b *testing.B) {
	data, err := export.OTM(scaleModel(b))
	if err != nil {
		b.Fatal(err)
	}
	m, err := export.ImportForeign(data, "scale.otm.json", export.FormatOTM, interopNow)
	if err != nil {
		b.Fatal(err)
	}
	data = nil
	b.Run("export", func(b *testing.B) {
		b.ReportAllocs()
		stop := peakHeap(b)
		for b.Loop() {
			if _, err := export.OTM(m); err != nil {
				b.Fatal(err)
			}
		}
		stop()
	})
	b.Run("stream", func(b *testing.B) {
		b.ReportAllocs()
		stop := peakHeap(b)
		for b.Loop() {
			if err := export.WriteOTM(io.Discard, m); err != nil {
				b.Fatal(err)
			}
		}
		stop()
	})
}
