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
	newModel := func() *model.Model {
		m := &model.Model{}
		for i := range 60 {
			m.Threats = append(m.Threats, model.Threat{ID: model.FormatID(model.PrefixThreat, i+1),
				Title:    []string{"Replay", "tampering", "Spoofed login", "replay of tokens"}[i%4] + " " + itoa(i%7),
				Category: model.StrideCategories[i%6], Likelihood: i%5 + 1, Impact: (i/5)%5 + 1, Status: model.StatusOpen})
		}
		return m
	}
	bases := []threatFilter{{}, {category: model.StrideCategories[1]}, {status: model.StatusOpen}}
	texts := []string{"", "r", "re", "rep", "repl", "rep", "re", "", "t", "to", "tok", ""}
	for _, base := range bases {
		for _, srt := range threatSorts {
			for _, rev := range []bool{false, true} {
				m := newModel()
				x := newThreatIndex()
				x.setSort(srt, rev)
				for step, text := range texts {
					f := base
					f.text = text
					x.setFilter(f)
					if step == 4 {
						// A live edit lands before the keystroke is drawn.
						m.Threats[10].Title, m.Threats[10].Likelihood = "Replayed webhook", 5
						x.touch([]string{m.Threats[10].ID})
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
