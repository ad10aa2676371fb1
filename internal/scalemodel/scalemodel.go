// Package scalemodel builds the model of issue 14's scale target: 100,000
// elements and 100,000 threats, the size at which every format must import
// and export in under 3 s and 500 MiB. The export benchmarks and the whole
// import's benchmark share it, so they measure the same model.
package scalemodel

import (
	"fmt"
	"time"

	"github.com/threatdeck/threatdeck/model"
)

// Elements and Threats are the model's sizes.
const Elements, Threats = 100000, 100000

// New builds the model: Elements elements (two thirds processes and stores
// in five trust zones, one third flows between them) and Threats threats,
// each on one element with one mitigation, created at now.
func New(now time.Time) (*model.Model, error) {
	m, err := model.New("Scale", "bench", now)
	if err != nil {
		return nil, err
	}
	m.Surface = make([]model.SurfaceElement, 0, Elements)
	for i := 1; i <= Elements; i++ {
		e := model.SurfaceElement{ID: model.FormatID(model.PrefixSurface, i), Name: fmt.Sprintf("Element %d", i),
			Kind: model.KindProcess, TrustZone: fmt.Sprintf("Zone %d", i%5), Description: "A part of the system under review."}
		switch {
		case i%3 == 0 && i > 2:
			e.Kind, e.TrustZone = model.KindDataFlow, ""
			e.Source, e.Target = model.FormatID(model.PrefixSurface, i-2), model.FormatID(model.PrefixSurface, i-1)
		case i%3 == 1:
			e.Kind = model.KindDataStore
		}
		m.Surface = append(m.Surface, e)
	}
	m.Threats = make([]model.Threat, 0, Threats)
	for i := 1; i <= Threats; i++ {
		m.Threats = append(m.Threats, model.Threat{
			ID: model.FormatID(model.PrefixThreat, i), Title: fmt.Sprintf("Threat %d", i),
			Description: "An attacker could do something unpleasant here unless it is prevented.",
			Category:    model.StrideCategories[i%6], Vector: "API Security",
			Surface:    []string{model.FormatID(model.PrefixSurface, 1+(i-1)%Elements)},
			Likelihood: 1 + i%5, Impact: 1 + (i/5)%5, Status: model.StatusOpen,
			Mitigations: []model.Mitigation{{ID: model.FormatID(model.PrefixMitigation, i), Description: "Validate input and log what happens.", Status: model.MitigationPlanned}},
		})
	}
	m.Seq[model.PrefixSurface], m.Seq[model.PrefixThreat], m.Seq[model.PrefixMitigation] = Elements, Threats, Threats
	m.Normalize()
	return m, nil
}
