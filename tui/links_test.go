package tui

import (
	"testing"

	"github.com/threatdeck/threatdeck/model"
)

// TestLinkIndexMatchesLinkedThreats checks the per-revision link index
// says what a fresh pass over the threats says, for every asset (linked
// by none, one, several or more than are named, twice by one threat),
// and that it follows a change of revision.
func TestLinkIndexMatchesLinkedThreats(t *testing.T) {
	m := &model.Model{}
	for i := range 5 {
		m.Assets = append(m.Assets, model.Asset{ID: model.FormatID(model.PrefixAsset, i+1)})
	}
	for i := range 20 {
		th := model.Threat{ID: model.FormatID(model.PrefixThreat, i+1), Assets: []string{"A-001"}}
		if i < 3 {
			th.Assets = append(th.Assets, "A-002")
		}
		if i == 4 {
			th.Assets = append(th.Assets, "A-003", "A-003")
		}
		m.Threats = append(m.Threats, th)
	}
	field := func(t *model.Threat) []string { return t.Assets }
	s := &session{m: m}
	x := &linkIndex{field: field}
	check := func(when string) {
		t.Helper()
		for _, a := range append(m.Assets, model.Asset{ID: "A-404"}) {
			if got, want := x.text(s, a.ID), linkedThreats(m, a.ID, field); got != want {
				t.Errorf("%s: %s: index says %q, a pass says %q", when, a.ID, got, want)
			}
		}
	}
	check("first")
	if got := x.text(s, "A-001"); got != "T-001, T-002, T-003, T-004, T-005, T-006 and 14 more" {
		t.Errorf("A-001: %q", got)
	}
	m.Threats[0].Assets = []string{"A-005"}
	s.rev++
	check("after an edit")
	if got := x.text(s, "A-005"); got != "T-001" {
		t.Errorf("A-005 after the edit: %q", got)
	}
}
