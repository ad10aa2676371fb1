package tui

import (
	"slices"
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

// An index told which threats changed moves just their rows, and ends
// exactly where a rebuild from scratch would: in every order, reversed or
// not, with and without filters, for edits that move a row, keep it, or
// take it in or out of the filter.
func TestThreatIndexTouchMatchesRebuild(t *testing.T) {
	newModel := func() *model.Model {
		m := &model.Model{}
		for i := range 60 {
			m.Threats = append(m.Threats, model.Threat{ID: model.FormatID(model.PrefixThreat, i+1),
				Title:    []string{"Replay", "tampering", "Spoofed login", "replay of tokens"}[i%4] + " " + itoa(i%7),
				Category: model.StrideCategories[i%6], Likelihood: i%5 + 1, Impact: (i/5)%5 + 1, Status: model.StatusOpen})
		}
		return m
	}
	edits := []struct {
		name string
		do   func(*model.Threat)
	}{
		{"risk up", func(t *model.Threat) { t.Likelihood, t.Impact = 5, 5 }},
		{"risk down", func(t *model.Threat) { t.Likelihood, t.Impact = 1, 1 }},
		{"same keys", func(t *model.Threat) { t.Description = "more words" }},
		{"renamed", func(t *model.Threat) { t.Title = "Aardvark REPLAY" }},
		{"renamed last", func(t *model.Threat) { t.Title = "zz top" }},
		{"recategorised", func(t *model.Threat) { t.Category = model.StrideCategories[0] }},
		{"mitigated", func(t *model.Threat) { t.Status = model.StatusMitigated }},
	}
	filters := []threatFilter{{}, {text: "replay"}, {category: model.StrideCategories[0]}, {status: model.StatusOpen},
		{status: model.StatusMitigated}, {category: model.StrideCategories[0], status: model.StatusOpen}, {text: "replay", status: model.StatusOpen}}
	for _, e := range edits {
		for _, f := range filters {
			for _, srt := range threatSorts {
				for _, rev := range []bool{false, true} {
					m := newModel()
					x := newThreatIndex()
					x.setFilter(f)
					// Compute every order once, as a user trying the sorts would.
					for _, s := range threatSorts {
						x.setSort(s, rev)
						x.ensure(m)
					}
					x.setSort(srt, rev)
					x.ensure(m)
					var ids []string
					for _, i := range []int{3, 17, 41} {
						e.do(&m.Threats[i])
						ids = append(ids, m.Threats[i].ID)
					}
					x.touch(ids)
					x.ensure(m)
					fresh := newThreatIndex()
					fresh.setFilter(f)
					for _, s := range threatSorts {
						fresh.setSort(s, rev)
						fresh.ensure(m)
						x.setSort(s, rev)
						x.ensure(m)
						if !slices.Equal(x.visible, fresh.visible) {
							t.Fatalf("%s, filter %+v, sort %v reverse %v: touched %v, rebuilt %v", e.name, f, s, rev, x.visible, fresh.visible)
						}
					}
				}
			}
		}
	}
}

// A touched threat that is gone (deleted, another added: same count)
// makes the index rebuild rather than point at shifted rows.
func TestThreatIndexTouchOfDeletedThreatRebuilds(t *testing.T) {
	m := &model.Model{Threats: []model.Threat{{ID: "T-001", Title: "b"}, {ID: "T-002", Title: "a", Likelihood: 5, Impact: 5}, {ID: "T-003", Title: "c"}}}
	x := newThreatIndex()
	x.ensure(m)
	m.Threats = append(m.Threats[:1], m.Threats[2], model.Threat{ID: "T-004", Title: "d", Likelihood: 4, Impact: 4})
	x.touch([]string{"T-002", "T-004"})
	x.ensure(m)
	if want := []int{2, 0, 1}; !slices.Equal(x.visible, want) {
		t.Errorf("visible %v, want %v", x.visible, want)
	}
}

// The session tells a page which threats changed since a revision only
// when it knows: live edits are described by their records, anything else
// (a local edit, an undo) and a revision not moved mean "rebuild".
func TestSessionThreatsChangedSince(t *testing.T) {
	s := &session{}
	put := func(kind model.RecordKind, id string) model.Edit {
		return model.Edit{Records: []model.Record{{Kind: kind, ID: id}}}
	}
	if _, ok := s.threatsChangedSince(0); ok {
		t.Error("no change recorded, yet the log claims to know")
	}
	s.changedBy(put(model.RecThreat, "T-001"))
	s.changedBy(put(model.RecSession, "S-1"))
	s.changedBy(put(model.RecThreat, "T-009"))
	if ids, ok := s.threatsChangedSince(0); !ok || !slices.Equal(ids, []string{"T-001", "T-009"}) {
		t.Errorf("since 0: %v %v", ids, ok)
	}
	if ids, ok := s.threatsChangedSince(2); !ok || !slices.Equal(ids, []string{"T-009"}) {
		t.Errorf("since 2: %v %v", ids, ok)
	}
	if _, ok := s.threatsChangedSince(3); ok {
		t.Error("asked at the current revision, the log claims to know")
	}
	if ids, other := s.progressChangedSince(1); other || !slices.Equal(ids, []string{"T-009"}) {
		t.Errorf("completion since 1: threats %v, other %v", ids, other)
	}
	s.changedBy(put(model.RecAsset, "A-001"))
	if _, other := s.progressChangedSince(3); !other {
		t.Error("an asset edit must count to completion")
	}
	s.changedBy(put(model.RecSession, "S-1"))
	if _, other := s.progressChangedSince(4); other {
		t.Error("a session record moved the completion figures")
	}
	s.changed()
	if _, ok := s.threatsChangedSince(4); ok {
		t.Error("a change of unknown extent was described")
	}
	for range maxRevLog {
		s.changedBy(put(model.RecThreat, "T-002"))
	}
	if _, ok := s.threatsChangedSince(5); ok {
		t.Error("the log no longer reaches back, yet claims to know")
	}
}

// Completion is kept through live edits it does not count (the session
// record a facilitator writes every minute, votes), updated for edited
// threats, and always equals the figures measured from scratch.
func TestCompletionFollowsLiveEdits(t *testing.T) {
	m := &model.Model{Threats: []model.Threat{{ID: "T-001", Status: model.StatusOpen}, {ID: "T-002", Status: model.StatusOpen}, {ID: "T-003", Status: model.StatusMitigated}}}
	s := &session{m: m}
	check := func(when string) {
		t.Helper()
		if got, want := s.completion(), m.Completion(); !slices.Equal(got, want) {
			t.Errorf("%s: completion %v, measured %v", when, got, want)
		}
	}
	check("first")
	before := s.completion()
	s.changedBy(model.Edit{Records: []model.Record{{Kind: model.RecVote, ID: "T-001/ann"}}})
	if got := s.completion(); &got[0] != &before[0] {
		t.Error("a vote recomputed the completion")
	}
	steps := []struct {
		name string
		do   func()
		ids  []string
	}{
		{"mitigated", func() { m.Threats[0].Status = model.StatusMitigated }, []string{"T-001"}},
		{"a mitigation", func() { m.Threats[1].Mitigations = []model.Mitigation{{ID: "M-1"}} }, []string{"T-002"}},
		{"reopened twice over", func() { m.Threats[0].Status = model.StatusOpen; m.Threats[2].Status = model.StatusOpen }, []string{"T-001", "T-003", "T-001"}},
		{"deleted", func() { m.Threats = m.Threats[:2] }, []string{"T-003"}},
	}
	for _, st := range steps {
		st.do()
		var recs []model.Record
		for _, id := range st.ids {
			recs = append(recs, model.Record{Kind: model.RecThreat, ID: id})
		}
		s.changedBy(model.Edit{Records: recs})
		check(st.name)
	}
}

// The category and status filters, read from the index's compact keys,
// keep exactly the threats whose own fields pass, an empty status
// counting as open.
func TestThreatIndexFilterKeys(t *testing.T) {
	m := &model.Model{}
	statuses := append([]model.ThreatStatus{""}, model.ThreatStatuses...)
	cats := append([]model.Stride{"custom"}, model.StrideCategories...)
	for i := range 90 {
		m.Threats = append(m.Threats, model.Threat{ID: model.FormatID(model.PrefixThreat, i+1), Title: "T",
			Category: cats[i%len(cats)], Status: statuses[(i/3)%len(statuses)], Likelihood: i%5 + 1, Impact: 2})
	}
	for _, c := range append(cats, "", "absent") {
		for _, st := range append(statuses, "absent") {
			f := threatFilter{category: c, status: st}
			x := newThreatIndex()
			x.setSort(sortID, false)
			x.setFilter(f)
			x.ensure(m)
			var want []int
			for i := range m.Threats {
				th := &m.Threats[i]
				if (c == "" || th.Category == c) && (st == "" || th.Status == st || st == model.StatusOpen && th.IsOpen()) {
					want = append(want, i)
				}
			}
			if !slices.Equal(x.visible, want) {
				t.Fatalf("filter %+v: %v, want %v", f, x.visible, want)
			}
		}
	}
}
