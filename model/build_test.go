package model

import (
	"reflect"
	"slices"
	"testing"
)

// BuildOwnThreat builds in place exactly what BuildThreat returns, and
// BuildThreat leaves its caller's mitigations as they were.
func TestBuildOwnThreatIsBuildThreat(t *testing.T) {
	fresh := func() *Model {
		m, err := New("Build", "", ExampleDate)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	threats := []Threat{
		{Title: "  Spaced\ttitle ", Category: "spoofing", Mitigations: []Mitigation{{Description: "Rate\r\nlimit\u202e"}, {ID: "M-007", Description: "MFA", Status: MitigationImplemented}}},
		{ID: "T-041", Title: "Kept id", Category: Tampering, Treatment: TreatAccept, Rationale: "cheap", Mitigations: []Mitigation{}},
		{Title: "No title category", Category: "nonsense"},
		{Title: "", Category: Spoofing, Mitigations: []Mitigation{{Description: ""}}},
	}
	for i, th := range threats {
		before := slices.Clone(th.Mitigations)
		a, b := fresh(), fresh()
		want, wantErr := a.BuildThreat(th, ExampleDate)
		if !reflect.DeepEqual(th.Mitigations, before) {
			t.Errorf("threat %d: BuildThreat changed its caller's mitigations", i)
		}
		own := th
		own.Mitigations = slices.Clone(th.Mitigations)
		err := b.BuildOwnThreat(&own, ExampleDate)
		if (err == nil) != (wantErr == nil) || (err != nil && err.Error() != wantErr.Error()) {
			t.Fatalf("threat %d: BuildOwnThreat error %v, BuildThreat %v", i, err, wantErr)
		}
		if err == nil && !reflect.DeepEqual(own, want) {
			t.Errorf("threat %d: BuildOwnThreat built %+v, BuildThreat %+v", i, own, want)
		}
		if !reflect.DeepEqual(a.Seq, b.Seq) {
			t.Errorf("threat %d: the counters differ: %v, %v", i, b.Seq, a.Seq)
		}
	}
}
