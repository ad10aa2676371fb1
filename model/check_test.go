package model

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

var checkNow = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// checkModel has one open threat per band (with and without mitigation),
// a closed critical one, one reviewed STRIDE category, one assessed OWASP
// item and one assessed control.
func checkModel(t *testing.T) *Model {
	t.Helper()
	m, err := New("Gate", "", checkNow)
	if err != nil {
		t.Fatal(err)
	}
	put := func(ch Change, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, th := range []Threat{
		{Title: "low", Category: Spoofing, Likelihood: 1, Impact: 2},                                                            // T-001 low 2
		{Title: "medium", Category: Tampering, Likelihood: 3, Impact: 2, Mitigations: []Mitigation{{Description: "m"}}},         // T-002 medium 6
		{Title: "high", Category: Repudiation, Likelihood: 4, Impact: 3},                                                        // T-003 high 12
		{Title: "critical", Category: DenialOfService, Likelihood: 5, Impact: 5, Mitigations: []Mitigation{{Description: "m"}}}, // T-004 critical 25
		{Title: "closed", Category: ElevationOfPrivilege, Likelihood: 5, Impact: 5, Status: StatusAccepted},                     // T-005 not open
	} {
		put(m.PutThreat(th, checkNow))
	}
	put(m.PutStride(StrideReview{Category: Spoofing, Reviewed: true, Note: "considered"}, checkNow))
	owasp := m.Checklist(ListOWASP)[0]
	owasp.State = StateNA
	put(m.PutCheck(owasp, checkNow))
	if controls := m.Checklist(ListControls); len(controls) > 0 {
		c := controls[0]
		c.State = StateDone
		put(m.PutCheck(c, checkNow))
	}
	return m
}

func TestCheck(t *testing.T) {
	m := checkModel(t)
	owasp := len(m.Checklist(ListOWASP)) - 1
	controls := max(len(m.Checklist(ListControls))-1, 0)
	others := len(m.Checklist(ListTesting)) + len(m.Checklist(ListCompliance))
	tests := []struct {
		name string
		opts CheckOptions
		// want counts findings per rule; ids lists the threat findings.
		want map[string]int
		ids  []string
	}{
		{"default fails on high", CheckOptions{}, map[string]int{RuleOpenRisk: 2}, []string{"T-003", "T-004"}},
		{"critical", CheckOptions{FailOn: RiskCritical}, map[string]int{RuleOpenRisk: 1}, []string{"T-004"}},
		{"medium", CheckOptions{FailOn: RiskMedium}, map[string]int{RuleOpenRisk: 3}, []string{"T-002", "T-003", "T-004"}},
		{"low catches every open threat", CheckOptions{FailOn: RiskLow}, map[string]int{RuleOpenRisk: 4}, []string{"T-001", "T-002", "T-003", "T-004"}},
		{"mitigations", CheckOptions{FailOn: RiskCritical, Require: []string{RequireMitigations}},
			map[string]int{RuleOpenRisk: 1, RuleUnmitigated: 2}, []string{"T-001", "T-003", "T-004"}},
		{"stride", CheckOptions{FailOn: RiskCritical, Require: []string{RequireStride}},
			map[string]int{RuleOpenRisk: 1, RuleStrideUnreviewed: 5}, []string{"T-004"}},
		{"owasp", CheckOptions{FailOn: RiskCritical, Require: []string{RequireOWASP}},
			map[string]int{RuleOpenRisk: 1, RuleOWASPUnassessed: owasp}, []string{"T-004"}},
		{"controls", CheckOptions{FailOn: RiskCritical, Require: []string{RequireControls}},
			map[string]int{RuleOpenRisk: 1, RuleControlUnassessed: controls, RuleChecklistUnassessed: others}, []string{"T-004"}},
		{"content", CheckOptions{FailOn: RiskCritical, Require: []string{RequireContent}},
			map[string]int{RuleOpenRisk: 1, RuleOverviewIncomplete: 1, RuleSectionEmpty: 3, RuleReportSectionEmpty: 3}, []string{"T-004"}},
		{"everything", CheckOptions{FailOn: RiskLow, Require: Requirements},
			map[string]int{RuleOpenRisk: 4, RuleUnmitigated: 2, RuleStrideUnreviewed: 5, RuleOWASPUnassessed: owasp, RuleControlUnassessed: controls,
				RuleChecklistUnassessed: others, RuleOverviewIncomplete: 1, RuleSectionEmpty: 3, RuleReportSectionEmpty: 3, RuleDecisionUndocumented: 1},
			[]string{"T-001", "T-001", "T-002", "T-003", "T-003", "T-004", "T-005"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.opts.Validate(); err != nil {
				t.Fatal(err)
			}
			findings := Check(m, tc.opts)
			got := map[string]int{}
			var ids []string
			for _, f := range findings {
				got[f.Rule]++
				if f.Kind == RecThreat {
					ids = append(ids, f.ID)
					if th, _ := m.Threat(f.ID); f.Band != th.Band() || f.Section != SecThreats {
						t.Errorf("%s: band %s section %s", f.ID, f.Band, f.Section)
					}
				}
				if f.Message == "" || (f.ID == "" && f.Kind != "" && f.Kind != RecOverview) || !strings.Contains(f.Where(), f.ID) {
					t.Errorf("finding %+v does not say where to fix it", f)
				}
			}
			for rule, n := range tc.want {
				if n == 0 {
					delete(tc.want, rule)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) || !slices.Equal(ids, tc.ids) {
				t.Errorf("findings %v %v, want %v %v", got, ids, tc.want, tc.ids)
			}
		})
	}
}

func TestCheckPassesCompleteModel(t *testing.T) {
	m := Example(checkNow)
	if len(Check(m, CheckOptions{FailOn: RiskLow})) == 0 {
		t.Fatal("the example has open threats; the check should find them")
	}
	// Closing every threat passes even the strictest risk bar.
	for _, th := range m.Threats {
		th.Status = StatusMitigated
		if _, err := m.PutThreat(th, checkNow); err != nil {
			t.Fatal(err)
		}
	}
	if f := Check(m, CheckOptions{FailOn: RiskLow, Require: []string{RequireMitigations}}); len(f) != 0 {
		t.Errorf("closed model still fails: %+v", f)
	}
}

func TestCheckOptionsParsing(t *testing.T) {
	got, err := ParseRequire([]string{"STRIDE, owasp", "stride", "", "mitigations"})
	if err != nil || !slices.Equal(got, []string{"stride", "owasp", "mitigations"}) {
		t.Errorf("ParseRequire = %v, %v", got, err)
	}
	for _, bad := range [][]string{{"strid"}, {"stride,nope"}} {
		if _, err := ParseRequire(bad); err == nil || !strings.Contains(err.Error(), "use stride, owasp, controls, mitigations") {
			t.Errorf("ParseRequire(%q) = %v", bad, err)
		}
	}
	if err := (CheckOptions{FailOn: "severe"}).Validate(); err == nil {
		t.Error("unknown band accepted")
	}
	if err := (CheckOptions{Require: []string{"x"}}).Validate(); err == nil {
		t.Error("unknown requirement accepted")
	}
}

// BenchmarkCheck10k measures a check of a 10,000-threat model with every
// requirement on (target: under 100 ms).
func BenchmarkCheck10k(b *testing.B) {
	m := checkBenchModel(b, 10000)
	opts := CheckOptions{FailOn: RiskMedium, Require: Requirements}
	var n int
	for b.Loop() {
		n = len(Check(m, opts))
	}
	b.ReportMetric(float64(n), "findings")
}

func checkBenchModel(b *testing.B, threats int) *Model {
	b.Helper()
	m, err := New("Benchmark", "", checkNow)
	if err != nil {
		b.Fatal(err)
	}
	m.Threats = make([]Threat, 0, threats)
	for i := range threats {
		th := Threat{ID: FormatID(PrefixThreat, i+1), Title: fmt.Sprintf("Threat %d", i+1), Category: StrideCategories[i%6],
			Likelihood: 1 + i%5, Impact: 1 + (i/5)%5, Status: ThreatStatuses[i%len(ThreatStatuses)]}
		if i%3 == 0 {
			th.Mitigations = []Mitigation{{ID: FormatID(PrefixMitigation, i+1), Description: "m", Status: MitigationPlanned}}
		}
		m.Threats = append(m.Threats, th)
	}
	m.Normalize()
	return m
}
