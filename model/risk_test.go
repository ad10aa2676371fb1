package model

import "testing"

func TestRiskBands(t *testing.T) {
	tests := []struct {
		l, i  int
		score int
		band  RiskBand
	}{
		{1, 1, 1, RiskLow},
		{2, 2, 4, RiskLow},
		{1, 5, 5, RiskMedium},
		{3, 3, 9, RiskMedium},
		{2, 5, 10, RiskHigh},
		{4, 4, 16, RiskHigh},
		{5, 4, 20, RiskCritical},
		{5, 5, 25, RiskCritical},
		{0, 9, 5, RiskMedium}, // clamped to 1×5
	}
	for _, tt := range tests {
		if got := RiskScore(tt.l, tt.i); got != tt.score {
			t.Errorf("RiskScore(%d,%d) = %d, want %d", tt.l, tt.i, got, tt.score)
		}
		if got := BandOf(tt.score); got != tt.band {
			t.Errorf("BandOf(%d) = %s, want %s", tt.score, got, tt.band)
		}
	}
	for _, b := range RiskBands {
		l, i := BandRatings(b)
		if got := BandOf(RiskScore(l, i)); got != b {
			t.Errorf("BandRatings(%s) scores into %s", b, got)
		}
	}
}

func TestParse(t *testing.T) {
	for in, want := range map[string]Stride{"S": Spoofing, "denial of service": DenialOfService, "Information-Disclosure": InformationDisclosure, "e": ElevationOfPrivilege} {
		if got, ok := ParseStride(in); !ok || got != want {
			t.Errorf("ParseStride(%q) = %q, %v", in, got, ok)
		}
	}
	if _, ok := ParseStride("linddun"); ok {
		t.Error("ParseStride accepted a non-STRIDE word")
	}
	if b, ok := ParseRiskBand("Critical"); !ok || b != RiskCritical {
		t.Errorf("ParseRiskBand = %q %v", b, ok)
	}
}
