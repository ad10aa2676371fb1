package model

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// variedModels builds many models from the example by taking parts away
// at random: threats lose their mitigations or reopen, reviews are undone,
// checklist items go unassessed, descriptions and report sections are
// cleared. Together they reach every rule of findings.
func variedModels(n int) []*Model {
	out := []*Model{Example(checkNow)}
	for seed := range n {
		r := rand.New(rand.NewPCG(uint64(seed), 12))
		m := Example(checkNow)
		chance := func() bool { return r.IntN(4) == 0 }
		for i := range m.Threats {
			if chance() {
				m.Threats[i].Mitigations = nil
			}
			if chance() {
				m.Threats[i].Status = StatusOpen
			}
			if chance() {
				m.Threats[i].Rationale = ""
			}
			if chance() {
				m.Threats[i].Likelihood, m.Threats[i].Impact = 1+r.IntN(5), 1+r.IntN(5)
			}
		}
		for i := range m.Stride {
			if chance() {
				m.Stride[i].Reviewed = false
			}
		}
		for i := range m.Checklists {
			if chance() {
				m.Checklists[i].State = NotAssessed
			}
		}
		for i := range m.Assets {
			if chance() {
				m.Assets[i].Description = ""
			}
		}
		if chance() {
			m.Surface = nil
		}
		if chance() {
			m.Overview.Scope = ""
		}
		for _, rs := range ReportSections {
			if chance() {
				m.Sections = rs.Set(m.Sections, "  ")
			}
		}
		out = append(out, m)
	}
	return out
}

// What is missing has one answer: Missing is the check with every
// requirement minus its risk bar, and nothing missing means every section
// is complete.
func TestMissingAgreesWithCheckAndCompletion(t *testing.T) {
	rules := map[string]bool{}
	for i, m := range variedModels(200) {
		gaps := m.Missing()
		var want []Finding
		for _, f := range Check(m, CheckOptions{FailOn: RiskLow, Require: Requirements}) {
			if f.Rule != RuleOpenRisk {
				want = append(want, f)
			}
		}
		if !slices.Equal(gaps, want) {
			t.Fatalf("model %d: Missing\n%v\nCheck\n%v", i, gaps, want)
		}
		complete := true
		for _, p := range m.Completion() {
			complete = complete && p.Complete()
		}
		if complete != (len(gaps) == 0) {
			t.Errorf("model %d: complete %v but %d gaps: %v", i, complete, len(gaps), gaps)
		}
		keys := map[string]bool{}
		for _, g := range gaps {
			rules[g.Rule] = true
			if keys[g.Key()] {
				t.Errorf("model %d: two gaps share the key %q", i, g.Key())
			}
			keys[g.Key()] = true
		}
		// An open threat with no mitigation is always missing, whatever
		// its risk.
		for _, th := range m.Threats {
			if th.IsOpen() && len(th.Mitigations) == 0 && !slices.ContainsFunc(gaps, func(g Gap) bool { return g.ID == th.ID && g.Rule == RuleUnmitigated }) {
				t.Errorf("model %d: %s is open with no mitigation but not missing", i, th.ID)
			}
		}
	}
	for _, r := range CheckRules() {
		// Missing has no clock, so an acceptance past its review-by date
		// is Check's alone (it always runs, with today's date).
		if r.ID != RuleOpenRisk && r.ID != RuleReviewOverdue && !rules[r.ID] {
			t.Errorf("no model reached rule %s", r.ID)
		}
	}
}
