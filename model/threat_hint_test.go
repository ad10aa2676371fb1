package model

import "testing"

func TestMitigatedOnPlans(t *testing.T) {
	mits := func(states ...MitigationStatus) []Mitigation {
		var out []Mitigation
		for _, s := range states {
			out = append(out, Mitigation{Description: "m", Status: s})
		}
		return out
	}
	tests := []struct {
		name   string
		status ThreatStatus
		mits   []Mitigation
		want   bool
	}{
		{"open with plans", StatusOpen, mits(MitigationPlanned), false},
		{"mitigated without mitigations", StatusMitigated, nil, false},
		{"mitigated on plans", StatusMitigated, mits(MitigationPlanned, MitigationPlanned), true},
		{"mitigated on work in progress", StatusMitigated, mits(MitigationPlanned, MitigationInProgress), true},
		{"mitigated, one implemented", StatusMitigated, mits(MitigationPlanned, MitigationImplemented), false},
		{"mitigated, one verified", StatusMitigated, mits(MitigationVerified), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := (Threat{Status: tt.status, Mitigations: tt.mits}).MitigatedOnPlans(); got != tt.want {
				t.Errorf("MitigatedOnPlans() = %v, want %v", got, tt.want)
			}
		})
	}
}
