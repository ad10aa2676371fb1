package model

import (
	"fmt"
	"testing"
)

// benchModel builds the benchmark workbook model: 500 surface
// elements of every kind, 10,000 threats (some accepted from the library,
// so they must be filtered out), 200 assets with every sensitivity, and a
// few dismissals. It is built directly, not through the mutators, to keep
// the setup quick; the shape is what matters to Suggest.
func benchModel(b *testing.B) *Model {
	b.Helper()
	m, err := New("Benchmark", "bench", t0)
	if err != nil {
		b.Fatal(err)
	}
	for i := range 200 {
		m.Assets = append(m.Assets, Asset{ID: FormatID(PrefixAsset, i+1), Name: fmt.Sprintf("Asset %d", i), Sensitivity: Sensitivities[i%len(Sensitivities)]})
	}
	for i := range 500 {
		// Descriptions with keywords, so trait inference does real work.
		m.Surface = append(m.Surface, SurfaceElement{ID: FormatID(PrefixSurface, i+1), Name: fmt.Sprintf("Element %d", i), Kind: ElementKinds[i%len(ElementKinds)],
			Description: fmt.Sprintf("Internal service %d that takes uploads, exports CSV reports for customers and queries the orders database", i),
			TrustZone:   []string{"Internet", "Internal", "Cloud provider"}[i%3]})
	}
	lib := BuiltinLibrary().Threats
	for i := range 10_000 {
		t := Threat{ID: FormatID(PrefixThreat, i+1), Title: fmt.Sprintf("Threat number %d", i), Category: StrideCategories[i%6], Likelihood: 3, Impact: 3, Status: StatusOpen}
		if i%500 == 0 { // 20 accepted from the library
			t.LibraryID, t.Title = lib[i/500].ID, lib[i/500].Title
		}
		m.Threats = append(m.Threats, t)
	}
	for _, lt := range lib[20:30] {
		m.Dismissed = append(m.Dismissed, lt.ID)
	}
	m.Normalize()
	return m
}

// BenchmarkSuggest: the target is < 5 ms for 500 surface elements (traits
// inferred from their descriptions), 200 assets and 10,000 threats.
func BenchmarkSuggest(b *testing.B) {
	m := benchModel(b)
	libs := []Library{BuiltinLibrary()}
	var n int
	b.ReportAllocs()
	for b.Loop() {
		n = len(Suggest(m, libs...))
	}
	if n == 0 {
		b.Fatal("no suggestions")
	}
	b.ReportMetric(float64(n), "suggestions")
}
