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
	// RuleChecklistUnassessed is a testing or compliance item not assessed.
	RuleChecklistUnassessed = "checklist-unassessed"
	RuleOverviewIncomplete  = "overview-incomplete"
	// RuleSectionEmpty is a list section with no entries, or an entry
	// without a description.
	RuleSectionEmpty = "section-empty"
	// RuleReportSectionEmpty is Incident Response, Related Documentation or
	// References not written.
	RuleReportSectionEmpty = "report-section-empty"
)

// Requirements a check can add to the risk bar (--require).
const (
	RequireStride      = "stride"
	RequireOWASP       = "owasp"
	RequireControls    = "controls"
	RequireMitigations = "mitigations"
	// RequireContent asks for the written parts: the overview, at least one
	// asset, actor and surface element each with a description, and the
	// report's Incident Response, Related Documentation and References.
	RequireContent = "content"
)

// Requirements lists every requirement name, in the order findings are
// reported. With all of them, a check's findings beyond the risk bar are
// exactly Model.Missing.
var Requirements = []string{RequireStride, RequireOWASP, RequireControls, RequireMitigations, RequireContent, RequireDecisions}

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
		{RuleChecklistUnassessed, "ChecklistItemNotAssessed", "A testing & validation or compliance item has not been assessed.",
			"Assess the item on the Controls step: done, partial, gap, planned, future or not applicable."},
		{RuleOverviewIncomplete, "OverviewIncomplete", "The overview lacks a title, an owner, a summary or a scope.",
			"Fill in the overview on the Overview step."},
		{RuleSectionEmpty, "SectionIncomplete", "The model has no assets, actors or attack surface, or one of them has no description.",
			"Add the entries on their step and describe each one."},
		{RuleReportSectionEmpty, "ReportSectionNotWritten", "Incident Response, Related Documentation or References has not been written.",
			"Write the section on the Review step (w)."},
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
// in walk order (overview … STRIDE, threats, OWASP, checklists, report
// sections). It is a function rather than a method because Model.Check
// looks up a checklist item.
func Check(m *Model, o CheckOptions) []Finding {
	failOn := o.FailOn
	if !failOn.Valid() {
		failOn = RiskHigh
	}
	return findings(m, o, failOn)
}

// findings is the one answer to "what is missing": Check (with a risk
// bar), Model.Missing (every requirement, no bar) and so the Review step
// and the report's "Still Open" all read it. failOn "" means no risk bar;
// o.FailOn is not read (Check resolves its default first).
func findings(m *Model, o CheckOptions, failOn RiskBand) []Finding {
	need := func(r string) bool { return slices.Contains(o.Require, r) }
	var out []Finding
	add := func(f Finding) { out = append(out, f) }
	ms := &messages{}
	content := need(RequireContent)
	if content {
		ov := m.Overview
		var lack []string
		for _, f := range []struct{ v, name string }{{ov.Title, "a title"}, {ov.Owner, "an owner"}, {ov.Summary, "a summary"}, {ov.Scope, "a scope"}} {
			if strings.TrimSpace(f.v) == "" {
				lack = append(lack, f.name)
			}
		}
		if len(lack) > 0 {
			add(Finding{Rule: RuleOverviewIncomplete, Section: SecOverview, Kind: RecOverview, Message: "Overview needs " + joinAnd(lack)})
		}
		type entry struct{ id, name, desc string }
		lists := []struct {
			sec     Section
			kind    RecordKind
			noun    string
			empty   string
			entries func() []entry
		}{
			{SecAssets, RecAsset, "Asset", "No assets yet: what are we protecting?", func() []entry {
				e := make([]entry, len(m.Assets))
				for i, a := range m.Assets {
					e[i] = entry{a.ID, a.Name, a.Description}
				}
				return e
			}},
			{SecActors, RecActor, "Actor", "No threat actors yet: who might attack?", func() []entry {
				e := make([]entry, len(m.Actors))
				for i, a := range m.Actors {
					e[i] = entry{a.ID, a.Name, a.Description}
				}
				return e
			}},
			{SecSurface, RecSurface, "Surface element", "No attack surface yet: where could they get in?", func() []entry {
				e := make([]entry, len(m.Surface))
				for i, a := range m.Surface {
					e[i] = entry{a.ID, a.Name, a.Description}
				}
				return e
			}},
		}
		for _, l := range lists {
			es := l.entries()
			if len(es) == 0 {
				add(Finding{Rule: RuleSectionEmpty, Section: l.sec, Message: l.empty})
			}
			for _, e := range es {
				if strings.TrimSpace(e.desc) == "" {
					add(Finding{Rule: RuleSectionEmpty, Section: l.sec, Kind: l.kind, ID: e.id, Message: fmt.Sprintf("%s %s %q has no description", l.noun, e.id, e.name)})
				}
			}
		}
	}
	if need(RequireStride) {
		for _, c := range StrideCategories {
			if !m.StrideReviewFor(c).Reviewed {
				add(Finding{Rule: RuleStrideUnreviewed, Section: SecStride, Kind: RecStride, ID: string(c),
					Message: c.Label() + " has not been reviewed"})
			}
		}
	}
	for i := range m.Threats {
		t := &m.Threats[i]
		if !t.IsOpen() {
			continue
		}
		band := t.Band()
		if failOn != "" && band.Rank() >= failOn.Rank() {
			// "%s %q is open at %s risk (likelihood %d × impact %d = %d; the check fails at %s and above)"
			add(Finding{Rule: RuleOpenRisk, Section: SecThreats, Kind: RecThreat, ID: t.ID, Band: band,
				Message: ms.text(ms.start().s(t.ID).s(" ").q(t.Title).s(" is open at ").s(string(band)).s(" risk (likelihood ").d(t.Likelihood).
					s(" × impact ").d(t.Impact).s(" = ").d(t.Risk()).s("; the check fails at ").s(string(failOn)).s(" and above)"))})
		}
		if need(RequireMitigations) && len(t.Mitigations) == 0 {
			// "%s %q (%s risk) is open with no mitigation"
			add(Finding{Rule: RuleUnmitigated, Section: SecThreats, Kind: RecThreat, ID: t.ID, Band: band,
				Message: ms.text(ms.start().s(t.ID).s(" ").q(t.Title).s(" (").s(string(band)).s(" risk) is open with no mitigation"))})
		}
	}
	if need(RequireOWASP) {
		for _, c := range m.Checklist(ListOWASP) {
			if !c.State.Assessed() {
				add(Finding{Rule: RuleOWASPUnassessed, Section: SecOWASP, Kind: RecCheck, ID: c.ID,
					Message: c.ID + " " + c.Title + " has not been assessed"})
			}
		}
	}
	if need(RequireControls) {
		for _, l := range []ChecklistKind{ListControls, ListTesting, ListCompliance} {
			rule, what := RuleChecklistUnassessed, l.Label()+" item"
			if l == ListControls {
				rule, what = RuleControlUnassessed, "security control"
			}
			for _, c := range m.Checklist(l) {
				if !c.State.Assessed() {
					add(Finding{Rule: rule, Section: SecChecklists, Kind: RecCheck, ID: c.ID,
						Message: fmt.Sprintf("%s %q has not been assessed", what, c.Title)})
				}
			}
		}
	}
	if content {
		for _, rs := range ReportSections {
			if strings.TrimSpace(rs.Text(m.Sections)) == "" {
				add(Finding{Rule: RuleReportSectionEmpty, Section: SecReport, Kind: RecSections, ID: rs.Key,
					Message: rs.Title + " has not been written"})
			}
		}
	}
	return appendDecisionFindings(out, m, o, need, ms)
}

// joinAnd joins words as English: "a", "a and b", "a, b and c".
func joinAnd(ws []string) string {
	if len(ws) < 2 {
		return strings.Join(ws, "")
	}
	return strings.Join(ws[:len(ws)-1], ", ") + " and " + ws[len(ws)-1]
}
