package model

import (
	"fmt"
	"testing"
	"time"
)

// diffBenchModel builds a model of n threats with two mitigations each,
// directly (the mutators would validate each against the whole model).
func diffBenchModel(n int) *Model {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	m, _ := New("Large platform", "Security", now)
	for i := 1; i <= 200; i++ {
		m.Assets = append(m.Assets, Asset{ID: FormatID(PrefixAsset, i), Name: fmt.Sprintf("Asset %d", i), Sensitivity: Confidential})
	}
	for i := 1; i <= n; i++ {
		t := Threat{ID: FormatID(PrefixThreat, i), Title: fmt.Sprintf("Credential stuffing against endpoint %d", i),
			Description: "Attackers replay leaked username and password pairs against the login endpoint.",
			Category:    StrideCategories[i%6], Assets: []string{FormatID(PrefixAsset, i%200+1)}, Surface: []string{}, Actors: []string{}, OWASP: []string{"A07:2025"},
			Likelihood: i%5 + 1, Impact: (i/5)%5 + 1, Status: ThreatStatuses[i%len(ThreatStatuses)]}
		for j := range 2 {
			t.Mitigations = append(t.Mitigations, Mitigation{ID: FormatID(PrefixMitigation, 2*i+j), Description: "Rate-limit login attempts per account.", Status: MitigationPlanned})
		}
		m.Threats = append(m.Threats, t)
	}
	return m
}

// BenchmarkDiff compares two 10,000-threat models that differ in 1% of
// their threats (target: < 100 ms).
func BenchmarkDiff(b *testing.B) {
	a, c := diffBenchModel(10000), diffBenchModel(10000)
	for i := 0; i < len(c.Threats); i += 100 {
		c.Threats[i].Likelihood = c.Threats[i].Likelihood%5 + 1
	}
	b.ReportAllocs()
	for b.Loop() {
		if d := Diff(a, c); len(d.Changed) != 100 {
			b.Fatalf("%d changed", len(d.Changed))
		}
	}
}

func TestDiffEqualAndSummary(t *testing.T) {
	a := diffBenchModel(30)
	if d := Diff(a, a); !d.Equal() || !d.Related || d.Summary() != `No changes: "Large platform" and "Large platform" are the same model` {
		t.Errorf("%+v %s", d, d.Summary())
	}
	c := diffBenchModel(31)
	c.Overview.Created = c.Overview.Created.Add(time.Hour) // same title: still related
	d := Diff(a, c)
	if !d.Related || len(d.Added) != 3 || d.Summary() != "3 added, 0 removed, 0 changed (threats +1; mitigations +2)" {
		t.Errorf("%s", d.Summary())
	}
	c.Overview.Title = "Another"
	if d := Diff(a, c); d.Related || len(d.Removed) != 30+60+200 {
		t.Errorf("unrelated: %s", d.Summary())
	}
}
