package model

import (
	"slices"
	"strings"
	"testing"
)

var testLib = Library{Schema: LibrarySchema, Name: "test", Version: "1", Threats: []LibraryThreat{
	{ID: "X-1", Title: "Webhook forgery", Category: Spoofing, AppliesTo: []ElementKind{KindWebhook}, Mitigations: []string{"Verify HMAC signatures"}, OWASP2025: []string{"A07:2025"}, OWASP2021: []string{"A07:2021"}, Likelihood: 3, Impact: 3},
	{ID: "X-2", Title: "Table dump", Category: InformationDisclosure, AppliesTo: []ElementKind{KindDataStore}, Mitigations: []string{"Encrypt at rest", "Least privilege"}, Likelihood: 3, Impact: 5},
	// A data store cannot be spoofed under STRIDE-per-element, even if listed.
	{ID: "X-3", Title: "Spoofed store", Category: Spoofing, AppliesTo: []ElementKind{KindDataStore}, Mitigations: []string{"n/a"}, Likelihood: 5, Impact: 5},
	{ID: "X-4", Title: "Flow sniffing", Category: InformationDisclosure, AppliesTo: []ElementKind{KindDataFlow}, Mitigations: []string{"TLS"}, Likelihood: 2, Impact: 2},
}}

func TestSuggestAppliesPerElement(t *testing.T) {
	m := newTestModel(t)
	must(t)(m.PutElement(SurfaceElement{Name: "Orders DB", Kind: KindDataStore}, t0))
	must(t)(m.PutElement(SurfaceElement{Name: "Stripe hook", Kind: KindWebhook}, t0))
	sugg := Suggest(m, testLib)
	ids := func(ss []Suggestion) []string {
		var out []string
		for _, s := range ss {
			out = append(out, s.Threat.ID)
		}
		return out
	}
	// The webhook threat is written for its kind, so it outranks the
	// generic data-store one until sensitive data raises disclosure.
	if got := ids(sugg); !slices.Equal(got, []string{"X-1", "X-2"}) {
		t.Fatalf("suggestions %v", got)
	}
	for _, s := range sugg {
		for _, id := range s.Elements {
			e, _ := m.Element(id)
			if !slices.Contains(s.Threat.AppliesTo, e.Kind) {
				t.Errorf("%s suggested for %s (%s)", s.Threat.ID, e.Name, e.Kind)
			}
		}
		if s.Why == "" {
			t.Errorf("%s has no reason", s.Threat.ID)
		}
	}

	// A restricted asset raises disclosure suggestions and links the asset.
	must(t)(m.PutAsset(Asset{Name: "Order records", Sensitivity: Restricted}, t0))
	before := sugg[1].Score
	sugg = SuggestFor(m, InformationDisclosure, testLib)
	if sugg[0].Threat.ID != "X-2" || !slices.Equal(sugg[0].Assets, []string{"AS-001"}) || !strings.Contains(sugg[0].Why, "restricted") || sugg[0].Score <= before {
		t.Errorf("sensitivity not applied: %+v", sugg[0])
	}

	// Accepting links the triggers, takes the adjusted ratings (an
	// internal store: likelihood 3 → 2; restricted data: impact 5 stays
	// at the top) and copies mitigations as planned.
	must(t)(m.Accept(sugg[0], t0))
	th := m.Threats[0]
	if th.Likelihood != 2 || th.Impact != 5 {
		t.Errorf("accepted with likelihood %d, impact %d; want 2, 5", th.Likelihood, th.Impact)
	}
	if th.LibraryID != "X-2" || !slices.Equal(th.Surface, []string{"SE-001"}) || !slices.Equal(th.Assets, []string{"AS-001"}) || len(th.Mitigations) != 2 || th.Mitigations[0].Status != MitigationPlanned {
		t.Errorf("accepted threat %+v", th)
	}
	must(t)(m.Dismiss("X-1", t0))
	if got := ids(Suggest(m, testLib)); len(got) != 0 {
		t.Errorf("accepted or dismissed suggestions came back: %v", got)
	}
	if got := SuggestFor(m, Spoofing, testLib); len(got) != 0 {
		t.Errorf("SuggestFor spoofing = %v", ids(got))
	}
}

func TestSuggestSkipsSameTitle(t *testing.T) {
	m := newTestModel(t)
	must(t)(m.PutElement(SurfaceElement{Name: "hook", Kind: KindWebhook}, t0))
	must(t)(m.PutThreat(Threat{Title: "webhook FORGERY", Category: Spoofing}, t0))
	if got := Suggest(m, testLib); len(got) != 0 {
		t.Errorf("threat with the same title suggested again: %v", got[0].Threat.ID)
	}
}
