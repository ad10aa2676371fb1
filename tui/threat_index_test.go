package tui

import (
	"strings"
	"testing"

	"github.com/threatdeck/threatdeck/model"
)

func TestLowerTitles(t *testing.T) {
	ts := []model.Threat{
		{ID: "T-001", Title: "SQL Injection in LOGIN"},
		{ID: "T-002", Title: ""},
		{ID: "T-003", Title: "Übernahme des Kontos"},
		{ID: "T-004", Title: "ΣΊΣΥΦΟΣ replay"},
	}
	// The same lowering as strings.ToLower, which the query goes through.
	want := []string{"t-001 sql injection in login", "t-002 ", "t-003 übernahme des kontos", strings.ToLower("T-004 ΣΊΣΥΦΟΣ replay")}
	got := lowerTitles(ts)
	if got.len() != len(want) {
		t.Fatalf("got %d strings, want %d", got.len(), len(want))
	}
	for i := range want {
		if got.at(i) != want[i] {
			t.Errorf("%s: got %q, want %q", ts[i].ID, got.at(i), want[i])
		}
	}
	if lowerTitles(nil) == nil || lowerTitles(nil).len() != 0 {
		t.Error("no threats should give an empty, non-nil index")
	}
}

// The text index is built by the first text filter, and dropped when the
// model changes, so a renamed threat is found by its new title.
func TestThreatIndexTextFilterFollowsEdits(t *testing.T) {
	m := &model.Model{Threats: []model.Threat{{ID: "T-001", Title: "Replay"}, {ID: "T-002", Title: "Tampering"}}}
	x := newThreatIndex()
	x.ensure(m)
	if x.lower != nil {
		t.Error("the text index was built before any text filter")
	}
	x.setFilter(threatFilter{text: "REPLAY"})
	x.ensure(m)
	if len(x.visible) != 1 || x.visible[0] != 0 {
		t.Fatalf("filter replay: visible %v", x.visible)
	}
	m.Threats[1].Title = "Replay of tokens"
	x.invalidate()
	x.ensure(m)
	if len(x.visible) != 2 {
		t.Errorf("after the rename: visible %v, want both threats", x.visible)
	}
	m.Threats = append(m.Threats, model.Threat{ID: "T-003", Title: "replayed webhook"})
	x.ensure(m) // a new threat is noticed even without invalidate
	if len(x.visible) != 3 {
		t.Errorf("after adding a threat: visible %v, want three", x.visible)
	}
}

// BenchmarkFirstTextFilter is the extra work of the first text-filter
// keystroke on 10,000 threats: building the lowercased index.
func BenchmarkFirstTextFilter(b *testing.B) {
	m := bigModel(b)
	for b.Loop() {
		x := newThreatIndex()
		x.setFilter(threatFilter{text: "cred"})
		x.ensure(m)
	}
}
