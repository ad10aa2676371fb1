package model

import "fmt"

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
)

// AllSections lists every section in walk order.
var AllSections = []Section{SecOverview, SecAssets, SecActors, SecSurface, SecStride, SecThreats, SecOWASP, SecChecklists}

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
	}
	return p
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
func (t Threat) Treated() bool { return !t.IsOpen() || len(t.Mitigations) > 0 }

// Gap is one thing still missing from a model, with where to fix it.
type Gap struct {
	Section Section
	// Kind and ID point at the record to open (empty for a section as a whole).
	Kind    RecordKind
	ID      string
	Message string
}

// Key identifies a gap among a model's gaps, for remembering which one
// was selected: the record it points at, or for a gap about a section as a
// whole, its message. It stays the same while the gap stays open.
func (g Gap) Key() string {
	if g.ID != "" {
		return g.Section.String() + "/" + string(g.Kind) + "/" + g.ID
	}
	return g.Section.String() + "/" + string(g.Kind) + "//" + g.Message
}

// Missing lists what a model still lacks, in walk order: empty sections,
// unreviewed STRIDE categories, open high or critical threats without a
// mitigation, unassessed OWASP items and unassessed checklist items.
func (m *Model) Missing() []Gap {
	var gaps []Gap
	o := m.Overview
	if o.Owner == "" || o.Summary == "" || o.Scope == "" {
		gaps = append(gaps, Gap{Section: SecOverview, Kind: RecOverview, Message: "Overview needs an owner, a summary and a scope"})
	}
	for _, e := range []struct {
		sec  Section
		n    int
		what string
	}{{SecAssets, len(m.Assets), "No assets yet: what are we protecting?"}, {SecActors, len(m.Actors), "No threat actors yet: who might attack?"}, {SecSurface, len(m.Surface), "No attack surface yet: where could they get in?"}} {
		if e.n == 0 {
			gaps = append(gaps, Gap{Section: e.sec, Message: e.what})
		}
	}
	for _, c := range StrideCategories {
		if !m.StrideReviewFor(c).Reviewed {
			gaps = append(gaps, Gap{Section: SecStride, Kind: RecStride, ID: string(c), Message: c.Label() + " not reviewed"})
		}
	}
	for _, t := range m.Threats {
		if t.IsOpen() && len(t.Mitigations) == 0 && t.Band().Rank() >= RiskHigh.Rank() {
			gaps = append(gaps, Gap{Section: SecThreats, Kind: RecThreat, ID: t.ID, Message: fmt.Sprintf("%s %s (%s risk) is open with no mitigation", t.ID, t.Title, t.Band())})
		}
	}
	for _, c := range m.Checklist(ListOWASP) {
		if !c.State.Assessed() {
			gaps = append(gaps, Gap{Section: SecOWASP, Kind: RecCheck, ID: c.ID, Message: c.ID + " " + c.Title + " not assessed"})
		}
	}
	for _, l := range []ChecklistKind{ListControls, ListTesting, ListCompliance} {
		for _, c := range m.Checklist(l) {
			if !c.State.Assessed() {
				gaps = append(gaps, Gap{Section: SecChecklists, Kind: RecCheck, ID: c.ID, Message: l.Label() + ": " + c.Title + " not assessed"})
			}
		}
	}
	return gaps
}
