package export_test

import (
	"io"
	"testing"

	"github.com/threatdeck/threatdeck/export"
	"github.com/threatdeck/threatdeck/model"
)

// BenchmarkExportOTMImported100k writes the OTM file of a model imported
// from OTM (the 100k model's own OTM export, read back): the export that
// re-emits every kept original object. Run with -bench
// ExportOTMImported100k -benchtime 1x; it is never part of a plain test
// run.
func BenchmarkExportOTMImported100k(b *testing.B) {
	benchExportOfImport(b, export.FormatOTM, "scale.otm.json", export.OTM, export.WriteOTM)
}

// benchExportOfImport imports the 100k model's own file in format f (its
// bytes from export) and times writing it back, as bytes and streamed.
func benchExportOfImport(b *testing.B, f export.Format, file string, export1 func(*model.Model) ([]byte, error), stream func(io.Writer, *model.Model) error) {
	data, err := export1(scaleModel(b))
	if err != nil {
		b.Fatal(err)
	}
	m, err := export.ImportForeign(data, file, f, interopNow)
	if err != nil {
		b.Fatal(err)
	}
	data = nil
	b.Run("export", func(b *testing.B) {
		b.ReportAllocs()
		stop := peakHeap(b)
		for b.Loop() {
			if _, err := export1(m); err != nil {
				b.Fatal(err)
			}
		}
		stop()
	})
	b.Run("stream", func(b *testing.B) {
		b.ReportAllocs()
		stop := peakHeap(b)
		for b.Loop() {
			if err := stream(io.Discard, m); err != nil {
				b.Fatal(err)
			}
		}
		stop()
	})
}
