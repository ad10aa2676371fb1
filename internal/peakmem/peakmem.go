// Package peakmem samples the Go heap while a benchmark runs, for the
// scale benchmarks that bound what an import or export holds at its worst
// (B/op counts what was allocated, not what was held at once).
package peakmem

import (
	"runtime/metrics"
	"sync"
	"time"
)

// Peak is the most seen while sampling, in bytes.
type Peak struct {
	// InUse is the heap in use: heap objects plus free space in spans in
	// use (HeapInuse), garbage not yet collected included.
	InUse uint64
	// Live is the most the collector found live (/gc/heap/live).
	Live uint64
}

// Read returns the heap in use and live now.
func Read() Peak {
	samples := []metrics.Sample{
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/memory/classes/heap/unused:bytes"},
		{Name: "/gc/heap/live:bytes"},
	}
	metrics.Read(samples)
	return Peak{InUse: samples[0].Value.Uint64() + samples[1].Value.Uint64(), Live: samples[2].Value.Uint64()}
}

// Sample reads the heap every millisecond until the returned func is
// called, which returns the highest values seen (the first and last
// readings included).
func Sample() (stop func() Peak) {
	var mu sync.Mutex
	peak := Read()
	note := func() {
		v := Read()
		mu.Lock()
		peak.InUse, peak.Live = max(peak.InUse, v.InUse), max(peak.Live, v.Live)
		mu.Unlock()
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				note()
			}
		}
	})
	return func() Peak {
		close(done)
		wg.Wait()
		note()
		mu.Lock()
		defer mu.Unlock()
		return peak
	}
}
