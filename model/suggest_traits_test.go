package model

import (
	"slices"
	"strings"
	"testing"
)

func TestInferTraits(t *testing.T) {
	tests := []struct {
		name     string
		e        SurfaceElement
		has, not []Trait
		exposure Exposure
		callers  Callers
	}{
		{"cron job", SurfaceElement{Name: "Nightly cleanup", Kind: KindProcess, Description: "Cron job deleting old rows"},
			nil, []Trait{TraitLogin, TraitSessions}, ExposureInternal, CallersNone},
		{"password login", SurfaceElement{Name: "Login form", Kind: KindAuth, Description: "Email and password sign-in"},
			[]Trait{TraitLogin, TraitSessions}, nil, ExposureInternet, CallersPeople},
		{"federated sign-in", SurfaceElement{Name: "Corporate SSO", Kind: KindAuth, Description: "OIDC sign-in with the company identity provider", TrustZone: "Internal"},
			[]Trait{TraitOAuth, TraitSessions}, []Trait{TraitLogin}, ExposureInternal, CallersPeople},
		{"machine auth", SurfaceElement{Name: "Service tokens", Kind: KindAuth, Description: "mTLS between services"},
			nil, []Trait{TraitLogin, TraitSessions}, ExposureInternet, CallersPeople},
		{"mobile client", SurfaceElement{Name: "iOS app", Kind: KindClient},
			[]Trait{TraitMobile}, []Trait{TraitBrowser}, ExposureInternet, CallersPeople},
		{"web client", SurfaceElement{Name: "Dashboard", Kind: KindClient},
			[]Trait{TraitBrowser, TraitSessions}, nil, ExposureInternet, CallersPeople},
		{"short words whole", SurfaceElement{Name: "Space planner", Kind: KindProcess, Description: "Ragged edges"},
			nil, []Trait{TraitBrowser, TraitLLM}, ExposureInternal, CallersServices},
		{"long words as prefixes", SurfaceElement{Name: "Uploader", Kind: KindAPI, Description: "Extracts archives; queries PostgreSQL", TrustZone: "DMZ"},
			[]Trait{TraitUploads, TraitArchives, TraitSQL}, []Trait{TraitNoSQL}, ExposureInternet, CallersBoth},
		{"third party", SurfaceElement{Name: "Card processor", Kind: KindThirdParty, TrustZone: "Internet"},
			nil, nil, ExposureThirdParty, CallersServices},
		{"internal api for services", SurfaceElement{Name: "Scoring API", Kind: KindAPI, Description: "Internal service-to-service API"},
			nil, nil, ExposureInternal, CallersServices},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := InferTraits(tc.e)
			for _, tr := range tc.has {
				if !p.Has(tr) {
					t.Errorf("lacks %s: %v", tr, p.Traits)
				}
			}
			for _, tr := range tc.not {
				if p.Has(tr) {
					t.Errorf("has %s: %v", tr, p.Traits)
				}
			}
			if p.Exposure != tc.exposure || p.Callers != tc.callers {
				t.Errorf("exposure %s, callers %s; want %s, %s", p.Exposure, p.Callers, tc.exposure, tc.callers)
			}
			if !slices.IsSorted(p.Traits) {
				t.Errorf("traits not sorted: %v", p.Traits)
			}
		})
	}
}

// TestProfileOfPrefersTheUsersSettings: what the user set wins; traits
// add to the inferred ones.
func TestProfileOfPrefersTheUsersSettings(t *testing.T) {
	e := SurfaceElement{Name: "Public API", Kind: KindAPI, Traits: []Trait{TraitGraphQL}, Exposure: ExposureInternal, Callers: CallersPeople}
	p := ProfileOf(e)
	if p.Exposure != ExposureInternal || p.Callers != CallersPeople || !p.Has(TraitGraphQL) {
		t.Errorf("profile %+v", p)
	}
}

func TestPutElementChecksProfile(t *testing.T) {
	m := newTestModel(t)
	for _, tc := range []struct {
		e    SurfaceElement
		want string
	}{
		{SurfaceElement{Name: "A", Kind: KindAPI, Traits: []Trait{"telepathy"}}, `"telepathy" is not a known trait`},
		{SurfaceElement{Name: "A", Kind: KindAPI, Exposure: "moon"}, `"moon" is not a known exposure`},
		{SurfaceElement{Name: "A", Kind: KindAPI, Callers: "robots"}, `"robots" is not a known caller value`},
	} {
		if _, err := m.PutElement(tc.e, t0); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want %q", tc.e, err, tc.want)
		}
	}
	must(t)(m.PutElement(SurfaceElement{Name: "B", Kind: KindAPI, Traits: []Trait{TraitSQL, " uploads", TraitSQL, ""}}, t0))
	if got := m.Surface[0].Traits; !slices.Equal(got, []Trait{TraitSQL, TraitUploads}) {
		t.Errorf("traits stored as %v", got)
	}
}

// FuzzInferTraits: any name, description and zone give a valid profile
// without panicking.
func FuzzInferTraits(f *testing.F) {
	f.Add("Login form", "Email and password; OIDC", "Internet")
	f.Add("x", "c++ ci/cd socket.io \x00\xff", "")
	f.Fuzz(func(t *testing.T, name, desc, zone string) {
		for _, k := range ElementKinds {
			p := ProfileOf(SurfaceElement{Name: name, Description: desc, TrustZone: zone, Kind: k})
			if !p.Exposure.Valid() || !p.Callers.Valid() {
				t.Fatalf("%s: profile %+v", k, p)
			}
			for _, tr := range p.Traits {
				if !tr.Valid() {
					t.Fatalf("unknown trait %q", tr)
				}
			}
		}
	})
}
