package store

import (
	"slices"
	"testing"
	"time"
)

// BenchmarkCommitEditNoSync is BenchmarkCommitEdit without the fsync, so
// what the history entry adds to a commit (encoding it, a page or two
// more to write) is not lost in the disk's noise.
func BenchmarkCommitEditNoSync(b *testing.B) {
	s, id := benchStore(b)
	s.db.NoSync = true
	m, err := s.Load(id)
	if err != nil {
		b.Fatal(err)
	}
	var times []time.Duration
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		i++
		t := m.Threats[(i*7919)%len(m.Threats)]
		t.Likelihood = t.Likelihood%5 + 1
		ch, err := m.PutThreat(t, t0.Add(time.Duration(i)*time.Second))
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		if err := s.Commit(id, ch.Do); err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(start))
	}
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Nanoseconds()), "median-ns/commit")
}
