package model

import (
	"fmt"
	"strings"
)

// Section is a part of a threat model, in the order a session walks them.
type Section int

// Sections of a model.
const (
	SecOverview Section = iota
	SecAssets
	SecActors
	SecSurface
	SecStride
	SecThreats
	SecOWASP
	SecChecklists
	// SecReport is the report's written sections: Incident Response,
	// Related Documentation and References.
	SecReport
)

// AllSections lists every section in walk order.
var AllSections = []Section{SecOverview, SecAssets, SecActors, SecSurface, SecStride, SecThreats, SecOWASP, SecChecklists, SecReport}

func (s Section) String() string {
	switch s {
	case SecOverview:
		return "Overview"
	case SecAssets:
		return "Assets"
	case SecActors:
		return "Actors"
	case SecSurface:
		return "Attack surface"
	case SecStride:
		return "STRIDE"
	case SecThreats:
		return "Threats"
	case SecOWASP:
		return "OWASP Top 10"
	case SecChecklists:
		return "Controls & checklists"
	case SecReport:
		return "Report sections"
	}
	return fmt.Sprintf("Section(%d)", int(s))
}

// Progress is how far one section has got: Done of Total parts.
type Progress struct {
	Section Section
	Done    int
	Total   int
}

// Percent is the completion in whole percent (0 when there is nothing yet).
func (p Progress) Percent() int {
	if p.Total == 0 {
		return 0
	}
	return p.Done * 100 / p.Total
}

// Complete reports whether every part is done.
func (p Progress) Complete() bool { return p.Total > 0 && p.Done == p.Total }

// Completion measures every section. A list section with no entries is 0 of
// 1: a model with no assets is not complete.
func (m *Model) Completion() []Progress {
	out := make([]Progress, 0, len(AllSections))
	for _, s := range AllSections {
		out = append(out, m.SectionProgress(s))
	}
	return out
}

// SectionProgress measures one section.
func (m *Model) SectionProgress(s Section) Progress {
	p := Progress{Section: s}
	count := func(n int, ok func(i int) bool) {
		if n == 0 {
			p.Total = 1
			return
		}
		p.Total = n
		for i := range n {
			if ok(i) {
				p.Done++
			}
		}
	}
	switch s {
	case SecOverview:
		o := m.Overview
		p.Total = 4
		for _, f := range []string{o.Title, o.Owner, o.Summary, o.Scope} {
			if f != "" {
				p.Done++
			}
		}
	case SecAssets:
		count(len(m.Assets), func(i int) bool { return m.Assets[i].Description != "" })
	case SecActors:
		count(len(m.Actors), func(i int) bool { return m.Actors[i].Description != "" })
	case SecSurface:
		count(len(m.Surface), func(i int) bool { return m.Surface[i].Description != "" })
	case SecStride:
		p.Total = len(StrideCategories)
		for _, c := range StrideCategories {
			if m.StrideReviewFor(c).Reviewed {
				p.Done++
			}
		}
	case SecThreats:
		count(len(m.Threats), func(i int) bool { return m.Threats[i].Treated() })
	case SecOWASP:
		items := m.Checklist(ListOWASP)
		count(len(items), func(i int) bool { return items[i].State.Assessed() })
	case SecChecklists:
		var items []CheckItem
		for _, l := range []ChecklistKind{ListControls, ListTesting, ListCompliance} {
			items = append(items, m.Checklist(l)...)
		}
		count(len(items), func(i int) bool { return items[i].State.Assessed() })
	case SecReport:
		p.Total = len(ReportSections)
		for _, rs := range ReportSections {
			if strings.TrimSpace(rs.Text(m.Sections)) != "" {
				p.Done++
			}
		}
	}
	return p
}

// progress measures one section from a tally, as SectionProgress does from
// the model: keep the two in step (TestTallyMatchesSummarize compares
// them, and TallyVersion must change with them).
func (t *Tally) progress(s Section) Progress {
	p := Progress{Section: s}
	count := func(c Count) {
		if c.N <= 0 {
			p.Total = 1
			return
		}
		p.Total, p.Done = c.N, c.Done
	}
	switch s {
	case SecOverview:
		p.Total, p.Done = 4, t.OverviewDone
	case SecAssets:
		count(t.Assets)
	case SecActors:
		count(t.Actors)
	case SecSurface:
		count(t.Surface)
	case SecStride:
		p.Total = len(StrideCategories)
		for _, c := range StrideCategories {
			if t.Stride[c].Done > 0 {
				p.Done++
			}
		}
	case SecThreats:
		count(t.Threats)
	case SecOWASP:
		e := t.Edition
		if !e.Valid() {
			e = OWASP2025
		}
		c := t.OWASP[string(e)]
		c.N += t.Unstored[string(e)]
		count(c)
	case SecChecklists:
		count(t.Checks)
	case SecReport:
		p.Total, p.Done = len(ReportSections), t.ReportDone
	}
	return p
}

// CountsToCompletion reports whether records of kind k can move the
// completion figures: SectionProgress reads the overview, assets, actors,
// surface, STRIDE reviews, threats, checklists and report sections, and
// nothing else (votes, poker rounds, session records, the parking lot,
// dismissals, extensions and id counters never count). A TUI uses it to
// keep its cached completion through a live session's other edits.
func (k RecordKind) CountsToCompletion() bool {
	switch k {
	case RecVote, RecPoker, RecSession, RecParking, RecDismissed, RecExtension, RecSeq:
		return false
	}
	return true
}

// Overall is the mean completion of all sections, in whole percent.
func (m *Model) Overall() int {
	sum := 0
	for _, p := range m.Completion() {
		sum += p.Percent()
	}
	return sum / len(AllSections)
}

// Treated reports whether a threat has been dealt with: it is no longer
// open, or it has at least one mitigation.
//
// It takes a pointer: a Threat is large, and copying each of 10,000 to
// ask two questions was most of the cost of the completion figure.
func (t *Threat) Treated() bool { return !t.IsOpen() || len(t.Mitigations) > 0 }

// Gap is one thing still missing from a model, with where to fix it: a
// check finding, so Review, the report and `check` speak of the same thing.
type Gap = Finding

// Key identifies a gap among a model's gaps, for remembering which one
// was selected: the record it points at and the rule, or for a gap about a
// section as a whole, its message. It stays the same while the gap stays
// open.
func (f Finding) Key() string {
	if f.ID != "" {
		return f.Section.String() + "/" + string(f.Kind) + "/" + f.ID + "/" + f.Rule
	}
	return f.Section.String() + "/" + string(f.Kind) + "//" + f.Message
}

// Missing lists what a model still lacks, in walk order: the findings of
// every requirement (see Requirements) without a risk bar. The Review
// step, the report's "Still Open" and `check --require` all come from
// here; an empty list means every section is 100% complete.
func (m *Model) Missing() []Gap { return findings(m, CheckOptions{Require: Requirements}, "") }

// ReportSection describes one of the report's written sections.
type ReportSection struct {
	// Key is the section's field name in the JSON form and its gap id.
	Key   string
	Title string
	// Hint says what belongs in it.
	Hint string
}

// ReportSections lists the written sections in report order.
var ReportSections = []ReportSection{
	{"incident_response", "Incident Response", "Who is called, how a breach is contained, who is told and when"},
	{"related_docs", "Related Documentation", "Links to architecture, runbooks and policies"},
	{"references", "References", "Standards and guides this model follows"},
}

// Text is the section's text in s.
func (rs ReportSection) Text(s Sections) string {
	switch rs.Key {
	case "incident_response":
		return s.IncidentResponse
	case "related_docs":
		return s.RelatedDocs
	case "references":
		return s.References
	}
	return ""
}

// Set returns s with the section's text replaced by text.
func (rs ReportSection) Set(s Sections, text string) Sections {
	switch rs.Key {
	case "incident_response":
		s.IncidentResponse = text
	case "related_docs":
		s.RelatedDocs = text
	case "references":
		s.References = text
	}
	return s
}
