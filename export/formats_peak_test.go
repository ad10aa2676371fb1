package export_test

import (
	"runtime"
	"testing"
	"time"

	"github.com/threatdeck/threatdeck/internal/peakmem"
)

// peakHeap samples the heap in use (runtime/metrics: heap objects plus
// free space in spans in use, HeapInuse) every millisecond while the
// benchmark loop runs. It reports as peak-MiB the highest value less the
// heap in use when the loop starts (after a GC): what the import or
// export itself holds at its worst, beside its input (the file's bytes,
// the model), which base-MiB gives; and the wall time per operation as
// s/op. B/op counts what was allocated, not what was held at once, and
// the scale target is about the latter. Call it right before b.Loop and
// call the returned func right after.
//
// The collector lets the heap grow to about twice what was live at its
// last cycle, the benchmark's own input included, so peak-MiB grows with
// base-MiB too; live-MiB is the most the collector found live above the
// base (/gc/heap/live:bytes), what the operation really holds.
func peakHeap(b *testing.B) (stop func()) {
	b.Helper()
	runtime.GC()
	base := peakmem.Read()
	sample := peakmem.Sample()
	start := time.Now()
	return func() {
		elapsed := time.Since(start)
		peak := sample()
		b.ReportMetric(float64(peak.InUse-base.InUse)/(1<<20), "peak-MiB")
		b.ReportMetric(float64(peak.Live-base.Live)/(1<<20), "live-MiB")
		b.ReportMetric(float64(base.InUse)/(1<<20), "base-MiB")
		b.ReportMetric(elapsed.Seconds()/float64(max(b.N, 1)), "s/op")
	}
}
