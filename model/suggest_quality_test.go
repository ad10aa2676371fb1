package model

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// everyKindModel has two elements of every attack-surface kind and no
// assets: what a team sketching a whole system would enter.
func everyKindModel(t *testing.T) *Model {
	t.Helper()
	m := newTestModel(t)
	// The first of each kind has every trait, is internet-facing and is
	// called by people and services; the second has every trait, is
	// internal and nothing calls it: between them they meet every need a
	// library threat can declare.
	for _, k := range ElementKinds {
		must(t)(m.PutElement(SurfaceElement{Name: fmt.Sprintf("%s 1", k), Kind: k, Traits: everyTrait(), Exposure: ExposureInternet, Callers: CallersBoth}, t0))
		must(t)(m.PutElement(SurfaceElement{Name: fmt.Sprintf("%s 2", k), Kind: k, Traits: everyTrait(), Exposure: ExposureInternal, Callers: CallersNone}, t0))
	}
	return m
}

// checkSuggestions asserts what must hold of any suggestion list for m:
// every suggested element takes the threat (its kind is listed and allowed
// by STRIDE-per-element, and its profile meets the threat's needs), every
// element that takes a threat is linked, no
// threat the model has or dismissed comes back, each library id once, and
// Why is one clean line naming a linked element and the category.
func checkSuggestions(t *testing.T, m *Model, libs []Library, got []Suggestion) {
	t.Helper()
	have := map[string]bool{}
	for _, th := range m.Threats {
		have[th.LibraryID] = true
		have[strings.ToLower(th.Title)] = true
	}
	for _, d := range m.Dismissed {
		have[d] = true
	}
	seen := map[string]bool{}
	for i, s := range got {
		lt := s.Threat
		if seen[lt.ID] {
			t.Errorf("%s suggested twice", lt.ID)
		}
		seen[lt.ID], seen[strings.ToLower(lt.Title)] = true, true
		if have[lt.ID] || have[strings.ToLower(lt.Title)] {
			t.Errorf("%s (%q) is already in the model or was dismissed", lt.ID, lt.Title)
		}
		if i > 0 && got[i-1].Score < s.Score {
			t.Errorf("%s (score %d) ranked below %s (score %d)", lt.ID, s.Score, got[i-1].Threat.ID, got[i-1].Score)
		}
		if len(s.Elements) == 0 {
			t.Errorf("%s suggested without an element", lt.ID)
		}
		var want []string
		for _, e := range m.Surface {
			if lt.Fits(e) {
				want = append(want, e.ID)
			}
		}
		if !slices.Equal(s.Elements, want) {
			t.Errorf("%s linked to %v, want every element that takes it: %v", lt.ID, s.Elements, want)
		}
		for _, id := range s.Elements {
			e, ok := m.Element(id)
			switch {
			case !ok:
				t.Errorf("%s links missing element %s", lt.ID, id)
			case !slices.Contains(lt.AppliesTo, e.Kind):
				t.Errorf("%s suggested for %s, a %s it does not apply to (%v)", lt.ID, e.Name, e.Kind, lt.AppliesTo)
			case !KindAllows(e.Kind, lt.Category):
				t.Errorf("%s (%s) suggested for %s, a %s: STRIDE-per-element does not allow it", lt.ID, lt.Category, e.Name, e.Kind)
			case !profileMeets(ProfileOf(e), lt):
				t.Errorf("%s suggested for %s, whose profile %+v lacks what it needs", lt.ID, e.Name, ProfileOf(e))
			}
		}
		named := slices.ContainsFunc(s.Elements, func(id string) bool {
			e, _ := m.Element(id)
			return strings.HasPrefix(s.Why, e.Name+" (")
		})
		if !named || !strings.Contains(s.Why, lt.Category.Label()+" threat to ") || CleanLine(s.Why) != s.Why {
			t.Errorf("%s: why %q does not name a linked element and the rule on one line", lt.ID, s.Why)
		}
	}
	// Nothing applicable is missed.
	for _, lib := range libs {
		for _, lt := range lib.Threats {
			if seen[lt.ID] || seen[strings.ToLower(lt.Title)] || have[lt.ID] || have[strings.ToLower(lt.Title)] {
				continue // suggested, or stood for by a threat of the model or an earlier library
			}
			for _, e := range m.Surface {
				if slices.Contains(lt.AppliesTo, e.Kind) && KindAllows(e.Kind, lt.Category) && profileMeets(ProfileOf(e), lt) {
					t.Errorf("%s applies to %s (%s) but was not suggested", lt.ID, e.Name, e.Kind)
					break
				}
			}
		}
	}
}

// everyTrait is every trait an element in scope can have.
func everyTrait() []Trait {
	return slices.DeleteFunc(slices.Clone(Traits), func(t Trait) bool { return t == TraitOutOfScope })
}

// profileMeets restates the fit rule independently of Suggest: every
// required trait, one of the any-of traits, an accepted exposure and the
// callers needed ("both" meets people and services, "none" only none).
func profileMeets(p Profile, lt LibraryThreat) bool {
	if p.Has(TraitOutOfScope) {
		return false
	}
	for _, tr := range lt.Requires {
		if !p.Has(tr) {
			return false
		}
	}
	if len(lt.RequiresAny) > 0 && !slices.ContainsFunc(lt.RequiresAny, p.Has) {
		return false
	}
	if len(lt.Exposure) > 0 && !slices.Contains(lt.Exposure, p.Exposure) {
		return false
	}
	if len(lt.Callers) == 0 {
		return true
	}
	for _, c := range lt.Callers {
		if c == p.Callers || p.Callers == CallersBoth && c != CallersNone {
			return true
		}
	}
	return false
}

func TestSuggestionsApplyToTheirElements(t *testing.T) {
	lib := []Library{BuiltinLibrary()}
	onlyBoundaries := newTestModel(t)
	must(t)(onlyBoundaries.PutElement(SurfaceElement{Name: "DMZ", Kind: KindTrustBoundary}, t0))
	thirdParty := newTestModel(t)
	must(t)(thirdParty.PutElement(SurfaceElement{Name: "Stripe", Kind: KindThirdParty}, t0))

	tests := []struct {
		name string
		m    *Model
		min  int // suggestions expected at least
	}{
		{"example model", Example(ExampleDate), 60},
		{"every kind", everyKindModel(t), len(BuiltinLibrary().Threats)},
		{"trust boundaries only", onlyBoundaries, 0},
		{"empty model", newTestModel(t), 0},
		{"a third party", thirdParty, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Suggest(tc.m)
			checkSuggestions(t, tc.m, lib, got)
			if len(got) < tc.min || (tc.min == 0 && len(got) != 0) {
				t.Errorf("%d suggestions, want at least %d", len(got), tc.min)
			}
		})
	}
	// A third-party integration is an external entity under STRIDE-per-
	// element, plus tampering, disclosure and denial of service across
	// the integration; never elevation of privilege.
	cats := map[Stride]bool{}
	for _, s := range Suggest(thirdParty) {
		cats[s.Threat.Category] = true
		if s.Threat.Category == ElevationOfPrivilege {
			t.Errorf("%s (%s) suggested for a third-party integration", s.Threat.ID, s.Threat.Category)
		}
	}
	for _, c := range []Stride{Spoofing, Repudiation, Tampering, InformationDisclosure, DenialOfService} {
		if !cats[c] {
			t.Errorf("no %s suggestion for a third-party integration", c)
		}
	}
}

// TestSensitiveAssetsRaiseTamperingAndDisclosure: an asset named like an
// element is linked to the suggestions on that element; a confidential,
// then a restricted one raises tampering and disclosure suggestions and
// the impact (restricted one up); a public one lowers the impact; an
// asset unrelated to the element is not linked.
func TestSensitiveAssetsRaiseTamperingAndDisclosure(t *testing.T) {
	build := func(sens Sensitivity) *Model {
		m := newTestModel(t)
		must(t)(m.PutElement(SurfaceElement{Name: "Orders database", Kind: KindDataStore, Description: "Holds every order."}, t0))
		must(t)(m.PutAsset(Asset{Name: "Marketing site copy", Sensitivity: Restricted}, t0))
		if sens != "" {
			must(t)(m.PutAsset(Asset{Name: "Order history", Sensitivity: sens}, t0))
		}
		return m
	}
	base := byID(Suggest(build("")))
	pub, conf, restr := byID(Suggest(build(Public))), byID(Suggest(build(Confidential))), byID(Suggest(build(Restricted)))
	raised := 0
	for id, b := range base {
		if len(b.Assets) != 0 {
			t.Errorf("%s links an unrelated asset: %v", id, b.Assets)
		}
		c, r, p := conf[id], restr[id], pub[id]
		for _, x := range []Suggestion{c, r, p} {
			if !slices.Equal(x.Assets, []string{"AS-002"}) || !strings.Contains(x.Why, "asset Order history") {
				t.Errorf("%s links %v, why %q: want the order history only", id, x.Assets, x.Why)
			}
		}
		if p.Impact != clamp(b.Impact-2) || c.Impact != b.Impact || r.Impact != clamp(b.Impact+1) {
			t.Errorf("%s impact %d: public %d, confidential %d, restricted %d", id, b.Impact, p.Impact, c.Impact, r.Impact)
		}
		switch b.Threat.Category {
		case Tampering, InformationDisclosure:
			raised++
			if !(b.Score < c.Score && c.Score < r.Score) {
				t.Errorf("%s scores %d, %d confidential, %d restricted: want rising", id, b.Score, c.Score, r.Score)
			}
		}
	}
	if raised < 5 {
		t.Errorf("only %d tampering and disclosure suggestions compared", raised)
	}
}

func byID(ss []Suggestion) map[string]Suggestion {
	out := map[string]Suggestion{}
	for _, s := range ss {
		out[s.Threat.ID] = s
	}
	return out
}

// TestSpecificKindsRankAboveGenericProcessThreats: threats written for an
// admin interface, webhook, file transfer, third-party integration or
// authentication mechanism come before every threat that matched only a
// plain process on its kind alone, and the why names that element.
func TestSpecificKindsRankAboveGenericProcessThreats(t *testing.T) {
	special := []ElementKind{KindAdmin, KindWebhook, KindFileTransfer, KindThirdParty, KindAuth}
	for _, m := range []*Model{everyKindModel(t), Example(ExampleDate)} {
		got := Suggest(m)
		lastSpecific, firstGeneric := -1, len(got)
		specificSeen := map[ElementKind]bool{}
		for i, s := range got {
			kinds := map[ElementKind]bool{}
			for _, id := range s.Elements {
				e, _ := m.Element(id)
				kinds[e.Kind] = true
			}
			if primary := s.Threat.AppliesTo[0]; slices.Contains(special, primary) && kinds[primary] {
				lastSpecific = i
				specificSeen[primary] = true
				if !strings.Contains(s.Why, "threat to "+kindPlural(primary)) {
					t.Errorf("%s is written for %s; why %q names another rule", s.Threat.ID, primary, s.Why)
				}
			}
			// Threats that need traits are specific however generic the
			// element kind they matched.
			if len(kinds) == 1 && kinds[KindProcess] && len(s.Threat.Requires)+len(s.Threat.RequiresAny) == 0 {
				firstGeneric = min(firstGeneric, i)
			}
		}
		if lastSpecific < 0 {
			t.Fatalf("%s: no kind-specific suggestion", m.Overview.Title)
		}
		if lastSpecific > firstGeneric {
			t.Errorf("%s: a kind-specific threat at rank %d comes after a process-only one at rank %d (%s)",
				m.Overview.Title, lastSpecific+1, firstGeneric+1, got[firstGeneric].Threat.ID)
		}
		if m.Overview.Title != "Threat Model" && len(specificSeen) != len(special) {
			t.Errorf("kind-specific threats seen only for %v", specificSeen)
		}
	}
	// On the example, the top ten are all aimed at its admin interface,
	// authentication endpoints, or at where its restricted data lives.
	m := Example(ExampleDate)
	for _, s := range Suggest(m)[:10] {
		primary := s.Threat.AppliesTo[0]
		if !slices.Contains(special, primary) && s.Threat.Category != Tampering && s.Threat.Category != InformationDisclosure {
			t.Errorf("example top ten holds %s (%s, for %s): %s", s.Threat.ID, s.Threat.Category, primary, s.Why)
		}
	}
}

// TestAcceptedAndDismissedSuggestionsDoNotComeBack works through the
// example: accept the top suggestion of each category, dismiss the next,
// and suggest again.
func TestAcceptedAndDismissedSuggestionsDoNotComeBack(t *testing.T) {
	m := Example(ExampleDate)
	before := Suggest(m)
	var accepted, dismissed []string
	for _, c := range StrideCategories {
		sc := SuggestFor(m, c)
		if len(sc) < 2 {
			t.Fatalf("%s: %d suggestions on the example", c, len(sc))
		}
		for _, s := range sc {
			if s.Threat.Category != c {
				t.Errorf("SuggestFor(%s) returned %s (%s)", c, s.Threat.ID, s.Threat.Category)
			}
		}
		n := len(m.Threats)
		must(t)(m.Accept(sc[0], t0))
		th := m.Threats[len(m.Threats)-1]
		if len(m.Threats) != n+1 || th.LibraryID != sc[0].Threat.ID || !slices.Equal(th.Surface, sc[0].Elements) ||
			!slices.Equal(th.Assets, sc[0].Assets) || len(th.Mitigations) != len(sc[0].Threat.Mitigations) {
			t.Errorf("accepting %s gave %+v", sc[0].Threat.ID, th)
		}
		must(t)(m.Dismiss(sc[1].Threat.ID, t0))
		accepted, dismissed = append(accepted, sc[0].Threat.ID), append(dismissed, sc[1].Threat.ID)
	}
	after := Suggest(m)
	checkSuggestions(t, m, []Library{BuiltinLibrary()}, after)
	for _, s := range after {
		if slices.Contains(accepted, s.Threat.ID) || slices.Contains(dismissed, s.Threat.ID) {
			t.Errorf("%s came back", s.Threat.ID)
		}
	}
	if len(after) != len(before)-12 {
		t.Errorf("%d suggestions after accepting 6 and dismissing 6 of %d", len(after), len(before))
	}

	// A threat the team wrote itself with a library title (any case)
	// stands for that library threat.
	lt := after[0].Threat
	must(t)(m.PutThreat(Threat{Title: strings.ToUpper(lt.Title), Category: lt.Category}, t0))
	if slices.ContainsFunc(Suggest(m), func(s Suggestion) bool { return s.Threat.ID == lt.ID }) {
		t.Errorf("%s suggested although the model has a threat titled %q", lt.ID, strings.ToUpper(lt.Title))
	}
}

// TestTeamLibraryThreatsJoinAndOverride: a team library adds its threats
// and, listed first (SuggestionLibraries), replaces a built-in threat with
// the same id; a later library never repeats an id or title.
func TestTeamLibraryThreatsJoinAndOverride(t *testing.T) {
	builtin := BuiltinLibrary()
	edited := builtin.Threats[slices.IndexFunc(builtin.Threats, func(lt LibraryThreat) bool { return lt.ID == "TDL-S-011" })]
	edited.Mitigations = []string{"Our own replay guard"}
	copied := builtin.Threats[slices.IndexFunc(builtin.Threats, func(lt LibraryThreat) bool { return lt.ID == "TDL-S-010" })]
	copied.ID = "ACME-COPY"
	own := LibraryThreat{ID: "ACME-1", Title: "Partner sends callbacks for another tenant", Category: ElevationOfPrivilege,
		AppliesTo: []ElementKind{KindWebhook}, Description: "d", Mitigations: []string{"Scope callbacks by tenant"},
		Vector: "API Security", Likelihood: 3, Impact: 4}
	team := Library{Schema: LibrarySchema, Name: "acme", Version: "1", Threats: []LibraryThreat{edited, copied, own}}
	if err := team.Validate(); err != nil {
		t.Fatal(err)
	}

	m := newTestModel(t)
	must(t)(m.PutElement(SurfaceElement{Name: "Partner hook", Kind: KindWebhook}, t0))
	libs := SuggestionLibraries([]Library{team})
	got := Suggest(m, libs...)
	checkSuggestions(t, m, libs, got)
	ids := byID(got)
	if s := ids["TDL-S-011"]; s.Library != "acme" || !slices.Equal(s.Threat.Mitigations, edited.Mitigations) {
		t.Errorf("team's edited TDL-S-011 did not replace the built-in one: %+v", s)
	}
	if s, ok := ids["ACME-1"]; !ok || s.Library != "acme" {
		t.Errorf("team threat missing: %+v", s)
	}
	if _, dup := ids["TDL-S-010"]; dup || ids["ACME-COPY"].Library != "acme" {
		t.Errorf("a threat with the same title came from both libraries")
	}
	for _, s := range got {
		if !strings.HasPrefix(s.Threat.ID, "ACME") && s.Threat.ID != "TDL-S-011" && s.Library != builtin.Name {
			t.Errorf("%s attributed to %q", s.Threat.ID, s.Library)
		}
	}
}
