package model

// RiskMap is the likelihood × impact grid of a model's open threats:
// Cells[l-1][i-1] holds the indexes (into Model.Threats, in model order)
// of the open threats rated likelihood l and impact i. Out-of-range
// ratings count in the nearest cell, as RiskScore scores them.
type RiskMap struct {
	Cells [MaxRating][MaxRating][]int
}

// RiskMap places every open threat on the grid.
func (m *Model) RiskMap() RiskMap {
	var rm RiskMap
	for i := range m.Threats {
		t := &m.Threats[i]
		if !t.IsOpen() {
			continue
		}
		l, im := clamp(t.Likelihood), clamp(t.Impact)
		rm.Cells[l-1][im-1] = append(rm.Cells[l-1][im-1], i)
	}
	return rm
}

// Cell is the open threats at likelihood l and impact i (1–5 each; nil
// outside the grid).
func (rm *RiskMap) Cell(l, i int) []int {
	if l < MinRating || l > MaxRating || i < MinRating || i > MaxRating {
		return nil
	}
	return rm.Cells[l-1][i-1]
}

// ElementRisk is what threatens one surface element: how many open
// threats name it and the highest band among them ("" when none).
type ElementRisk struct {
	Open int
	Band RiskBand
}

// SurfaceRisk maps each surface element id to its open threats, for the
// data-flow diagram. Elements no open threat names are absent.
func (m *Model) SurfaceRisk() map[string]ElementRisk {
	out := make(map[string]ElementRisk, len(m.Surface))
	for i := range m.Threats {
		t := &m.Threats[i]
		if !t.IsOpen() {
			continue
		}
		band := t.Band()
		for j, id := range t.Surface {
			if indexOf(t.Surface[:j], id) >= 0 {
				continue // a link named twice is one threat
			}
			er := out[id]
			er.Open++
			if band.Rank() > er.Band.Rank() {
				er.Band = band
			}
			out[id] = er
		}
	}
	return out
}

// LikelihoodLabels and ImpactLabels name the 1–5 ratings (index rating-1).
var (
	LikelihoodLabels = [MaxRating]string{"Rare", "Unlikely", "Possible", "Likely", "Almost certain"}
	ImpactLabels     = [MaxRating]string{"Negligible", "Minor", "Moderate", "Major", "Severe"}
)
