package tui

import (
	"slices"
	"strings"
	"testing"

	"github.com/threatdeck/threatdeck/model"
)

// The Threats text filter finds words of the description and of the
// mitigations, typed with / on the real app.
func TestThreatSearchCoversDescriptionsAndMitigations(t *testing.T) {
	build := func(t *testing.T) *model.Model {
		m := fixtureModel(t)
		for _, th := range []model.Threat{
			{Title: "Webhook replay", Category: model.Tampering, Description: "Signed partner calls are REPLAYED to pay refunds twice."},
			{Title: "Card testing", Category: model.Spoofing, Mitigations: []model.Mitigation{{Description: "Rate limit card checks per device"}}},
			{Title: "Log leak", Category: model.InformationDisclosure, Description: "Tokens in logs"},
		} {
			if _, err := m.PutThreat(th, coreNow); err != nil {
				t.Fatal(err)
			}
		}
		return m
	}
	tests := []struct {
		query string
		want  []string
		not   []string
	}{
		{"refunds twice", []string{"Webhook replay"}, []string{"Card testing", "Log leak"}},
		{"per device", []string{"Card testing"}, []string{"Webhook replay", "Log leak"}},
		{"t-003", []string{"Log leak"}, []string{"Webhook replay", "Card testing"}},
		// Fields are searched one by one: no match across their seam.
		{"replay signed", nil, []string{"Webhook replay", "Card testing", "Log leak"}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			h := newHarness(t, []int{100, 30}, nil)
			h.seed(build(t))
			h.goTo(StepThreats)
			h.press("/")
			h.typeText(tt.query)
			h.wantScreen(tt.want...)
			h.dontWantScreen(tt.not...)
		})
	}
}

// Typing on narrows the visible threats without a full scan; whatever
// path it takes, the result is what a fresh index computes.
func TestThreatIndexNarrowingMatchesAFreshIndex(t *testing.T) {
	m := fixtureModel(t)
	words := []string{"alpha beta", "beta gamma", "gamma alpha", "delta"}
	for i := range 40 {
		th := model.Threat{Title: "Threat " + itoa(i), Category: model.StrideCategories[i%6], Status: model.ThreatStatuses[i%len(model.ThreatStatuses)],
			Description: words[i%4], Mitigations: []model.Mitigation{{Description: words[(i/4)%4]}}}
		if _, err := m.PutThreat(th, coreNow); err != nil {
			t.Fatal(err)
		}
	}
	x := newThreatIndex()
	steps := []threatFilter{
		{text: "a"}, {text: "al"}, {text: "alpha"}, {text: "alpha b"}, {text: "alpha"},
		{text: "alpha", status: model.StatusOpen}, {text: "alpha be", status: model.StatusOpen},
		{text: "gam"}, {text: "gamma a"}, {text: ""}, {text: "DELTA"},
	}
	for _, f := range steps {
		x.setFilter(f)
		x.ensure(m)
		fresh := newThreatIndex()
		fresh.setFilter(f)
		fresh.ensure(m)
		if !slices.Equal(x.visible, fresh.visible) {
			t.Fatalf("filter %+v: visible %v, fresh index %v", f, x.visible, fresh.visible)
		}
	}
}

// appendLower agrees with strings.ToLower on ASCII, mixed and non-ASCII
// text of every length around its eight-byte steps.
func TestAppendLower(t *testing.T) {
	inputs := []string{"", "A", "Z@[`az{", "Hello, World! 0123456789 ABCDEFGHIJKLMNOPQRSTUVWXYZ", "Ärger ÜBER Öl", "MIXED ascii THEN Ünicode TAIL", "@[`{AZaz\x7f\x00"}
	for _, in := range inputs {
		for n := 0; n <= len(in); n++ {
			s := in[:n]
			if got, want := string(appendLower([]byte("pre"), s)), "pre"+strings.ToLower(s); got != want {
				t.Errorf("appendLower(%q) = %q, want %q", s, got, want)
			}
		}
	}
}

// One scan of the whole text marks exactly the threats a search per
// threat finds, with hits at the edges of each threat's text and queries
// that would only match across two threats.
func TestTextIndexMatches(t *testing.T) {
	ts := []model.Threat{
		{ID: "T-001", Title: "ab"},
		{ID: "T-002", Title: "ba", Description: "abab"},
		{ID: "T-003", Title: "", Mitigations: []model.Mitigation{{Description: "x"}, {Description: "AB"}}},
		{ID: "T-004", Title: "b"},
	}
	ti := lowerTitles(ts)
	for _, q := range []string{"a", "b", "ab", "ba", "bt-", "abt-002", "t-00", "t-004 b", "x", "xab", "abab", "zz", "b\x00t"} {
		hits := ti.matches(q, nil)
		for i := range ts {
			if want := strings.Contains(ti.at(i), q) && !strings.Contains(q, "\x00"); hits[i] != want {
				t.Errorf("%q in %s (%q): %v, want %v", q, ts[i].ID, ti.at(i), hits[i], want)
			}
		}
	}
}
