package store

import (
	"runtime/debug"
	"testing"
)

// TestPauseGC checks that overlapping pauses (concurrent previews) turn
// the collector back on only when the last ends, to what it was before.
func TestPauseGC(t *testing.T) {
	percent := func() int {
		p := debug.SetGCPercent(-1)
		debug.SetGCPercent(p)
		return p
	}
	defer debug.SetGCPercent(debug.SetGCPercent(150))
	first := pauseGC()
	second := pauseGC()
	if got := percent(); got != -1 {
		t.Fatalf("during two pauses the collector is at %d percent, want off (-1)", got)
	}
	first()
	if got := percent(); got != -1 {
		t.Fatalf("with one pause left the collector is at %d percent, want off (-1)", got)
	}
	second()
	if got := percent(); got != 150 {
		t.Fatalf("after the pauses the collector is at %d percent, want 150", got)
	}
}
