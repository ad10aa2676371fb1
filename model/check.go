package model

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Check rules: what `threatdeck check` can fail a model for. The ids are
// stable (CI configurations and SARIF results refer to them).
const (
	RuleOpenRisk          = "open-risk"
	RuleUnmitigated       = "threat-unmitigated"
	RuleStrideUnreviewed  = "stride-unreviewed"
	RuleOWASPUnassessed   = "owasp-unassessed"
	RuleControlUnassessed = "control-unassessed"
)

// Requirements a check can add to the risk bar (--require).
const (
	RequireStride      = "stride"
	RequireOWASP       = "owasp"
	RequireControls    = "controls"
	RequireMitigations = "mitigations"
)

// Requirements lists every requirement name in the order findings are reported.
var Requirements = []string{RequireStride, RequireOWASP, RequireControls, RequireMitigations, RequireDecisions}

// CheckRule describes one rule, for help text and SARIF.
type CheckRule struct {
	ID          string
	Name        string
	Description string
	// Help says how to make the finding go away.
	Help string
}

// CheckRules lists every rule.
func CheckRules() []CheckRule {
	return append([]CheckRule{
		{RuleOpenRisk, "OpenThreatAtRisk", "An open threat is at or above the risk band the check fails on.",
			"Mitigate the threat (add mitigations and mark it mitigated), or record a decision: accepted, transferred or not applicable."},
		{RuleUnmitigated, "OpenThreatWithoutMitigation", "An open threat has no mitigation planned.",
			"Add at least one mitigation to the threat, or change its status if it is accepted, transferred or not applicable."},
		{RuleStrideUnreviewed, "StrideCategoryNotReviewed", "A STRIDE category has not been reviewed.",
			"Review the category on the STRIDE step and mark it reviewed; \"considered: none apply because …\" is a valid outcome."},
		{RuleOWASPUnassessed, "OWASPItemNotAssessed", "An OWASP Top 10 item of the model's edition has not been assessed.",
			"Assess the item on the OWASP step: done, partial, gap, planned, future or not applicable."},
		{RuleControlUnassessed, "SecurityControlNotAssessed", "A security control has not been assessed.",
			"Assess the control on the Controls step: done, partial, gap, planned, future or not applicable."},
	}, decisionRules()...)
}

// CheckOptions sets the bar a model must meet.
type CheckOptions struct {
	// FailOn is the lowest risk band at which an open threat fails the
	// check; empty means high.
	FailOn RiskBand
	// Require adds requirements (see Requirements).
	Require []string
	// Now is when the check runs, for dates (an acceptance past its
	// review-by date fails); zero skips the date rules.
	Now time.Time
}

// Validate reports an unknown band or requirement.
func (o CheckOptions) Validate() error {
	if o.FailOn != "" && !o.FailOn.Valid() {
		return fmt.Errorf("unknown risk band %q: use low, medium, high or critical", o.FailOn)
	}
	for _, r := range o.Require {
		if !slices.Contains(Requirements, r) {
			return fmt.Errorf("unknown requirement %q: use %s", r, strings.Join(Requirements, ", "))
		}
	}
	return nil
}

// ParseRequire reads --require values, each possibly a comma-separated
// list ("stride,owasp"), case-insensitively and without duplicates.
func ParseRequire(values []string) ([]string, error) {
	var out []string
	for _, v := range values {
		for _, r := range strings.Split(v, ",") {
			r = strings.ToLower(strings.TrimSpace(r))
			if r == "" || slices.Contains(out, r) {
				continue
			}
			if !slices.Contains(Requirements, r) {
				return nil, fmt.Errorf("unknown requirement %q: use %s", r, strings.Join(Requirements, ", "))
			}
			out = append(out, r)
		}
	}
	return out, nil
}

// Finding is one thing that fails a check, with where to fix it.
type Finding struct {
	Rule string
	// Section, Kind and ID point at the record to open, as Gap does.
	Section Section
	Kind    RecordKind
	ID      string
	Message string
	// Band is the threat's risk band, for threat findings.
	Band RiskBand
}

// Where says where to fix the finding: "Threats › T-003".
func (f Finding) Where() string {
	if f.ID == "" {
		return f.Section.String()
	}
	return f.Section.String() + " › " + f.ID
}

// Check evaluates m against the bar: open threats at or above FailOn, and
// each requirement asked for. No findings means it passes. Findings come
// in walk order (STRIDE, threats, OWASP, controls). It is a function
// rather than a method because Model.Check looks up a checklist item.
func Check(m *Model, o CheckOptions) []Finding {
	failOn := o.FailOn
	if !failOn.Valid() {
		failOn = RiskHigh
	}
	need := func(r string) bool { return slices.Contains(o.Require, r) }
	var out []Finding
	if need(RequireStride) {
		for _, c := range StrideCategories {
			if !m.StrideReviewFor(c).Reviewed {
				out = append(out, Finding{Rule: RuleStrideUnreviewed, Section: SecStride, Kind: RecStride, ID: string(c),
					Message: c.Label() + " has not been reviewed"})
			}
		}
	}
	for _, t := range m.Threats {
		if !t.IsOpen() {
			continue
		}
		band := t.Band()
		if band.Rank() >= failOn.Rank() {
			out = append(out, Finding{Rule: RuleOpenRisk, Section: SecThreats, Kind: RecThreat, ID: t.ID, Band: band,
				Message: fmt.Sprintf("%s %q is open at %s risk (likelihood %d × impact %d = %d; the check fails at %s and above)", t.ID, t.Title, band, t.Likelihood, t.Impact, t.Risk(), failOn)})
		}
		if need(RequireMitigations) && len(t.Mitigations) == 0 {
			out = append(out, Finding{Rule: RuleUnmitigated, Section: SecThreats, Kind: RecThreat, ID: t.ID, Band: band,
				Message: fmt.Sprintf("%s %q is open with no mitigation", t.ID, t.Title)})
		}
	}
	if need(RequireOWASP) {
		for _, c := range m.Checklist(ListOWASP) {
			if !c.State.Assessed() {
				out = append(out, Finding{Rule: RuleOWASPUnassessed, Section: SecOWASP, Kind: RecCheck, ID: c.ID,
					Message: c.ID + " " + c.Title + " has not been assessed"})
			}
		}
	}
	if need(RequireControls) {
		for _, c := range m.Checklist(ListControls) {
			if !c.State.Assessed() {
				out = append(out, Finding{Rule: RuleControlUnassessed, Section: SecChecklists, Kind: RecCheck, ID: c.ID,
					Message: fmt.Sprintf("security control %q has not been assessed", c.Title)})
			}
		}
	}
	return append(out, decisionFindings(m, o, need)...)
}
