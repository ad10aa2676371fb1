package model

import (
	"strings"
	"testing"
)

func TestCompletionAndMissing(t *testing.T) {
	m := newTestModel(t)
	if got := m.SectionProgress(SecAssets); got.Complete() || got.Total != 1 {
		t.Errorf("empty assets progress %+v", got)
	}
	if got := m.SectionProgress(SecOverview); got.Done != 2 || got.Total != 4 {
		t.Errorf("overview progress %+v", got)
	}
	gaps := m.Missing()
	has := func(sec Section, id, text string) bool {
		for _, g := range gaps {
			if g.Section == sec && g.ID == id && strings.Contains(g.Message, text) {
				return true
			}
		}
		return false
	}
	if !has(SecStride, string(Spoofing), "Spoofing has not been reviewed") || !has(SecAssets, "", "No assets") {
		t.Errorf("missing list %+v", gaps)
	}

	must(t)(m.PutAsset(Asset{Name: "DB", Description: "customer records"}, t0))
	must(t)(m.PutThreat(Threat{Title: "Dump", Category: InformationDisclosure, Likelihood: 4, Impact: 5}, t0))
	must(t)(m.PutThreat(Threat{Title: "Minor", Category: Tampering, Likelihood: 1, Impact: 2}, t0))
	must(t)(m.PutStride(StrideReview{Category: Spoofing, Reviewed: true, Note: "considered: none apply because SSO only"}, t0))

	if got := m.SectionProgress(SecAssets); !got.Complete() {
		t.Errorf("assets progress %+v", got)
	}
	if got := m.SectionProgress(SecStride); got.Done != 1 || got.Total != 6 {
		t.Errorf("stride progress %+v", got)
	}
	if got := m.SectionProgress(SecThreats); got.Done != 0 || got.Total != 2 {
		t.Errorf("threats progress %+v", got)
	}
	gaps = m.Missing()
	if !has(SecThreats, "T-001", "critical") {
		t.Errorf("open critical threat without mitigation not reported: %+v", gaps)
	}
	// Every open threat needs a mitigation, whatever its risk, as
	// `check --require mitigations` says.
	if !has(SecThreats, "T-002", "low risk") {
		t.Errorf("a low threat without mitigation not reported: %+v", gaps)
	}
	if has(SecStride, string(Spoofing), "") {
		t.Error("reviewed category still reported")
	}
	th, _ := m.Threat("T-001")
	th.Status = StatusAccepted
	must(t)(m.PutThreat(th, t0))
	if got := m.SectionProgress(SecThreats); got.Done != 1 {
		t.Errorf("accepted threat not treated: %+v", got)
	}
	if o := m.Overall(); o <= 0 || o >= 100 {
		t.Errorf("overall %d", o)
	}
}

func TestSectionNames(t *testing.T) {
	for _, s := range AllSections {
		if strings.HasPrefix(s.String(), "Section(") {
			t.Errorf("section %d has no name", s)
		}
	}
}

// Every gap of a model has its own key, and a gap keeps its key while the
// model changes around it.
func TestGapKeysAreUniqueAndStable(t *testing.T) {
	m := Example(t0)
	m.Overview.Summary = ""
	for i := range m.Stride {
		m.Stride[i].Reviewed = false
	}
	for i := range m.Checklists {
		m.Checklists[i].State = ""
	}
	before := map[string]Gap{}
	for _, g := range m.Missing() {
		if prev, dup := before[g.Key()]; dup {
			t.Fatalf("two gaps share the key %q:\n%+v\n%+v", g.Key(), prev, g)
		}
		before[g.Key()] = g
	}
	if len(before) < 10 {
		t.Fatalf("only %d gaps; the test wants a model with many", len(before))
	}
	must(t)(m.PutAsset(Asset{Name: "Another store", Description: "more records"}, t0))
	for _, g := range m.Missing() {
		if old, ok := before[g.Key()]; ok && old != g {
			t.Errorf("key %q now names another gap:\n%+v\nwas\n%+v", g.Key(), g, old)
		}
	}
}
