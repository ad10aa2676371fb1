package export_test

import (
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"
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
func peakHeap(b *testing.B) (stop func()) {
	b.Helper()
	runtime.GC()
	samples := []metrics.Sample{
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/memory/classes/heap/unused:bytes"},
	}
	read := func() uint64 {
		metrics.Read(samples)
		return samples[0].Value.Uint64() + samples[1].Value.Uint64()
	}
	var (
		mu   sync.Mutex
		base = read()
		peak = base
		done = make(chan struct{})
		wg   sync.WaitGroup
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				v := read()
				mu.Lock()
				peak = max(peak, v)
				mu.Unlock()
			}
		}
	}()
	start := time.Now()
	return func() {
		elapsed := time.Since(start)
		close(done)
		wg.Wait()
		mu.Lock()
		defer mu.Unlock()
		peak = max(peak, read())
		b.ReportMetric(float64(peak-base)/(1<<20), "peak-MiB")
		b.ReportMetric(float64(base)/(1<<20), "base-MiB")
		b.ReportMetric(elapsed.Seconds()/float64(max(b.N, 1)), "s/op")
	}
}
