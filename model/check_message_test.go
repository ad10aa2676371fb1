package model

import (
	"fmt"
	"testing"
)

// The threat findings' messages, built with strconv's appends, are what
// fmt.Sprintf writes with their formats, whatever the title holds.
func TestThreatFindingMessagesAreTheirFormats(t *testing.T) {
	titles := []string{"plain", `He said "hi" \ left`, "tab\tand\nnewline", "é ünïcode ✓", "\x1b[31mred", "bad \xff utf-8", ""}
	m := &Model{}
	for i, title := range titles {
		id := FormatID(PrefixThreat, 3*i+1)
		m.Threats = append(m.Threats,
			Threat{ID: id, Title: title, Category: Spoofing, Likelihood: 4, Impact: 5},
			Threat{ID: FormatID(PrefixThreat, 3*i+2), Title: title, Category: Tampering, Likelihood: 2, Impact: 3, Status: StatusAccepted, ReviewBy: "2025-01-01"},
			Threat{ID: FormatID(PrefixThreat, 3*i+3), Title: title, Category: Repudiation, Likelihood: 1, Impact: 1, Status: StatusTransferred, Rationale: "insured"})
	}
	byID := map[string]*Threat{}
	for i := range m.Threats {
		byID[m.Threats[i].ID] = &m.Threats[i]
	}
	want := func(f Finding) string {
		th := byID[f.ID]
		switch f.Rule {
		case RuleOpenRisk:
			return fmt.Sprintf("%s %q is open at %s risk (likelihood %d × impact %d = %d; the check fails at %s and above)", th.ID, th.Title, th.Band(), th.Likelihood, th.Impact, th.Risk(), RiskLow)
		case RuleUnmitigated:
			return fmt.Sprintf("%s %q (%s risk) is open with no mitigation", th.ID, th.Title, th.Band())
		case RuleDecisionUndocumented:
			missing := "a rationale and a decider"
			if th.Rationale != "" {
				missing = "a decider"
			}
			return fmt.Sprintf("%s %q is treated %s with no record of %s", th.ID, th.Title, th.Decision(), missing)
		case RuleReviewOverdue:
			return fmt.Sprintf("%s %q was accepted until %s and has not been reviewed since", th.ID, th.Title, th.ReviewBy)
		}
		return ""
	}
	seen := map[string]int{}
	for _, f := range Check(m, CheckOptions{FailOn: RiskLow, Require: Requirements, Now: checkNow}) {
		if f.Kind != RecThreat {
			continue
		}
		seen[f.Rule]++
		if w := want(f); f.Message != w {
			t.Errorf("%s %s: message %q, want %q", f.Rule, f.ID, f.Message, w)
		}
	}
	for _, rule := range []string{RuleOpenRisk, RuleUnmitigated, RuleDecisionUndocumented, RuleReviewOverdue} {
		if seen[rule] < len(titles) {
			t.Errorf("%d %s findings, want at least %d", seen[rule], rule, len(titles))
		}
	}
}
