package tui

import (
	"slices"
	"testing"

	"github.com/threatdeck/threatdeck/model"
)

// TestThreatIndexTypingMatchesFreshFilter types a text filter a character
// at a time from none (each step narrows the rows shown, the first one
// included) and erases it, under each other filter, sort and direction,
// with a live edit arriving between a keystroke and the next draw; every
// step must show what a fresh index shows.
func TestThreatIndexTypingMatchesFreshFilter(t *testing.T) {
	bases := []threatFilter{{}, {category: model.StrideCategories[1]}, {status: model.StatusOpen}}
	texts := []string{"", "n", "nu", "number 1", "number 1 ", "number 1", "1", "", "5", "5 a", ""}
	for _, base := range bases {
		for _, srt := range threatSorts {
			for _, rev := range []bool{false, true} {
				m := sizedModel(t, 60)
				x := newThreatIndex()
				x.setSort(srt, rev)
				for step, text := range texts {
					f := base
					f.text = text
					x.setFilter(f)
					if step == 4 {
						// A live edit lands before the keystroke is drawn.
						m.Threats[30].Title, m.Threats[30].Likelihood = "Number 1 renamed", 5
						x.touch([]string{m.Threats[30].ID})
					}
					x.ensure(m)
					fresh := newThreatIndex()
					fresh.setSort(srt, rev)
					fresh.setFilter(f)
					fresh.ensure(m)
					if !slices.Equal(x.visible, fresh.visible) {
						t.Fatalf("filter %+v, sort %v reverse %v, step %d: typed %v, fresh %v", f, srt, rev, step, x.visible, fresh.visible)
					}
				}
			}
		}
	}
}
