package model

// Check rules about decisions.
const (
	// RuleDecisionUndocumented: an accepted, transferred or avoided threat
	// lacks a rationale or a decider (with --require decisions).
	RuleDecisionUndocumented = "decision-undocumented"
	// RuleReviewOverdue: an acceptance is past its review-by date. It
	// always applies: an acceptance nobody looked at again is not one.
	RuleReviewOverdue = "acceptance-review-overdue"
)

// RequireDecisions asks that every accepted, transferred or avoided threat
// has a rationale and a decider.
const RequireDecisions = "decisions"

// decisionRules describes the decision rules, for help text and SARIF.
func decisionRules() []CheckRule {
	return []CheckRule{
		{RuleDecisionUndocumented, "DecisionWithoutRationale", "An accepted, transferred or avoided threat has no rationale or no decider.",
			"Open the threat and record why the risk is accepted, transferred or avoided, and who decided."},
		{RuleReviewOverdue, "AcceptancePastReviewDate", "An accepted threat is past its review-by date.",
			"Review the acceptance: renew it with a new review-by date, or change the treatment."},
	}
}

// appendDecisionFindings appends to out the findings of the threats'
// decisions: the review-by rule always (when o.Now is set), the
// documentation rule when required. Their texts come from ms.
func appendDecisionFindings(out []Finding, m *Model, o CheckOptions, need func(string) bool, ms *messages) []Finding {
	today := Date("")
	if !o.Now.IsZero() {
		today = DateOf(o.Now)
	}
	for i := range m.Threats {
		t := &m.Threats[i]
		d := t.Decision()
		if need(RequireDecisions) && d.NeedsRationale() {
			var missing string
			switch {
			case t.Rationale == "" && t.DecidedBy == "":
				missing = "a rationale and a decider"
			case t.Rationale == "":
				missing = "a rationale"
			case t.DecidedBy == "":
				missing = "a decider"
			}
			if missing != "" {
				out = append(out, Finding{Rule: RuleDecisionUndocumented, Section: SecThreats, Kind: RecThreat, ID: t.ID, Band: t.Band(),
					// "%s %q is treated %s with no record of %s"
					Message: ms.text(ms.start().s(t.ID).s(" ").q(t.Title).s(" is treated ").s(string(d)).s(" with no record of ").s(missing))})
			}
		}
		if today != "" && t.ReviewOverdue(today) {
			out = append(out, Finding{Rule: RuleReviewOverdue, Section: SecThreats, Kind: RecThreat, ID: t.ID, Band: t.Band(),
				// "%s %q was accepted until %s and has not been reviewed since"
				Message: ms.text(ms.start().s(t.ID).s(" ").q(t.Title).s(" was accepted until ").s(string(t.ReviewBy)).s(" and has not been reviewed since"))})
		}
	}
	return out
}
