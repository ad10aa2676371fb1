package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/threatdeck/threatdeck/export"
	"github.com/threatdeck/threatdeck/internal/peakmem"
	"github.com/threatdeck/threatdeck/internal/scalemodel"
)

// BenchmarkImport100k runs the import command in this process, as the
// binary runs it (its collector settings included), on the scale model's
// export in each format that imports: file read, parse, and the staged
// write into a new workbook, fsyncs and all. Besides ns/op (wall) it
// reports peak-heap-MiB (the most heap in use, sampled every millisecond:
// what the command holds at its worst, garbage not yet collected
// included) and, on Linux, peak-RSS-MiB (the process's peak resident set
// while the command ran, the benchmark's own few MiB included), the
// figures issue 14 bounds at 500 MiB. Run with
// -bench Import100k -benchtime 1x; it is never part of a plain test run.
func BenchmarkImport100k(b *testing.B) {
	dir := b.TempDir()
	m, err := scalemodel.New(time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC))
	if err != nil {
		b.Fatal(err)
	}
	type file struct{ name, path string }
	var files []file
	for _, f := range export.Formats() {
		if f.Import == nil || f.Stream == nil {
			continue
		}
		path := filepath.Join(dir, "scale-"+string(f.Name)+f.Ext)
		if err := export.WriteFileFrom(path, func(w io.Writer) error { return f.Stream(w, m) }); err != nil {
			b.Fatal(err)
		}
		files = append(files, file{string(f.Name), path})
	}
	m = nil
	for _, f := range files {
		b.Run(f.name, func(b *testing.B) {
			db := filepath.Join(dir, "import.db")
			var heap, rss float64
			for b.Loop() {
				b.StopTimer()
				os.Remove(db)
				debug.FreeOSMemory()
				resetPeakRSS()
				sample := peakmem.Sample()
				b.StartTimer()
				var stderr bytes.Buffer
				code := run([]string{"--db", db, "import", f.path}, nil, io.Discard, &stderr)
				b.StopTimer()
				heap = max(heap, float64(sample().InUse)/(1<<20))
				rss = max(rss, peakRSS())
				if code != exitOK {
					b.Fatalf("import %s: exit %d: %s", f.name, code, stderr.String())
				}
				b.StartTimer()
			}
			b.ReportMetric(heap, "peak-heap-MiB")
			if rss > 0 {
				b.ReportMetric(rss, "peak-RSS-MiB")
			}
		})
	}
}

// resetPeakRSS starts the process's peak resident set afresh (Linux's
// clear_refs 5); elsewhere peakRSS reports nothing.
func resetPeakRSS() {
	if runtime.GOOS == "linux" {
		_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
	}
}

// peakRSS is the process's peak resident set in MiB since resetPeakRSS
// (VmHWM), or 0 where it cannot be read.
func peakRSS() float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(data)) {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			if err == nil {
				return float64(kb) / 1024
			}
		}
	}
	return 0
}
