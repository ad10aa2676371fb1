package model

// RiskBand is the coarse rating derived from a risk score.
type RiskBand string

// Risk bands, least to most severe.
const (
	RiskLow      RiskBand = "low"
	RiskMedium   RiskBand = "medium"
	RiskHigh     RiskBand = "high"
	RiskCritical RiskBand = "critical"
)

// RiskBands lists the bands in ascending order.
var RiskBands = []RiskBand{RiskLow, RiskMedium, RiskHigh, RiskCritical}

// Valid reports whether b is a known band.
func (b RiskBand) Valid() bool { return indexOf(RiskBands, b) >= 0 }

// Rank orders bands: low is 0, critical is 3, unknown is -1.
func (b RiskBand) Rank() int { return indexOf(RiskBands, b) }

// Label is the display name of the band.
func (b RiskBand) Label() string { return titleWord(string(b)) }

// ParseRiskBand accepts a band name case-insensitively.
func ParseRiskBand(s string) (RiskBand, bool) {
	b := RiskBand(normalizeWord(s))
	return b, b.Valid()
}

// Scale bounds for likelihood and impact.
const (
	MinRating = 1
	MaxRating = 5
)

// RiskScore is likelihood × impact on the 1–5 scales (1–25); out-of-range
// ratings are clamped so a damaged record still scores sensibly.
func RiskScore(likelihood, impact int) int {
	return clamp(likelihood) * clamp(impact)
}

// BandOf maps a score to its band: 1–4 low, 5–9 medium, 10–16 high, 17–25 critical.
func BandOf(score int) RiskBand {
	switch {
	case score >= 17:
		return RiskCritical
	case score >= 10:
		return RiskHigh
	case score >= 5:
		return RiskMedium
	}
	return RiskLow
}

// BandRatings returns a likelihood and impact whose score falls in band b,
// for importers that only know a severity.
func BandRatings(b RiskBand) (likelihood, impact int) {
	switch b {
	case RiskCritical:
		return 5, 4
	case RiskHigh:
		return 4, 3
	case RiskMedium:
		return 3, 2
	}
	return 2, 2
}

// Risk is the threat's score (1–25).
func (t Threat) Risk() int { return RiskScore(t.Likelihood, t.Impact) }

// Band is the threat's risk band.
func (t Threat) Band() RiskBand { return BandOf(t.Risk()) }

// IsOpen reports whether the threat still needs treatment.
func (t Threat) IsOpen() bool { return t.Status == StatusOpen || t.Status == "" }

func clamp(v int) int {
	return max(MinRating, min(MaxRating, v))
}
